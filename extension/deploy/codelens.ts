// "Deploy to local cluster" (or "Update" when the app exists) above app JSON documents.
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { Controller } from '../controller';
import type { Renderer } from '../views/view';

export const APP_JSON: vscode.DocumentSelector = [{ pattern: '**/*.app.json' }, { pattern: '**/marathon.json' }];

export class DeployCodeLens implements vscode.CodeLensProvider, Renderer {
  // Whether the app exists is all a lens shows.
  readonly parts = ['apps'] as const;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly c: Controller) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const marathon = this.c.session?.marathon;
    if (!marathon) return [];
    const id = (parse(doc.getText()) as { id?: unknown } | undefined)?.id;
    const exists = typeof id === 'string' && (await marathon.getApp(id).catch(() => undefined)) !== undefined;
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: exists ? 'Update' : 'Deploy to local cluster', command: COMMANDS.deployApp, arguments: [doc.uri] })];
  }
}
