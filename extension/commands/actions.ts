// Mesolite: Cluster Actions — what the status bar item opens: a quick pick of the cluster's commands.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import type { ClusterTarget } from '../session';
import { command } from './command';
import { COMMANDS, type CommandId } from './ids';

const started = (t: ClusterTarget) => t.started !== undefined;

/** shown: whether the action applies to the cluster (always, when absent). */
const ACTIONS: Array<vscode.QuickPickItem & { command: CommandId; shown?: (t: ClusterTarget) => boolean }> = [
  { label: '$(refresh) Refresh', command: COMMANDS.refresh },
  { label: '$(debug-stop) Stop Local Cluster', command: COMMANDS.stopLocalCluster, shown: started },
  { label: '$(pinned) Keep Running After Close', description: 'it stops when this window closes', command: COMMANDS.keepRunningAfterClose, shown: (t) => started(t) && !t.keepOnClose },
  { label: '$(plug) Connect to Cluster…', command: COMMANDS.connect },
  { label: '$(output) Show Container Logs…', command: COMMANDS.showContainerLogs, shown: started },
  { label: '$(list-flat) Show Task Logs…', command: COMMANDS.showTaskLogs },
  { label: '$(debug-alt) Debug Offers', command: COMMANDS.debugOffers },
];

export function register(c: Controller): vscode.Disposable {
  return command(c, 'showActions', async () => {
    const session = c.requireSession();
    const actions = ACTIONS.filter((a) => a.shown?.(session.target) ?? true);
    const picked = await vscode.window.showQuickPick(actions, { placeHolder: `Mesolite: ${session.leader ?? session.target.master}` });
    if (picked) await vscode.commands.executeCommand(picked.command);
  });
}
