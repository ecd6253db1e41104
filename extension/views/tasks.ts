// The Tasks view: every task with its state, health, agent and age.
import * as vscode from 'vscode';
import { formatAge } from '../../runtime/common/duration';
import type { Task } from '../../runtime/common/protocol/v1';
import { TreeView } from './view';

const ICON: Record<string, string> = { TASK_RUNNING: 'pass-filled', TASK_STAGING: 'loading~spin', TASK_STARTING: 'loading~spin', TASK_FINISHED: 'check', TASK_FAILED: 'error', TASK_KILLED: 'circle-slash', TASK_LOST: 'warning' };

export class TaskItem extends vscode.TreeItem {
  constructor(readonly task: Task, agentName: string) {
    super(task.task_id.value);
    this.id = `task:${task.task_id.value}`;
    const healthy = task.statuses.at(-1)?.healthy;
    // Age since the first status update (status timestamps are seconds, as in Mesos).
    const since = task.statuses[0]?.timestamp;
    const age = since === undefined ? '' : ` · ${formatAge(Date.now() - since * 1000)}`;
    this.description = `${task.state}${healthy === undefined ? '' : healthy ? ' · healthy' : ' · unhealthy'} · ${agentName}${age}`;
    this.iconPath = new vscode.ThemeIcon(ICON[task.state] ?? 'circle-outline');
    this.contextValue = 'task';
  }
}

export class TasksView extends TreeView<TaskItem> {
  // Agents: a task shows its agent's name.
  readonly parts = ['tasks', 'agents'] as const;

  getChildren(): TaskItem[] {
    const state = this.c.session?.state;
    if (!state) return [];
    const agents = new Map(state.get_agents.agents.map((a) => [a.agent_info.id?.value, `${a.agent_info.hostname}:${a.agent_info.port}`]));
    return state.get_tasks.tasks.map((t) => new TaskItem(t, agents.get(t.agent_id.value) ?? t.agent_id.value));
  }
}
