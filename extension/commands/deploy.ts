// Mesolite: Deploy App JSON and Deploy Job JSON — the active editor's document or the given file.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { deployDocument } from '../deploy/deploy';
import { deployJobDocument } from '../deploy/job';
import { command } from './command';

const documentOf = async (uri: vscode.Uri | undefined, what: string) => {
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) throw new Error(`Open ${what} to deploy`);
  return doc;
};

export function register(c: Controller, diagnostics: vscode.DiagnosticCollection): vscode.Disposable {
  return vscode.Disposable.from(
    command(c, 'deployApp', async (uri?: vscode.Uri) => deployDocument(c, await documentOf(uri, 'an app JSON document'), diagnostics)),
    command(c, 'deployJob', async (uri?: vscode.Uri) => deployJobDocument(c, await documentOf(uri, 'a job JSON document'), diagnostics)),
  );
}
