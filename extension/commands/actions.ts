// Mesolite: Cluster Actions — what the status bar item opens: a quick pick of the cluster's commands.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';
import { COMMANDS, type CommandId } from './ids';

const ACTIONS: Array<vscode.QuickPickItem & { command: CommandId; startedOnly?: boolean }> = [
  { label: '$(refresh) Refresh', command: COMMANDS.refresh },
  { label: '$(debug-stop) Stop Local Cluster', command: COMMANDS.stopLocalCluster, startedOnly: true },
  { label: '$(plug) Connect to Cluster…', command: COMMANDS.connect },
  { label: '$(output) Show Container Logs…', command: COMMANDS.showContainerLogs, startedOnly: true },
  { label: '$(list-flat) Show Task Logs…', command: COMMANDS.showTaskLogs },
  { label: '$(debug-alt) Debug Offers', command: COMMANDS.debugOffers },
];

export function register(c: Controller): vscode.Disposable {
  return command(c, 'showActions', async () => {
    const session = c.requireSession();
    const started = session.target.started !== undefined;
    const picked = await vscode.window.showQuickPick(ACTIONS.filter((a) => started || !a.startedOnly), { placeHolder: `Mesolite: ${session.leader ?? session.target.master}` });
    if (picked) await vscode.commands.executeCommand(picked.command);
  });
}
