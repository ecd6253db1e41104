// Mesolite: Refresh — one GET_STATE now (the views otherwise follow the operator stream).
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'refresh', () => c.requireSession().refresh());
}
