// "Deploy to local cluster" (or "Update" when the app exists) above app JSON documents, and "Deploy job"
// (or "Update job") above job JSON documents.
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { Controller } from '../controller';
import type { Change } from '../session';
import type { Renderer } from '../views/view';

export const APP_JSON: vscode.DocumentSelector = [{ pattern: '**/*.app.json' }, { pattern: '**/marathon.json' }];
export const JOB_JSON: vscode.DocumentSelector = [{ pattern: '**/*.job.json' }];

/** One lens at the top of a document, re-rendered when the parts it reads change. */
abstract class DeployLens implements vscode.CodeLensProvider, Renderer {
  abstract readonly parts: readonly Change[];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(protected readonly c: Controller) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const lens = this.lens(parse(doc.getText()) as Record<string, unknown> | undefined);
    return lens ? [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { ...lens, arguments: [doc.uri] })] : [];
  }

  protected abstract lens(json: Record<string, unknown> | undefined): Omit<vscode.Command, 'arguments'> | undefined;
}

export class DeployCodeLens extends DeployLens {
  // Whether the app exists is all a lens shows: it changes with the set of apps.
  readonly parts = ['apps'] as const;

  protected lens(json: Record<string, unknown> | undefined) {
    const session = this.c.session;
    if (!session?.marathon) return undefined;
    const id = json?.id;
    // The apps as the app framework's events left them (Marathon makes ids absolute).
    const exists = typeof id === 'string' && session.apps?.apps.has(`/${id.replace(/^\/+/, '')}`) === true;
    return { title: exists ? 'Update' : 'Deploy to local cluster', command: COMMANDS.deployApp };
  }
}

export class DeployJobCodeLens extends DeployLens {
  readonly parts = ['jobs'] as const;

  protected lens(json: Record<string, unknown> | undefined) {
    const session = this.c.session;
    if (!session?.chronos) return undefined;
    const name = json?.name;
    const exists = typeof name === 'string' && session.jobs?.has(name) === true;
    return { title: exists ? 'Update job' : 'Deploy job', command: COMMANDS.deployJob };
  }
}
