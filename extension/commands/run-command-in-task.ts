// Mesolite: Run Command in Task… — one command next to a running task, its output in a terminal that
// stays until a key is pressed.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import type { TaskTerminals } from '../terminal/terminals';
import { command } from './command';
import { pickRunningTask } from './pick';

export function register(c: Controller, terminals: TaskTerminals): vscode.Disposable {
  return command(c, 'runCommandInTask', async (arg?: unknown, line?: string) => {
    const task = await pickRunningTask(c, arg);
    if (!task) return;
    line ??= await vscode.window.showInputBox({ prompt: `Command to run in ${task.task_id.value}'s sandbox (sh -c)`, placeHolder: 'ls -la' });
    if (line) return terminals.openFor(task, ['/bin/sh', '-c', line], true, `${task.task_id.value}: ${line}`);
  });
}
