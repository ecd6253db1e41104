// What the built-in executors share: run tasks as TaskProcesses, report STARTING / RUNNING and the
// terminal state with the exit code, honour kill policies, and exit once every terminal update is
// acknowledged (as Mesos' command executor does).
import * as path from 'node:path';
import type { ExecutorEvent, FrameworkInfo, KillPolicy, TaskInfo, TaskState } from '../common/protocol/v1';
import { ExecutorDriver } from './driver';
import { TaskProcess } from './task-process';

export interface BuiltinExecutorOptions {
  agentEndpoint: string;
  frameworkId: string;
  executorId: string;
  directory: string;
  checkpointDirectory: string;
  env: Record<string, string>;
  recoveryTimeoutMs: number;
  shutdownGraceMs: number;
  log(message: string): void;
  /** Called once, when the executor is done (status as a process exit status). */
  onTerminated(status: number): void;
}

const DEFAULT_KILL_GRACE_MS = 3000;
/** How long to wait for the last acknowledgements before exiting anyway. */
const ACK_WAIT_MS = 10_000;

const graceMs = (policy?: KillPolicy) =>
  policy?.grace_period?.nanoseconds !== undefined ? policy.grace_period.nanoseconds / 1e6 : DEFAULT_KILL_GRACE_MS;

export abstract class BuiltinExecutor {
  protected readonly driver: ExecutorDriver;
  protected readonly processes = new Map<string, TaskProcess>();
  protected readonly terminal = new Map<string, TaskState>();
  protected frameworkInfo?: FrameworkInfo;
  protected shuttingDown = false;
  private done = false;

  constructor(protected readonly options: BuiltinExecutorOptions) {
    this.driver = new ExecutorDriver({
      agentEndpoint: options.agentEndpoint, frameworkId: options.frameworkId, executorId: options.executorId,
      recoveryTimeoutMs: options.recoveryTimeoutMs, log: options.log,
      onEvent: (e) => this.onEvent(e),
      onAgentLost: () => this.shutdown(0, true),
    });
  }

  start(): void {
    this.driver.start();
  }

  protected abstract onLaunch(event: ExecutorEvent): void;
  /** A task finished; subclasses decide what it means for the rest (task groups fail together). */
  protected abstract afterTaskExit(taskId: string, state: TaskState): void;

  private onEvent(event: ExecutorEvent): void {
    switch (event.type) {
      case 'SUBSCRIBED':
        this.frameworkInfo = event.subscribed.framework_info;
        return;
      case 'LAUNCH':
      case 'LAUNCH_GROUP':
        return this.onLaunch(event);
      case 'KILL':
        return this.kill(event.kill.task_id.value, event.kill.kill_policy);
      case 'ACKNOWLEDGED':
        return this.maybeTerminate();
      case 'SHUTDOWN':
        return this.shutdown(this.options.shutdownGraceMs);
      case 'ERROR':
        this.options.log(`Agent reported an error: ${event.error.message}`);
        return;
      default:
        return;
    }
  }

  protected launch(task: TaskInfo, sandbox: string): void {
    if (this.processes.has(task.task_id.value)) return; // a re-delivered launch after re-subscription
    const process = new TaskProcess(task, sandbox, this.options.env, path.join(this.options.checkpointDirectory, 'tasks', task.task_id.value, 'exit_status'));
    this.processes.set(task.task_id.value, process);
    this.driver.update({ task_id: task.task_id, state: 'TASK_STARTING' });
    if (this.shuttingDown) return this.finish(task.task_id.value, 'TASK_KILLED', 'Executor is shutting down');
    void process.start((code) => this.exited(task.task_id.value, code)).then((pid) => {
      if (pid !== undefined && !this.terminal.has(task.task_id.value)) this.driver.update({ task_id: task.task_id, state: 'TASK_RUNNING', container_status: { executor_pid: pid } });
    });
  }

  private exited(taskId: string, code: number): void {
    const process = this.processes.get(taskId)!;
    if (process.killed) {
      this.finish(taskId, 'TASK_KILLED', code > 128 ? `Command terminated with signal ${signalName(code - 128)}` : `Command exited with status ${code}`);
    } else if (code === 0) {
      this.finish(taskId, 'TASK_FINISHED', 'Command exited with status 0');
    } else {
      this.finish(taskId, 'TASK_FAILED', code > 128 ? `Command terminated with signal ${signalName(code - 128)}` : `Command exited with status ${code}`);
    }
  }

  private finish(taskId: string, state: TaskState, message: string): void {
    if (this.terminal.has(taskId)) return;
    this.terminal.set(taskId, state);
    this.driver.update({ task_id: { value: taskId }, state, message });
    this.afterTaskExit(taskId, state);
    this.maybeTerminate();
  }

  protected kill(taskId: string, policy?: KillPolicy): void {
    const process = this.processes.get(taskId);
    if (!process || this.terminal.has(taskId)) return;
    if ((this.frameworkInfo?.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE')) {
      this.driver.update({ task_id: { value: taskId }, state: 'TASK_KILLING' });
    }
    process.kill(graceMs(policy ?? process.task.kill_policy));
  }

  /** True while any of this executor's task processes still runs. */
  get running(): boolean {
    return [...this.processes.values()].some((p) => p.alive);
  }

  /** Shuts down as on a SHUTDOWN event (used when the agent asks the host directly). */
  shutdownNow(): void {
    this.shutdown(this.options.shutdownGraceMs);
  }

  private shutdown(grace: number, agentLost = false): void {
    this.shuttingDown = true;
    for (const [taskId, process] of this.processes) if (!this.terminal.has(taskId)) process.kill(grace);
    if (agentLost) {
      setTimeout(() => this.terminate(1), grace + 100).unref();
      return;
    }
    this.maybeTerminate();
  }

  private maybeTerminate(): void {
    const launched = this.processes.size;
    const allDone = launched > 0 && this.terminal.size === launched;
    if (!allDone && !(this.shuttingDown && launched === 0)) return;
    if (this.driver.pendingUpdates === 0) return this.terminate(0);
    // Asked to shut down (the framework may be gone): the agent has our last updates, do not wait for acks.
    if (this.shuttingDown) return void this.driver.delivered().then(() => this.terminate(0));
    setTimeout(() => this.terminate(0), ACK_WAIT_MS).unref();
  }

  private terminate(status: number): void {
    if (this.done) return;
    this.done = true;
    this.driver.stop();
    this.options.onTerminated(status);
  }
}

function signalName(n: number): string {
  const names: Record<number, string> = { 1: 'Hangup', 2: 'Interrupt', 6: 'Aborted', 9: 'Killed', 15: 'Terminated' };
  return names[n] ?? `${n}`;
}
