// Mesolite: Stop Local Cluster — stops every process (tasks included) or removes every container the
// extension started.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { stopLocal } from '../local/local';
import { command } from './command';

export async function stopStarted(c: Controller): Promise<void> {
  const started = c.session?.target.started;
  c.disconnect();
  if (started) await stopLocal(started);
}

export function register(c: Controller): vscode.Disposable {
  return command(c, 'stopLocalCluster', () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Mesolite: stopping the cluster' }, () => stopStarted(c)));
}
