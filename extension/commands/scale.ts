// Mesolite: Scale App — PUT /v2/apps/{id} with the new instance count.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';
import { pickApp } from './pick';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'scaleApp', async (appId?: string, instances?: number) => {
    appId ??= await pickApp(c);
    if (!appId) return;
    instances ??= Number(await vscode.window.showInputBox({ prompt: `Instances of ${appId}`, validateInput: (v) => (/^\d+$/.test(v) ? undefined : 'a whole number') }));
    if (!Number.isInteger(instances)) return;
    return c.requireMarathon().scaleApp(appId, instances);
  });
}
