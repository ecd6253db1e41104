// Mesolite: Stop Local Cluster — stops every process the extension started, tasks included.
import * as vscode from 'vscode';
import { stopProcessCluster } from '../../runtime/cluster/process';
import type { Controller } from '../controller';
import { command } from './command';

export async function stopStarted(c: Controller): Promise<void> {
  const started = c.session?.target.started;
  c.disconnect();
  if (started) await stopProcessCluster(started);
}

export function register(c: Controller): vscode.Disposable {
  return command(c, 'mesolite.stopLocalCluster', () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Mesolite: stopping the cluster' }, () => stopStarted(c)));
}
