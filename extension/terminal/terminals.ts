// The terminals attached to tasks, so that a task that ends (or a cluster the window leaves) closes
// its terminals with a message; told by the session's task changes, not by polling. The agent ends a
// task's sessions as the task ends, often before its new state reaches the window: a terminal whose
// command was killed asks here, and waits a moment for the news.
import * as vscode from 'vscode';
import { taskTarget } from '../../runtime/client/attach';
import { isTerminalState, type Task } from '../../runtime/common/protocol/v1';
import type { Controller } from '../controller';
import type { ClusterSession } from '../session';
import { TaskTerminal } from './task-terminal';

/** How long a killed session's terminal waits to learn that its task ended. */
const NEWS_MS = 2_000;

const sameTask = (a: Task, b: Task) => a.task_id.value === b.task_id.value && a.framework_id.value === b.framework_id.value;

export class TaskTerminals implements vscode.Disposable {
  private readonly open = new Set<TaskTerminal>();
  private readonly listeners: vscode.Disposable[] = [];
  private sessionListener?: vscode.Disposable;
  /** Tasks whose end was announced already (one message per task). */
  private readonly announced = new Set<string>();

  constructor(private readonly c: Controller) {
    this.listeners.push(c.onDidChangeSession((session) => this.follow(session)));
    this.follow(c.session);
  }

  /** Opens a terminal running `command` next to the task (its name is the task's). */
  openFor(task: Task, command: string[], keepOpen = false, name = task.task_id.value): vscode.Terminal {
    const session = this.c.requireSession();
    const target = taskTarget(task, session.state?.get_agents.agents ?? []);
    const pty = new TaskTerminal({
      target, command, credentials: session.target.credentials, keepOpen, log: this.c.log,
      taskEnded: () => this.endedState(session, task),
      onTaskEnded: (state) => this.announce(task, state),
    });
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

  /** The task's state once it ended (a task being killed still runs), now or within NEWS_MS; else undefined. */
  private endedState(session: ClusterSession, task: Task): Promise<string | undefined> {
    const state = () => {
      const tasks = session.state?.get_tasks;
      const found = [...(tasks?.tasks ?? []), ...(tasks?.completed_tasks ?? [])].find((t) => sameTask(t, task));
      return found && isTerminalState(found.state) ? found.state : undefined;
    };
    if (state() || session.isEnded) return Promise.resolve(state());
    return new Promise((resolve) => {
      const done = (value: string | undefined) => { clearTimeout(timer); listener.dispose(); resolve(value); };
      const timer = setTimeout(() => done(undefined), NEWS_MS);
      const listener = session.onDidChange(() => { if (state()) done(state()); });
    });
  }

  /** Closes the terminals of tasks that ended. */
  private closeEnded(session: ClusterSession): void {
    const tasks = session.state?.get_tasks;
    for (const pty of [...this.open]) {
      const task = [...(tasks?.tasks ?? []), ...(tasks?.completed_tasks ?? [])].find((t) => sameTask(t, pty.task));
      if (task && isTerminalState(task.state)) pty.taskEnded(task.state);
    }
  }

  /** A message, as the terminals are gone: once per task. */
  private announce(task: Task, state: string): void {
    const key = `${task.framework_id.value}/${task.task_id.value}`;
    if (this.announced.has(key)) return;
    this.announced.add(key);
    // Not awaited: nothing follows from its dismissal.
    void vscode.window.showInformationMessage(`${task.task_id.value} is ${state}: its terminals were closed.`);
  }

  dispose(): void {
    this.sessionListener?.dispose();
    for (const l of this.listeners) l.dispose();
  }
}
