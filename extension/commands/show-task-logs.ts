// Mesolite: Show Task Logs — the task's sandbox stdout/stderr from its agent's /files API.
import * as vscode from 'vscode';
import { FilesClient } from '../../runtime/client/files';
import type { Controller } from '../controller';
import { openLogPanel } from '../logs/panel';
import { command } from './command';
import { pickTask } from './pick';

export function register(c: Controller, extensionUri: vscode.Uri): vscode.Disposable {
  return command(c, 'mesolite.showTaskLogs', async (arg?: unknown) => {
    const task = await pickTask(c, arg);
    if (!task) return;
    const agent = c.requireSession().state?.get_agents.agents.find((a) => a.agent_info.id?.value === task.agent_id.value);
    if (!agent) throw new Error(`The agent of ${task.task_id.value} is gone`);
    const files = new FilesClient(`http://${agent.agent_info.hostname}:${agent.agent_info.port}`);
    const sandbox = await files.sandboxOf(task.framework_id.value, task.task_id.value);
    return openLogPanel(extensionUri, `Logs: ${task.task_id.value}`, (stream, onData, onError) => files.follow(`${sandbox}/${stream}`, onData, onError));
  });
}
