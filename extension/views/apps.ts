// The Apps view: the app framework's apps, as the Kubernetes extension shows Deployments: tasks running
// of instances, health, a deployment in progress, the last failure; Scale / Restart / Delete inline; the
// app's tasks as children (with the Tasks view's actions).
import * as vscode from 'vscode';
import type { AppStatus } from '../apps-state';
import { appDescription, naturalCompare, sortTasks } from './labels';
import { TaskItem, taskItems } from './tasks';
import { TreeView } from './view';

export class AppItem extends vscode.TreeItem {
  constructor(readonly app: AppStatus) {
    super(app.id, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `app:${app.id}`;
    this.description = appDescription(app);
    const running = [...app.tasks.values()].filter((t) => t.state === 'TASK_RUNNING').length;
    const unhealthy = [...app.tasks.values()].some((t) => t.healthy === false);
    this.iconPath = new vscode.ThemeIcon(app.deployments.size ? 'sync~spin' : unhealthy ? 'warning' : running === app.instances ? 'pass-filled' : 'circle-outline');
    const failure = app.lastFailure && `\nlast failure: ${app.lastFailure.taskId} ${app.lastFailure.state}${app.lastFailure.message ? `: ${app.lastFailure.message}` : ''}`;
    this.tooltip = `${app.id}\n${this.description}${app.deployments.size ? `\ndeployments: ${[...app.deployments].join(', ')}` : ''}${failure ?? ''}`;
    this.contextValue = 'app';
  }
}

export class AppsView extends TreeView<vscode.TreeItem> {
  // Tasks and agents: an app's children are its tasks as the master knows them.
  readonly parts = ['apps', 'appStatus', 'deployments', 'tasks', 'agents'] as const;

  getChildren(parent?: vscode.TreeItem): vscode.TreeItem[] {
    const session = this.c.session;
    const apps = session?.apps;
    if (!session || !apps) return [];
    if (parent instanceof AppItem) {
      const tasks = session.state?.get_tasks.tasks.filter((t) => parent.app.tasks.has(t.task_id.value)) ?? [];
      return taskItems(session, sortTasks(tasks));
    }
    if (parent) return [];
    return [...apps.apps.values()].sort((a, b) => naturalCompare(a.id, b.id)).map((app) => new AppItem(app));
  }

  resolveTreeItem(item: vscode.TreeItem): Promise<vscode.TreeItem> | vscode.TreeItem {
    return item instanceof TaskItem ? item.withDnsNames(this.c.session) : item;
  }
}
