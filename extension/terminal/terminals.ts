// The terminals attached to tasks, so that a task that ends (or a cluster the window leaves) closes
// its terminals with a message; told by the session's task changes, not by polling.
import * as vscode from 'vscode';
import { taskTarget } from '../../runtime/client/attach';
import type { Task } from '../../runtime/common/protocol/v1';
import type { Controller } from '../controller';
import type { ClusterSession } from '../session';
import { TaskTerminal } from './task-terminal';

export class TaskTerminals implements vscode.Disposable {
  private readonly open = new Set<TaskTerminal>();
  private readonly listeners: vscode.Disposable[] = [];
  private sessionListener?: vscode.Disposable;

  constructor(private readonly c: Controller) {
    this.listeners.push(c.onDidChangeSession((session) => this.follow(session)));
    this.follow(c.session);
  }

  /** Opens a terminal running `command` next to the task (its name is the task's). */
  openFor(task: Task, command: string[], keepOpen = false, name = task.task_id.value): vscode.Terminal {
    const session = this.c.requireSession();
    const target = taskTarget(task, session.state?.get_agents.agents ?? []);
    const pty = new TaskTerminal({ target, command, credentials: session.target.credentials, keepOpen, log: this.c.log });
    this.open.add(pty);
    const closed = pty.onDidClose(() => { this.open.delete(pty); closed.dispose(); });
    const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('terminal') });
    terminal.show();
    return terminal;
  }

  private follow(session: ClusterSession | undefined): void {
    this.sessionListener?.dispose();
    this.sessionListener = session?.onDidChange((changes) => { if (changes.has('tasks')) this.closeEnded(session); });
    // The cluster is gone from this window: so are the tasks its terminals were attached to.
    if (!session) for (const pty of [...this.open]) pty.taskEnded('out of reach (the window left its cluster)');
  }

  private closeEnded(session: ClusterSession): void {
    const tasks = session.state?.get_tasks;
    for (const pty of [...this.open]) {
      const { framework_id: framework, task_id: id } = pty.task;
      const task = [...(tasks?.tasks ?? []), ...(tasks?.completed_tasks ?? [])].find((t) => t.task_id.value === id.value && t.framework_id.value === framework.value);
      if (task && task.state !== 'TASK_RUNNING') pty.taskEnded(task.state);
    }
  }

  dispose(): void {
    this.sessionListener?.dispose();
    for (const l of this.listeners) l.dispose();
  }
}
