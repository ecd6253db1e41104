// Mesolite: Show Container Logs — a daemon's log (master-1, agent-2, marathon...) of the cluster started here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { fileSource, openLogPanel } from '../logs/panel';
import { command } from './command';

export function register(c: Controller, extensionUri: vscode.Uri): vscode.Disposable {
  return command(c, 'mesolite.showContainerLogs', async (name?: string) => {
    const started = c.requireSession().target.started;
    if (!started) throw new Error('Container logs are known only for a cluster started by this window');
    const dir = path.join(started.workDir, 'logs');
    name ??= await vscode.window.showQuickPick(fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4)), { placeHolder: 'Daemon' });
    if (name) return openLogPanel(extensionUri, `Logs: ${name}`, fileSource(path.join(dir, `${name}.log`)));
  });
}
