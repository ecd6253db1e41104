// The Tasks view: tasks grouped by app (as the app framework says) or else by framework, each labelled
// by its name and a short id, its state first in the description; the full id in the tooltip, and the
// task's DNS names when the cluster has a DNS server.
import * as vscode from 'vscode';
import { formatAge } from '../../runtime/common/duration';
import type { ContainerInfo, Task } from '../../runtime/common/protocol/v1';
import type { ClusterSession } from '../session';
import { agentAddress, groupTasks, taskImage, taskLabel, type TaskGroup } from './labels';
import { TreeView } from './view';

const ICON: Record<string, string> = { TASK_RUNNING: 'pass-filled', TASK_STAGING: 'loading~spin', TASK_STARTING: 'loading~spin', TASK_FINISHED: 'check', TASK_FAILED: 'error', TASK_KILLED: 'circle-slash', TASK_LOST: 'warning' };

export class TaskItem extends vscode.TreeItem {
  constructor(readonly task: Task, agentName: string, framework: string) {
    super(taskLabel(task));
    this.id = `task:${task.task_id.value}`;
    const healthy = task.statuses.at(-1)?.healthy;
    const health = healthy === undefined ? '' : healthy ? ' · healthy' : ' · unhealthy';
    // Age since the first status update (status timestamps are seconds, as in Mesos).
    const since = task.statuses[0]?.timestamp;
    const age = since === undefined ? '' : ` · ${formatAge(Date.now() - since * 1000)}`;
    const image = taskImage(task);
    this.description = `${task.state}${health}${image ? ` · ${image}` : ''} · ${agentName}${age}`;
    const fullImage = (task.container as ContainerInfo | undefined)?.docker?.image;
    this.tooltip = `${task.name}: ${task.state}${health}\nid: ${task.task_id.value}\nframework: ${framework}\nagent: ${agentName} (${task.agent_id.value})${fullImage ? `\nimage: ${fullImage}` : ''}`;
    this.iconPath = new vscode.ThemeIcon(ICON[task.state] ?? 'circle-outline');
    this.contextValue = 'task';
  }

  /** The tooltip with the names the cluster's DNS server has for the task: asked when the tooltip is shown. */
  async withDnsNames(session: ClusterSession | undefined): Promise<this> {
    const names = await session?.dns?.namesByTask().then((all) => all.get(this.task.task_id.value), () => undefined); // no answer: the tooltip without names
    if (names?.length) this.tooltip = `${String(this.tooltip)}
dns: ${names.join(', ')}`;
    return this;
  }
}

/** Rows for these tasks of the session's cluster (the Tasks view's and the Apps view's). */
export function taskItems(session: ClusterSession, tasks: readonly Task[]): TaskItem[] {
  const state = session.state;
  const agents = new Map(state?.get_agents.agents.map((a) => [a.agent_info.id?.value, agentAddress(a)]));
  return tasks.map((t) => new TaskItem(t, agents.get(t.agent_id.value) ?? t.agent_id.value, frameworkName(session, t.framework_id.value)));
}

const frameworkName = (session: ClusterSession, id: string) =>
  session.state?.get_frameworks.frameworks.find((f) => f.framework_info.id?.value === id)?.framework_info.name ?? id;

class GroupItem extends vscode.TreeItem {
  constructor(readonly group: TaskGroup<Task>) {
    super(group.label, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `group:${group.key}`;
    const running = group.tasks.filter((t) => t.state === 'TASK_RUNNING').length;
    this.description = `${group.kind} · ${running}/${group.tasks.length} running`;
    this.iconPath = new vscode.ThemeIcon(group.kind === 'app' ? 'package' : 'organization');
  }
}

export class TasksView extends TreeView<vscode.TreeItem> {
  // Agents: a task shows its agent's name; apps and frameworks: a group's name.
  readonly parts = ['tasks', 'agents', 'frameworks', 'appStatus'] as const;

  getChildren(parent?: vscode.TreeItem): vscode.TreeItem[] {
    const session = this.c.session;
    if (!session?.state) return [];
    if (parent instanceof GroupItem) return taskItems(session, parent.group.tasks);
    if (parent) return [];
    const apps = session.apps;
    return groupTasks(session.state.get_tasks.tasks, (id) => frameworkName(session, id), (id) => apps?.appOf(id)?.id).map((g) => new GroupItem(g));
  }

  resolveTreeItem(item: vscode.TreeItem): Promise<vscode.TreeItem> | vscode.TreeItem {
    return item instanceof TaskItem ? item.withDnsNames(this.c.session) : item;
  }
}
