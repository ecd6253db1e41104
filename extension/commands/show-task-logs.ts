// Mesolite: Show Task Logs — the task's sandbox stdout/stderr from its agent's /files API.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { openLogPanel } from '../logs/panel';
import { taskSandbox } from '../sandbox/sandbox';
import { command } from './command';
import { pickTask } from './pick';

export function register(c: Controller, extensionUri: vscode.Uri): vscode.Disposable {
  return command(c, 'showTaskLogs', async (arg?: unknown) => {
    const task = await pickTask(c, arg);
    if (!task) return;
    const { files, sandbox } = await taskSandbox(c, task);
    return openLogPanel(extensionUri, `Logs: ${task.task_id.value}`, (stream, onData, onError) => files.follow(`${sandbox}/${stream}`, onData, onError));
  });
}
