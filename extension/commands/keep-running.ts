// Mesolite: Keep Cluster Running After Close — a cluster started here then outlives the window (Start
// Local Cluster connects to it again, Stop Local Cluster still stops it). Reached from Cluster Actions.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'keepRunningAfterClose', () => {
    const target = c.requireSession().target;
    if (!target.started) throw new Error('Only a cluster started by this window stops when it closes');
    target.keepOnClose = true;
    c.log.info(`Cluster '${target.started.name}' keeps running after this window closes`);
    vscode.window.setStatusBarMessage(`$(pinned) Mesolite: '${target.started.name}' keeps running after this window closes`, 5_000);
  });
}
