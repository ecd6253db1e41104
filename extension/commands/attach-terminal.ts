// Mesolite: Attach Terminal — a shell next to a running task (its sandbox, environment and user) in a
// terminal named after it; from the Tasks view (inline and context menu) or the palette.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import type { TaskTerminals } from '../terminal/terminals';
import { command } from './command';
import { pickRunningTask } from './pick';

/** bash where the task's machine has it, else sh. */
export const SHELL = ['/bin/sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];

export function register(c: Controller, terminals: TaskTerminals): vscode.Disposable {
  return command(c, 'attachTerminal', async (arg?: unknown) => {
    const task = await pickRunningTask(c, arg);
    if (task) return terminals.openFor(task, SHELL);
  });
}
