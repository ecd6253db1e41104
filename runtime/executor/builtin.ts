// What the built-in executors share: run tasks as TaskProcesses, report STARTING / RUNNING and the
// terminal state with the exit code, honour kill policies, and exit once every terminal update is
// acknowledged (as Mesos' command executor does). Tasks with a health check or a check are checked
// while they run: changes go out as TASK_RUNNING updates (`healthy`, `check_status`), each carrying
// what the other last reported, and a task failing its health check too often is killed.
import { emptyCheckStatus } from '../common/checks';
import type { CheckStatusInfo, ExecutorEvent, FrameworkInfo, KillPolicy, TaskInfo, TaskState, TaskStatus } from '../common/protocol/v1';
import { ExecutorDriver } from './driver';
import type { HostConnection } from './host-connection';
import { Checker, HealthChecker, type TaskHealthStatus } from './health-checker';
import { checkProbe, healthCheckProbe } from './probes';
import { TaskProcess, type TaskRunner } from './task-process';

export interface BuiltinExecutorOptions {
  connection: HostConnection;
  frameworkId: string;
  executorId: string;
  directory: string;
  /** The host's task log: its tasks' pids and exit statuses. */
  taskLog: string;
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

/** A running task's checkers and the TASK_RUNNING status its check and health updates build on. */
interface TaskMonitor {
  running: Omit<TaskStatus, 'uuid' | 'source' | 'timestamp'>;
  health?: HealthChecker;
  checker?: Checker;
}


export abstract class BuiltinExecutor {
  protected readonly driver: ExecutorDriver;
  protected readonly processes = new Map<string, TaskRunner>();
  protected readonly terminal = new Map<string, TaskState>();
  private readonly monitors = new Map<string, TaskMonitor>();
  /** Tasks this executor killed because they failed their health checks. */
  protected readonly killedForHealth = new Set<string>();
  protected frameworkInfo?: FrameworkInfo;
  protected shuttingDown = false;
  private done = false;

  constructor(protected readonly options: BuiltinExecutorOptions) {
    this.driver = new ExecutorDriver({
      connection: options.connection, frameworkId: options.frameworkId, executorId: options.executorId,
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
    const process = this.runner(task, sandbox);
    this.processes.set(task.task_id.value, process);
    this.driver.update({ task_id: task.task_id, state: 'TASK_STARTING' });
    if (this.shuttingDown) return this.finish(task.task_id.value, 'TASK_KILLED', 'Executor is shutting down');
    void process.start((code, failure) => this.exited(task.task_id.value, code, failure), (containerStatus) => {
      if (this.terminal.has(task.task_id.value)) return;
      const running: TaskMonitor['running'] = {
        task_id: task.task_id, state: 'TASK_RUNNING', container_status: containerStatus,
        ...(task.check ? { check_status: emptyCheckStatus(task.check.type ?? 'UNKNOWN') } : {}),
      };
      this.driver.update(running);
      this.startChecks(process, running);
    });
  }

  /** What runs a task: a process in its sandbox (the Docker executor runs a container instead). */
  protected runner(task: TaskInfo, sandbox: string): TaskRunner {
    return new TaskProcess(task, sandbox, this.options.env, this.options.taskLog);
  }

  private startChecks(process: TaskRunner, running: TaskMonitor['running']): void {
    const { task } = process;
    if (!task.health_check && !task.check) return;
    const taskId = task.task_id.value;
    const monitor: TaskMonitor = { running };
    this.monitors.set(taskId, monitor);
    const context = process.probeContext();
    const log = (m: string) => this.options.log(`Task ${taskId}: ${m}`);
    if (task.health_check) {
      monitor.health = new HealthChecker({ check: task.health_check, probe: healthCheckProbe(task.health_check, context), log, onUpdate: (h) => this.healthUpdated(taskId, h) });
      monitor.health.start();
    }
    if (task.check) {
      monitor.checker = new Checker({ check: task.check, probe: checkProbe(task.check, context), log, onUpdate: (c) => this.checkUpdated(taskId, c) });
      monitor.checker.start();
    }
  }

  private stopChecks(taskId: string): void {
    const monitor = this.monitors.get(taskId);
    monitor?.health?.stop();
    monitor?.checker?.stop();
  }

  /** A task being killed or already ended gets no more check or health updates (as in Mesos). */
  private checkable(taskId: string): TaskMonitor | undefined {
    if (this.terminal.has(taskId) || this.processes.get(taskId)?.killed) return undefined;
    return this.monitors.get(taskId);
  }

  private healthUpdated(taskId: string, health: TaskHealthStatus): void {
    const monitor = this.checkable(taskId);
    if (!monitor) return;
    monitor.running = { ...monitor.running, healthy: health.healthy };
    this.driver.update({ ...monitor.running, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' });
    if (health.killTask) {
      this.options.log(`Task ${taskId} failed ${health.consecutiveFailures} health checks in a row; killing it`);
      this.killedForHealth.add(taskId);
      this.kill(taskId);
    }
  }

  private checkUpdated(taskId: string, status: CheckStatusInfo): void {
    const monitor = this.checkable(taskId);
    if (!monitor) return;
    monitor.running = { ...monitor.running, check_status: status };
    this.driver.update({ ...monitor.running, reason: 'REASON_TASK_CHECK_STATUS_UPDATED' });
  }

  /** A kill's grace period when neither the KILL nor the task has a kill policy. */
  protected readonly defaultGraceMs: number = DEFAULT_KILL_GRACE_MS;

  /** What the messages call what ran ('Command exited with status 1', 'Container exited …'). */
  protected readonly noun: string = 'Command';

  private exited(taskId: string, code: number, failure?: string): void {
    const process = this.processes.get(taskId)!;
    this.stopChecks(taskId);
    const unhealthy = this.endsUnhealthy(taskId, process.killed) ? { healthy: false } : {};
    const ended = code > 128 ? `${this.noun} terminated with signal ${signalName(code - 128)}` : `${this.noun} exited with status ${code}`;
    if (failure) this.finish(taskId, 'TASK_FAILED', failure, unhealthy);
    else if (process.killed) this.finish(taskId, 'TASK_KILLED', ended, unhealthy);
    else if (code === 0) this.finish(taskId, 'TASK_FINISHED', ended, unhealthy);
    else this.finish(taskId, 'TASK_FAILED', ended, unhealthy);
  }

  /** Whether a task's terminal update says `healthy: false`: as Mesos' command executor, when it was killed for failing its health checks. */
  protected endsUnhealthy(taskId: string, killed: boolean): boolean {
    return killed && this.killedForHealth.has(taskId);
  }

  private finish(taskId: string, state: TaskState, message: string, extra: Partial<TaskStatus> = {}): void {
    if (this.terminal.has(taskId)) return;
    this.terminal.set(taskId, state);
    this.monitors.delete(taskId);
    this.driver.update({ task_id: { value: taskId }, state, message, ...extra });
    this.afterTaskExit(taskId, state);
    this.maybeTerminate();
  }

  protected kill(taskId: string, policy?: KillPolicy): void {
    const process = this.processes.get(taskId);
    if (!process || this.terminal.has(taskId)) return;
    this.stopChecks(taskId);
    if ((this.frameworkInfo?.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE')) {
      this.driver.update({ task_id: { value: taskId }, state: 'TASK_KILLING' });
    }
    const grace = (policy ?? process.task.kill_policy)?.grace_period?.nanoseconds;
    process.kill(grace !== undefined ? grace / 1e6 : this.defaultGraceMs);
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
    for (const [taskId, process] of this.processes) {
      if (this.terminal.has(taskId)) continue;
      this.stopChecks(taskId);
      process.kill(grace);
    }
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
