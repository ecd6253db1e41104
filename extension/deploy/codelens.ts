// "Deploy to local cluster" (or "Update" when the app exists) above app JSON documents.
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { Controller } from '../controller';
import type { Renderer } from '../views/view';

export const APP_JSON: vscode.DocumentSelector = [{ pattern: '**/*.app.json' }, { pattern: '**/marathon.json' }];

export class DeployCodeLens implements vscode.CodeLensProvider, Renderer {
  // Whether the app exists is all a lens shows: it changes with the set of apps.
  readonly parts = ['apps'] as const;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly c: Controller) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const session = this.c.session;
    if (!session?.marathon) return [];
    const id = (parse(doc.getText()) as { id?: unknown } | undefined)?.id;
    // The apps as the app framework's events left them (Marathon makes ids absolute).
    const exists = typeof id === 'string' && session.apps?.apps.has(`/${id.replace(/^\/+/, '')}`) === true;
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: exists ? 'Update' : 'Deploy to local cluster', command: COMMANDS.deployApp, arguments: [doc.uri] })];
  }
}
