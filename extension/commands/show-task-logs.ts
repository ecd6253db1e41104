// Mesolite: Show Task Logs — the task's sandbox stdout/stderr from its agent's /files API, followed until
// the task or its cluster is gone.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { taskLog } from '../logs/ends';
import { openLogPanel } from '../logs/panel';
import { taskSandbox } from '../sandbox/sandbox';
import { taskLabel } from '../views/labels';
import { command } from './command';
import { pickTask } from './pick';

export function register(c: Controller, extensionUri: vscode.Uri): vscode.Disposable {
  return command(c, 'showTaskLogs', async (arg?: unknown) => {
    const task = await pickTask(c, arg);
    if (!task) return;
    const session = c.requireSession();
    const { files, sandbox } = await taskSandbox(c, task);
    return openLogPanel(extensionUri, `Logs: ${taskLabel(task)}`, taskLog(session, files, sandbox, task));
  });
}
