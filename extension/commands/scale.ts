// Mesolite: Scale App — PUT /v2/apps/{id} with the new instance count.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { AppItem } from '../views/apps';
import { command } from './command';
import { pickApp } from './pick';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'scaleApp', async (arg?: unknown, instances?: number) => {
    const appId = await pickApp(c, arg);
    if (!appId) return;
    instances ??= Number(await vscode.window.showInputBox({ prompt: `Instances of ${appId}`, value: arg instanceof AppItem ? String(arg.app.instances) : undefined, validateInput: (v) => (/^\d+$/.test(v) ? undefined : 'a whole number') }));
    if (!Number.isInteger(instances)) return;
    return c.requireMarathon().scaleApp(appId, instances);
  });
}
