// Mesolite: Copy DNS Name — the name the cluster's DNS server serves for a task (`<task>.<framework>.mesos`),
// to the clipboard; returns it.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';
import { pickRunningTask } from './pick';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'copyDnsName', async (arg?: unknown) => {
    const dns = c.requireSession().dns;
    if (!dns) throw new Error('This cluster has no DNS server known to Mesolite (Start Local Cluster starts one)');
    const task = await pickRunningTask(c, arg, 'has DNS names');
    if (!task) return;
    const [name] = (await dns.namesByTask()).get(task.task_id.value) ?? [];
    if (!name) throw new Error(`The DNS server has no name for ${task.task_id.value} yet`);
    await vscode.env.clipboard.writeText(name);
    void vscode.window.showInformationMessage(`Copied ${name}`);
    return name;
  });
}
