// The agent's view of a framework and its executors (Mesos' slave.hpp Framework and Executor): which
// executors run for it here, the tasks each holds, and the bounded history the state endpoints show.
import type { CommandInfo, ExecutorEvent, ExecutorInfo, FrameworkInfo, Task, TaskInfo, TaskState, TaskStatus, TaskStatusReason } from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { ExecutorSubscription } from './executor-subscription';
import type { ExecutorRun } from './sandbox';

export type ExecutorKind = 'command' | 'default' | 'custom';

/** What becomes of tasks an executor leaves unfinished (the default: Mesos' "Executor terminated"). */
export interface Leftover { state: TaskState; reason: TaskStatusReason; message: string }
export const EXECUTOR_TERMINATED: Leftover = { state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED', message: 'Executor terminated' };

const MAX_COMPLETED_TASKS = 200;
const MAX_COMPLETED_EXECUTORS = 100;
const MAX_STATUSES = 10;

export class Executor {
  readonly frameworkId: string;
  subscription?: ExecutorSubscription;
  /** LAUNCH / LAUNCH_GROUP events waiting for the executor to subscribe. */
  readonly queued: ExecutorEvent[] = [];
  readonly tasks = new Map<string, Task>();
  /** Each task's command (its environment is a session's), which Task does not carry. */
  readonly commands = new Map<string, CommandInfo>();
  readonly completedTasks: Task[] = [];
  shuttingDown = false;
  /** Its registration, re-registration or shutdown deadline. */
  timer?: NodeJS.Timeout;

  constructor(readonly info: ExecutorInfo, readonly kind: ExecutorKind, readonly run: ExecutorRun, readonly directory: string) {
    this.frameworkId = run.frameworkId;
  }

  get id(): string {
    return this.info.executor_id.value;
  }

  /** A task given to this executor, in TASK_STAGING (a command executor's task names no executor, as in Mesos). */
  addTask(task: TaskInfo): Task {
    const added: Task = {
      name: task.name, task_id: task.task_id, framework_id: { value: this.frameworkId }, agent_id: task.agent_id,
      ...(this.kind !== 'command' ? { executor_id: this.info.executor_id } : {}),
      state: 'TASK_STAGING', resources: task.resources ?? [], statuses: [],
      ...(task.labels ? { labels: task.labels } : {}), ...(task.discovery ? { discovery: task.discovery } : {}),
      ...(task.kill_policy ? { kill_policy: task.kill_policy } : {}), ...(task.container ? { container: task.container } : {}),
    };
    this.tasks.set(task.task_id.value, added);
    if (task.command) this.commands.set(task.task_id.value, task.command);
    return added;
  }

  /** A terminal task whose updates are all acknowledged moves to the completed ones. */
  completeTask(task: Task): void {
    this.tasks.delete(task.task_id.value);
    this.commands.delete(task.task_id.value);
    this.completedTasks.push(task);
    if (this.completedTasks.length > MAX_COMPLETED_TASKS) this.completedTasks.shift();
  }

  /** The executor subscribed (again): it hears SUBSCRIBED, then what waited for it. */
  subscribed(stream: ExecutorSubscription, subscribed: ExecutorEvent): void {
    this.subscription?.close();
    this.subscription = stream;
    clearTimeout(this.timer);
    stream.send(subscribed);
    for (const event of this.queued.splice(0)) stream.send(event);
    if (this.shuttingDown) stream.send({ type: 'SHUTDOWN' });
    stream.onClose(() => { if (this.subscription === stream) this.subscription = undefined; });
  }

  /** Delivers an event now, or once the executor subscribes. */
  send(event: ExecutorEvent): void {
    if (this.subscription) this.subscription.send(event);
    else this.queued.push(event);
  }

  /** Takes back the queued LAUNCH or LAUNCH_GROUP holding a task, if the executor has not had it yet. */
  takeQueuedLaunch(taskId: string): ExecutorEvent | undefined {
    const index = this.queued.findIndex((e) =>
      (e.type === 'LAUNCH' && e.launch.task.task_id.value === taskId) ||
      (e.type === 'LAUNCH_GROUP' && e.launch_group.task_group.tasks.some((t) => t.task_id.value === taskId)));
    return index >= 0 ? this.queued.splice(index, 1)[0] : undefined;
  }
}

export class Framework {
  readonly executors = new Map<string, Executor>();
  readonly completedExecutors: Executor[] = [];

  constructor(public info: FrameworkInfo) {}

  get id(): string {
    return this.info.id!.value;
  }

  get partitionAware(): boolean {
    return (this.info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
  }

  findTask(taskId: string): { executor: Executor; task: Task } | undefined {
    // A command executor is named after its task: found directly, without a scan per update over all executors.
    const ownTask = this.executors.get(taskId)?.tasks.get(taskId);
    if (ownTask) return { executor: this.executors.get(taskId)!, task: ownTask };
    for (const executor of this.executors.values()) {
      const task = executor.tasks.get(taskId);
      if (task) return { executor, task };
    }
    return undefined;
  }

  completeExecutor(executor: Executor): void {
    this.executors.delete(executor.id);
    this.completedExecutors.push(executor);
    if (this.completedExecutors.length > MAX_COMPLETED_EXECUTORS) this.completedExecutors.shift();
  }
}

/** A task's new status; a terminal state never changes. */
export function applyStatus(task: Task, status: TaskStatus): void {
  if (isTerminalState(task.state)) return;
  task.state = status.state;
  task.statuses.push(status);
  if (task.statuses.length > MAX_STATUSES) task.statuses.shift();
}

/** Mesos' command executor for a task without its own: one per task, named after it. */
export function commandExecutorInfo(frameworkId: string, task: TaskInfo): ExecutorInfo {
  return {
    executor_id: { value: task.task_id.value }, framework_id: { value: frameworkId }, name: `Command Executor (Task: ${task.task_id.value}) (Command: ${describeCommand(task)})`,
    source: task.task_id.value, command: { value: 'mesolite-command-executor' }, resources: [],
    // As Mesos: the task's container is its command executor's (a DOCKER one makes it a docker executor).
    ...(task.container ? { container: task.container } : {}),
  };
}

function describeCommand(task: TaskInfo): string {
  const c = task.command;
  if (!c) return '';
  return c.shell === false ? [c.value, ...(c.arguments ?? []).slice(1)].join(' ') : `sh -c '${c.value ?? ''}'`;
}
