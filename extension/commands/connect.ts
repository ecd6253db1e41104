// Mesolite: Connect to Cluster — a cluster the extension did not start (HOST:PORT or zk://...).
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'connect', async (master?: string, marathon?: string, chronos?: string) => {
    master ??= await vscode.window.showInputBox({ prompt: 'Master (HOST:PORT, http://HOST:PORT or zk://host:2181/mesos)', value: '127.0.0.1:5050' });
    if (!master) return;
    marathon ??= await vscode.window.showInputBox({ prompt: 'Marathon-compatible API (empty for none)', value: 'http://127.0.0.1:8080' });
    chronos ??= await vscode.window.showInputBox({ prompt: 'Chronos-compatible API (empty for none)', value: 'http://127.0.0.1:4400' });
    c.connect({ master, marathon: marathon || undefined, chronos: chronos || undefined });
  });
}
