// Mesolite: Restart App — POST /v2/apps/{id}/restart (a rolling replacement of every instance).
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';
import { pickApp } from './pick';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'restartApp', async (arg?: unknown) => {
    const appId = await pickApp(c, arg);
    if (appId) return c.requireMarathon().restartApp(appId);
  });
}
