// Mesolite: Deploy App JSON — the active editor's document or the given file.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { deployDocument } from '../deploy/deploy';
import { command } from './command';

export function register(c: Controller, diagnostics: vscode.DiagnosticCollection): vscode.Disposable {
  return command(c, 'deployApp', async (uri?: vscode.Uri) => {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) throw new Error('Open an app JSON document to deploy');
    return deployDocument(c, doc, diagnostics);
  });
}
