// Quick picks shared by the app and task commands (when they are not invoked from a tree item).
import * as vscode from 'vscode';
import type { Task } from '../../runtime/common/protocol/v1';
import type { Controller } from '../controller';
import { AppItem } from '../views/apps';
import { sortTasks, taskLabel } from '../views/labels';
import { TaskItem } from '../views/tasks';

/** arg: an Apps view row or an app id; else the user picks one. */
export async function pickApp(c: Controller, arg?: unknown): Promise<string | undefined> {
  if (arg instanceof AppItem) return arg.app.id;
  if (typeof arg === 'string') return arg;
  const apps = await c.requireMarathon().listApps();
  return vscode.window.showQuickPick(apps.map((a) => a.id), { placeHolder: 'App' });
}

export async function pickTask(c: Controller, arg?: unknown, among: (task: Task) => boolean = () => true): Promise<Task | undefined> {
  if (arg instanceof TaskItem) return arg.task;
  const tasks = (c.requireSession().state?.get_tasks.tasks ?? []).filter(among);
  const picked = await vscode.window.showQuickPick(sortTasks(tasks).map((t) => ({ label: taskLabel(t), description: `${t.state} · ${t.task_id.value}`, task: t })), { placeHolder: 'Task' });
  return picked?.task;
}

/** A task to run something next to: the tree item's, or one picked among the running ones. */
export async function pickRunningTask(c: Controller, arg?: unknown, what = 'can be attached to'): Promise<Task | undefined> {
  const task = await pickTask(c, arg, (t) => t.state === 'TASK_RUNNING');
  if (task && task.state !== 'TASK_RUNNING') throw new Error(`${task.task_id.value} is ${task.state}: only a running task ${what}`);
  return task;
}
