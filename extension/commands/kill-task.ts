// Mesolite: Kill Task — through the app framework that owns it (Mesos' operator API has no kill call).
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';
import { pickTask } from './pick';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'killTask', async (arg?: unknown) => {
    const task = await pickTask(c, arg);
    if (!task) return;
    const marathon = c.requireMarathon();
    const app = (await marathon.listApps()).find((a) => a.tasks?.some((t) => t.id === task.task_id.value));
    if (!app) throw new Error(`${task.task_id.value} does not belong to an app of the app framework`);
    return marathon.killTask(app.id, task.task_id.value);
  });
}
