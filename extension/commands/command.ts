// Registers a command whose failures are shown to the user and logged, not swallowed.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { COMMANDS } from './ids';

/** name: the command's key in COMMANDS (its id is there, as in package.json). */
export function command(c: Controller, name: keyof typeof COMMANDS, run: (...args: any[]) => unknown): vscode.Disposable {
  const id = COMMANDS[name];
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (e) {
      c.log.error(`${id}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage((e as Error).message);
    }
  });
}
