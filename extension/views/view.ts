// What the views and the status bar item share: the parts of the session they draw (each re-renders only
// when one of those changes) and, for tree views, the change event VS Code re-reads them on.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import type { Change } from '../session';

export interface Renderer {
  readonly parts: readonly Change[];
  refresh(): void;
}

export abstract class TreeView<T extends vscode.TreeItem = vscode.TreeItem> implements vscode.TreeDataProvider<T>, Renderer {
  abstract readonly parts: readonly Change[];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(protected readonly c: Controller) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: T): T {
    return item;
  }

  abstract getChildren(parent?: T): T[];
}
