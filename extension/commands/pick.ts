// Quick picks shared by the app and task commands (when they are not invoked from a tree item).
import * as vscode from 'vscode';
import type { Task } from '../../runtime/common/protocol/v1';
import type { Controller } from '../controller';
import { TaskItem } from '../views/tasks';

export async function pickApp(c: Controller): Promise<string | undefined> {
  const apps = await c.requireMarathon().listApps();
  return vscode.window.showQuickPick(apps.map((a) => a.id), { placeHolder: 'App' });
}

export async function pickTask(c: Controller, arg?: unknown, among: (task: Task) => boolean = () => true): Promise<Task | undefined> {
  if (arg instanceof TaskItem) return arg.task;
  const tasks = (c.requireSession().state?.get_tasks.tasks ?? []).filter(among);
  const picked = await vscode.window.showQuickPick(tasks.map((t) => ({ label: t.task_id.value, description: t.state, task: t })), { placeHolder: 'Task' });
  return picked?.task;
}

/** A task to run something next to: the tree item's, or one picked among the running ones. */
export async function pickRunningTask(c: Controller, arg?: unknown): Promise<Task | undefined> {
  const task = await pickTask(c, arg, (t) => t.state === 'TASK_RUNNING');
  if (task && task.state !== 'TASK_RUNNING') throw new Error(`${task.task_id.value} is ${task.state}: only a running task can be attached to`);
  return task;
}
