// Mesolite: Show Container Logs — a member's log (master-1, agent-2, marathon...) of the cluster started
// here: its container's log in Docker mode, its log file in process mode.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { memberLogs, members } from '../local/local';
import { whileConnected } from '../logs/ends';
import { openLogPanel } from '../logs/panel';
import { command } from './command';

export function register(c: Controller, extensionUri: vscode.Uri): vscode.Disposable {
  return command(c, 'showContainerLogs', async (name?: string) => {
    const session = c.requireSession();
    const started = session.target.started;
    if (!started) throw new Error('Container logs are known only for a cluster started by this window');
    name ??= await vscode.window.showQuickPick(members(started), { placeHolder: 'Member' });
    if (name) return openLogPanel(extensionUri, `Logs: ${name}`, whileConnected(session, memberLogs(started, name)));
  });
}
