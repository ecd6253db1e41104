// Quick picks shared by the app and task commands (when they are not invoked from a tree item).
import * as vscode from 'vscode';
import type { Task } from '../../runtime/common/protocol/v1';
import type { Controller } from '../controller';
import { TaskItem } from '../views/tasks';

export async function pickApp(c: Controller): Promise<string | undefined> {
  const apps = await c.requireMarathon().listApps();
  return vscode.window.showQuickPick(apps.map((a) => a.id), { placeHolder: 'App' });
}

export async function pickTask(c: Controller, arg?: unknown): Promise<Task | undefined> {
  if (arg instanceof TaskItem) return arg.task;
  const tasks = c.requireSession().state?.get_tasks.tasks ?? [];
  const picked = await vscode.window.showQuickPick(tasks.map((t) => ({ label: t.task_id.value, description: t.state, task: t })), { placeHolder: 'Task' });
  return picked?.task;
}
