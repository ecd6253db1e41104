// Registers a command whose failures are shown to the user and logged, not swallowed.
import * as vscode from 'vscode';
import type { Controller } from '../controller';

export function command(c: Controller, id: string, run: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (e) {
      c.log.error(`${id}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage((e as Error).message);
    }
  });
}
