// Mesolite: Delete App — DELETE /v2/apps/{id}, after confirmation.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';
import { pickApp } from './pick';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'deleteApp', async (arg?: unknown) => {
    const appId = await pickApp(c, arg);
    if (!appId) return;
    if ((await vscode.window.showWarningMessage(`Delete ${appId} and kill its tasks?`, { modal: true }, 'Delete')) !== 'Delete') return;
    return c.requireMarathon().deleteApp(appId);
  });
}
