// The Mesos agent: registers with the master, runs tasks through executors in sandboxes, relays status
// updates reliably (checkpointed, retried until acknowledged) and recovers its state after a restart.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchingPoster, EventStream, openStream, type OpenStream } from '../common/http';
import { newStatusUUID, newUUID } from '../common/ids';
import { guarded, type Logger } from '../common/log';
import { isAlive, killGroup, selfInvocation } from '../common/process';
import * as res from '../common/resources';
import { readTaskLog, type LoggedTask } from '../common/task-log';
import { AGENT_API_PATH, AGENT_PROTOCOL_VERSION, type AgentCall, type AgentEvent, type ExecutorHostEvent, type StatusUpdate } from '../common/protocol/internal';
import type {
  AgentInfo, Attribute, ExecutorEvent, ExecutorInfo, FrameworkInfo, KillPolicy, MasterInfo, Resource, Task, TaskGroupInfo,
  TaskInfo, TaskState, TaskStatus, TaskStatusReason,
} from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import { canonicalUUID } from '../common/validate';
import { formatDuration } from '../common/duration';
import { LeaderSource } from '../zk/leader';
import { Checkpointer, type RecoveredState, type UpdateRecord } from './checkpoint';
import { HostedSubscription, type ExecutorSubscription } from './executor-subscription';
import { executorEnvironment, launchCustomExecutor, launchExecutorHost, type AgentIdentity } from './containerizer/containerizer';
import { executorHostDir, hostTaskLog, metaLatest, sandboxDirectory, type ExecutorRun } from './sandbox';
import { StatusUpdateManager } from './status-updates';

export interface AgentOptions {
  master: LeaderSource;
  ip: string;
  port: number;
  hostname: string;
  workDir: string;
  resources: Resource[];
  attributes: Attribute[];
  recover: 'reconnect' | 'cleanup';
  executorShutdownGraceMs: number;
  executorShutdownGraceText: string;
  executorReregistrationTimeoutMs: number;
  executorRegistrationTimeoutMs: number;
  flags: Record<string, string>;
}

export type ExecutorKind = 'command' | 'default' | 'custom';

export interface ExecutorRecord {
  frameworkId: string;
  info: ExecutorInfo;
  kind: ExecutorKind;
  run: ExecutorRun;
  directory: string;
  subscription?: ExecutorSubscription;
  /** LAUNCH / LAUNCH_GROUP events waiting for the executor to subscribe. */
  queued: ExecutorEvent[];
  tasks: Map<string, Task>;
  completedTasks: Task[];
  process?: ChildProcess;
  pid?: number;
  shuttingDown: boolean;
  timer?: NodeJS.Timeout;
}

/** What becomes of tasks an executor leaves unfinished (the default: Mesos' "Executor terminated"). */
interface Leftover { state: TaskState; reason: TaskStatusReason; message: string }
const EXECUTOR_TERMINATED: Leftover = { state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED', message: 'Executor terminated' };

/** A waitpid()-style status, as FAILURE events carry it: exit code << 8, or the signal number. */
export function waitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  return signal ? (os.constants.signals[signal] ?? 9) : (code ?? 1) << 8;
}

export interface FrameworkRecord {
  info: FrameworkInfo;
  executors: Map<string, ExecutorRecord>;
  completedExecutors: ExecutorRecord[];
}

interface HostRecord {
  stream?: EventStream;
  pid?: number;
  queue: ExecutorHostEvent[];
  idleTimer?: NodeJS.Timeout;
  /** Its executors' subscriptions over the stream, by executor id: they end with it. */
  subscriptions: Map<string, HostedSubscription>;
}

const now = () => Date.now() / 1000;
const DEFAULT_KILL_GRACE_MS = 3000;
// As the scheduler SDK: a master just elected may not serve yet, so try again soon.
const RECONNECT_MS = 250;
const HOST_LINGER_MS = 30_000;

export class Agent {
  readonly startTime = now();
  agentId?: string;
  masterInfo?: MasterInfo;
  readonly frameworks = new Map<string, FrameworkRecord>();
  readonly completedFrameworks: FrameworkRecord[] = [];
  readonly statusUpdates: StatusUpdateManager;
  private readonly hosts = new Map<string, HostRecord>();
  private readonly checkpoint: Checkpointer;
  private masterStream?: OpenStream;
  private connecting?: AbortController;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private connectedTo?: string;
  private readonly toMaster = new BatchingPoster<AgentCall>(
    () => this.connectedTo + AGENT_API_PATH,
    (calls) => (calls.length === 1 ? calls[0] : { type: 'BATCH', agent_id: { value: this.agentId! }, batch: { calls } } satisfies AgentCall),
    (calls, r) => {
      const error = r instanceof Error ? r.message : r.status !== 202 ? `${r.status} ${r.body}` : undefined;
      if (error) this.log.warn(`Master refused ${calls.map((c) => c.type).join(', ')}: ${error}`);
      return [];
    },
  );
  private shuttingDown = false;
  /** Set by the master's DRAIN until the agent has no framework left (Mesos' drain config). */
  private drainConfig?: Extract<AgentEvent, { type: 'DRAIN' }>['drain']['config'];
  private shutDown!: () => void;
  /** Resolves once the master has shut this agent down and its executors are gone: the process should exit. */
  readonly terminated = new Promise<void>((resolve) => { this.shutDown = resolve; });

  constructor(readonly options: AgentOptions, private readonly log: Logger) {
    this.checkpoint = new Checkpointer(options.workDir);
    this.statusUpdates = new StatusUpdateManager((u) => this.forwardUpdate(u), (fw, task) => this.findTask(fw, task)?.task.state);
  }

  get pid(): string {
    return `slave(1)@${this.options.ip}:${this.options.port}`;
  }

  get info(): AgentInfo {
    return {
      hostname: this.options.hostname, port: this.options.port, resources: this.options.resources, attributes: this.options.attributes,
      ...(this.agentId ? { id: { value: this.agentId } } : {}),
    };
  }

  private identity(): AgentIdentity {
    return { agentId: this.agentId!, endpoint: `${this.options.ip}:${this.options.port}`, pid: this.pid, shutdownGracePeriod: this.options.executorShutdownGraceText };
  }

  start(): void {
    this.recover();
    // A new leader: drop the stream to the old one, or the attempt to reach it (a dead host in another
    // network namespace leaves a connect hanging for minutes); the reconnect goes to the new one.
    this.options.master.on('change', (url) => { if (url !== this.connectedTo) this.connecting?.abort(); });
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.masterStream?.close();
    this.options.master.close();
    this.statusUpdates.pause();
    for (const fw of this.frameworks.values()) for (const e of fw.executors.values()) { clearTimeout(e.timer); e.subscription?.close(); }
    for (const host of this.hosts.values()) host.stream?.close();
  }

  // ---------------------------------------------------------------- master connection

  private connect(): void {
    if (this.stopped) return;
    const master = this.options.master.current();
    if (!master) {
      this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_MS);
      return;
    }
    this.connectedTo = master;
    const reregister = this.agentId !== undefined;
    const call: AgentCall = reregister
      ? {
          type: 'REREGISTER', version: AGENT_PROTOCOL_VERSION, pid: this.pid,
          reregister: {
            agent_info: { ...this.info, id: { value: this.agentId! } }, resources: this.options.resources,
            tasks: this.allTasks(), executors: this.allExecutors().map((e) => e.info),
            frameworks: [...this.frameworks.values()].map((f) => f.info),
          },
        }
      : { type: 'REGISTER', version: AGENT_PROTOCOL_VERSION, pid: this.pid, register: { agent_info: this.info, resources: this.options.resources } };
    const attempt = new AbortController();
    this.connecting = attempt;
    openStream(master + AGENT_API_PATH, call, (event) => this.onMasterEvent(event as unknown as AgentEvent), {}, undefined, attempt.signal)
      .then((stream) => {
        this.masterStream = stream;
        return stream.ended;
      })
      .catch((e: Error) => this.log.warn(`Could not ${reregister ? 're-register' : 'register'} with master ${master}: ${e.message}`))
      .finally(() => {
        this.masterStream = undefined;
        this.statusUpdates.pause();
        if (this.stopped) return;
        this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_MS);
      });
  }

  private callMaster(call: AgentCall): void {
    if (this.connectedTo) void this.toMaster.post(call);
  }

  private onMasterEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'REGISTERED': {
        const first = this.agentId === undefined;
        this.agentId = event.registered.agent_id.value;
        this.masterInfo = event.registered.master_info;
        if (first) this.checkpoint.agentInfo({ ...this.info, id: { value: this.agentId } });
        this.log.info(`${first ? 'Registered' : 'Re-registered'} with master ${this.masterInfo.pid} as agent ${this.agentId}`);
        this.statusUpdates.resume();
        return;
      }
      case 'SHUTDOWN':
        return this.shutdownByMaster(event.shutdown.message);
      case 'PING':
        if (this.agentId) this.callMaster({ type: 'PONG', agent_id: { value: this.agentId } });
        return;
      case 'RUN_TASK':
        if (this.drainConfig) return this.dropWhileDraining(event.run_task.framework_info, [event.run_task.task]);
        return this.runTask(event.run_task.framework_info, event.run_task.task);
      case 'RUN_TASK_GROUP':
        if (this.drainConfig) return this.dropWhileDraining(event.run_task_group.framework_info, event.run_task_group.task_group.tasks);
        return this.runTaskGroup(event.run_task_group.framework_info, event.run_task_group.executor_info, event.run_task_group.task_group);
      case 'DRAIN':
        return this.drain(event.drain.config);
      case 'KILL_TASK':
        return this.killTask(event.kill_task.framework_id.value, event.kill_task.task_id.value, event.kill_task.kill_policy);
      case 'SHUTDOWN_EXECUTOR': {
        const executor = this.frameworks.get(event.shutdown_executor.framework_id.value)?.executors.get(event.shutdown_executor.executor_id.value);
        if (executor) this.shutdownExecutor(executor);
        return;
      }
      case 'SHUTDOWN_FRAMEWORK':
        return this.shutdownFramework(event.shutdown_framework.framework_id.value);
      case 'ACKNOWLEDGE':
        return this.acknowledge(event.acknowledge.framework_id.value, event.acknowledge.task_id.value, event.acknowledge.uuid);
      case 'FRAMEWORK_MESSAGE': {
        const m = event.framework_message;
        const executor = this.frameworks.get(m.framework_id.value)?.executors.get(m.executor_id.value);
        if (executor?.subscription) executor.subscription.send({ type: 'MESSAGE', message: { data: m.data } } satisfies ExecutorEvent);
        else this.log.warn(`Dropping message for executor ${m.executor_id.value}: not subscribed`);
        return;
      }
      case 'CHECKPOINT_RESOURCES':
        // Dynamic reservations: the new total is ours from now on, across restarts.
        this.options.resources = event.checkpoint_resources.resources;
        this.checkpoint.resources(this.agentId!, event.checkpoint_resources.resources);
        return;
      case 'UPDATE_FRAMEWORK': {
        const fw = this.frameworks.get(event.update_framework.framework_info.id!.value);
        if (fw) {
          fw.info = event.update_framework.framework_info;
          this.checkpoint.framework(this.agentId!, fw.info);
          // The framework (re-)subscribed: what waits for its acknowledgement goes out now, not after the backoff.
          this.statusUpdates.retry(fw.info.id!.value);
        }
        return;
      }
    }
  }

  // ---------------------------------------------------------------- launching

  private ensureFramework(info: FrameworkInfo): FrameworkRecord {
    const id = info.id!.value;
    let fw = this.frameworks.get(id);
    // Every task carries its framework's info: rewrite the checkpoint only when it changed.
    if (fw && JSON.stringify(fw.info) === JSON.stringify(info)) return fw;
    if (!fw) {
      fw = { info, executors: new Map(), completedExecutors: [] };
      this.frameworks.set(id, fw);
    } else {
      fw.info = info;
    }
    this.checkpoint.framework(this.agentId!, info);
    return fw;
  }

  private createExecutor(fw: FrameworkRecord, info: ExecutorInfo, kind: ExecutorKind): ExecutorRecord {
    const run: ExecutorRun = { agentId: this.agentId!, frameworkId: fw.info.id!.value, executorId: info.executor_id.value, containerId: newUUID() };
    const directory = sandboxDirectory(this.options.workDir, run);
    fs.mkdirSync(directory, { recursive: true });
    const executor: ExecutorRecord = {
      frameworkId: run.frameworkId, info, kind, run, directory, queued: [], tasks: new Map(), completedTasks: [], shuttingDown: false,
    };
    fw.executors.set(info.executor_id.value, executor);
    this.checkpoint.executor(run, info, { container_id: run.containerId, directory, launcher: kind === 'custom' ? 'process' : 'host' });
    if (kind === 'custom') {
      const child = launchCustomExecutor(this.identity(), run.frameworkId, info, directory);
      executor.process = child;
      executor.pid = child.pid;
      this.checkpoint.executor(run, info, { container_id: run.containerId, directory, launcher: 'process', pid: child.pid });
      child.on('exit', (code, signal) => this.executorTerminated(executor, waitStatus(code, signal)));
      // A framework's executor that never subscribes fails its tasks (--executor_registration_timeout).
      executor.timer = setTimeout(guarded(this.log, `Executor ${info.executor_id.value}'s registration timeout`, () => {
        if (executor.subscription) return;
        const seconds = formatDuration(this.options.executorRegistrationTimeoutMs);
        killGroup(child.pid!, 'SIGKILL');
        this.executorTerminated(executor, waitStatus(null, 'SIGKILL'), { state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_REGISTRATION_TIMEOUT', message: `Executor did not register within ${seconds}` });
      }), this.options.executorRegistrationTimeoutMs);
      executor.timer.unref();
      this.log.info(`Launched executor ${info.executor_id.value} of framework ${run.frameworkId} as pid ${child.pid} in ${directory}`);
    } else {
      this.sendToHost(run.frameworkId, {
        type: 'LAUNCH_EXECUTOR',
        launch_executor: {
          executor_info: info, directory, container_id: run.containerId, task_log: hostTaskLog(this.options.workDir, run.frameworkId),
          environment: executorEnvironment(this.identity(), run.frameworkId, info.executor_id.value, directory),
        },
      });
    }
    return executor;
  }

  private newTask(frameworkId: string, task: TaskInfo, executorId: string | undefined): Task {
    return {
      name: task.name, task_id: task.task_id, framework_id: { value: frameworkId }, agent_id: task.agent_id,
      ...(executorId ? { executor_id: { value: executorId } } : {}),
      state: 'TASK_STAGING', resources: task.resources ?? [], statuses: [],
      ...(task.labels ? { labels: task.labels } : {}), ...(task.discovery ? { discovery: task.discovery } : {}),
      ...(task.kill_policy ? { kill_policy: task.kill_policy } : {}),
    };
  }

  private runTask(frameworkInfo: FrameworkInfo, task: TaskInfo): void {
    const fw = this.ensureFramework(frameworkInfo);
    const frameworkId = frameworkInfo.id!.value;
    let executor: ExecutorRecord;
    if (task.executor) {
      executor = fw.executors.get(task.executor.executor_id.value) ?? this.createExecutor(fw, task.executor, 'custom');
    } else {
      // Mesos' command executor: one per task, named after it.
      const info: ExecutorInfo = {
        executor_id: { value: task.task_id.value }, framework_id: { value: frameworkId }, name: `Command Executor (Task: ${task.task_id.value}) (Command: ${describeCommand(task)})`,
        source: task.task_id.value, command: { value: 'mesolite-command-executor' }, resources: [],
      };
      executor = this.createExecutor(fw, info, 'command');
    }
    executor.tasks.set(task.task_id.value, this.newTask(frameworkId, task, task.executor ? task.executor.executor_id.value : undefined));
    this.checkpoint.task(executor.run, task);
    this.sendToExecutor(executor, { type: 'LAUNCH', launch: { task } });
  }

  private runTaskGroup(frameworkInfo: FrameworkInfo, executorInfo: ExecutorInfo, group: TaskGroupInfo): void {
    const fw = this.ensureFramework(frameworkInfo);
    const executor = fw.executors.get(executorInfo.executor_id.value) ?? this.createExecutor(fw, executorInfo, 'default');
    for (const task of group.tasks) {
      executor.tasks.set(task.task_id.value, this.newTask(fw.info.id!.value, task, executorInfo.executor_id.value));
      this.checkpoint.task(executor.run, task);
    }
    this.sendToExecutor(executor, { type: 'LAUNCH_GROUP', launch_group: { task_group: group } });
  }

  private sendToExecutor(executor: ExecutorRecord, event: ExecutorEvent): void {
    if (executor.subscription) executor.subscription.send(event);
    else executor.queued.push(event);
  }

  // ---------------------------------------------------------------- executor hosts

  private sendToHost(frameworkId: string, event: ExecutorHostEvent): void {
    let host = this.hosts.get(frameworkId);
    if (!host) {
      host = { queue: [], subscriptions: new Map() };
      this.hosts.set(frameworkId, host);
    }
    clearTimeout(host.idleTimer);
    if (host.stream) { host.stream.send(event); return; }
    host.queue.push(event);
    if (!isAlive(host.pid)) {
      const logDir = executorHostDir(this.options.workDir, frameworkId);
      const child = launchExecutorHost(this.identity(), frameworkId, selfInvocation('executor-host'), logDir);
      host.pid = child.pid;
      fs.writeFileSync(path.join(logDir, 'pid'), String(child.pid));
      child.on('exit', (code, signal) => this.hostExited(frameworkId, child.pid!, code, signal));
      this.log.info(`Started the executor host of framework ${frameworkId} as pid ${child.pid}`);
    }
  }

  /** An executor host subscribed (first start, or reconnecting after an agent restart). */
  hostSubscribed(frameworkId: string, pid: number, stream: EventStream): boolean {
    if (!this.frameworks.has(frameworkId)) return false;
    const host: HostRecord = this.hosts.get(frameworkId) ?? { queue: [], subscriptions: new Map() };
    this.hosts.set(frameworkId, host);
    host.stream?.close();
    host.stream = stream;
    host.pid = pid;
    stream.send({ type: 'SUBSCRIBED' } satisfies ExecutorHostEvent);
    for (const event of host.queue.splice(0)) stream.send(event);
    stream.onClose(() => {
      if (host.stream === stream) host.stream = undefined;
      for (const subscription of [...host.subscriptions.values()]) subscription.close();
    });
    return true;
  }

  /** A subscription for an executor run by its framework's executor host, over the host's stream (none while the host is not subscribed). */
  hostedSubscription(frameworkId: string, executorId: string): ExecutorSubscription | undefined {
    const host = this.hosts.get(frameworkId);
    if (!host?.stream) return undefined;
    const subscription = new HostedSubscription(host.stream, executorId);
    host.subscriptions.get(executorId)?.close();
    host.subscriptions.set(executorId, subscription);
    subscription.onClose(() => { if (host.subscriptions.get(executorId) === subscription) host.subscriptions.delete(executorId); });
    return subscription;
  }

  private hostExited(frameworkId: string, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    const host = this.hosts.get(frameworkId);
    if (host?.pid !== pid) return;
    this.log.info(`Executor host of framework ${frameworkId} (pid ${pid}) exited ${signal ? `with signal ${signal}` : `with status ${code}`}`);
    this.hosts.delete(frameworkId);
    const fw = this.frameworks.get(frameworkId);
    for (const executor of [...(fw?.executors.values() ?? [])]) {
      if (executor.kind !== 'custom') this.executorTerminated(executor, waitStatus(code, signal));
    }
  }

  // ---------------------------------------------------------------- executor API

  findExecutor(frameworkId: string, executorId: string): ExecutorRecord | undefined {
    return this.frameworks.get(frameworkId)?.executors.get(executorId);
  }

  private findTask(frameworkId: string, taskId: string): { executor: ExecutorRecord; task: Task } | undefined {
    const fw = this.frameworks.get(frameworkId);
    // A command executor is named after its task: found directly, without a scan per update over all executors.
    const own = fw?.executors.get(taskId);
    const ownTask = own?.tasks.get(taskId);
    if (own && ownTask) return { executor: own, task: ownTask };
    for (const executor of fw?.executors.values() ?? []) {
      const task = executor.tasks.get(taskId);
      if (task) return { executor, task };
    }
    return undefined;
  }

  executorSubscribed(executor: ExecutorRecord, stream: ExecutorSubscription, unacknowledged: StatusUpdate['status'][]): void {
    executor.subscription?.close();
    executor.subscription = stream;
    clearTimeout(executor.timer);
    const fw = this.frameworks.get(executor.frameworkId)!;
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: { executor_info: executor.info, framework_info: fw.info, agent_info: this.info, container_id: { value: executor.run.containerId } },
    } satisfies ExecutorEvent);
    // Updates the executor still holds go through the status update manager again (duplicates are dropped).
    for (const status of unacknowledged) this.executorUpdate(executor, status);
    for (const event of executor.queued.splice(0)) stream.send(event);
    if (executor.shuttingDown) stream.send({ type: 'SHUTDOWN' });
    stream.onClose(() => { if (executor.subscription === stream) executor.subscription = undefined; });
  }

  executorUpdate(executor: ExecutorRecord, status: TaskStatus): void {
    const task = executor.tasks.get(status.task_id.value);
    const pid = this.executorPid(executor);
    const stamped: TaskStatus = {
      ...status, uuid: canonicalUUID(status.uuid!), source: 'SOURCE_EXECUTOR', agent_id: { value: this.agentId! }, executor_id: executor.info.executor_id, timestamp: status.timestamp ?? now(),
      // As Mesos' agent does: the container and the address the task is reachable at.
      container_status: {
        ...status.container_status, container_id: { value: executor.run.containerId },
        ...(pid ? { executor_pid: pid } : {}),
        network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.options.ip }] }],
      },
    };
    this.relay(executor, task, stamped);
  }

  /** A task's status goes to the task and, reliably, to the master (checkpointed first). */
  private relay(executor: ExecutorRecord, task: Task | undefined, status: TaskStatus): void {
    const drained = this.whileDraining(executor.frameworkId, status);
    if (task) this.applyStatus(task, drained);
    this.statusUpdates.update(
      { framework_id: { value: executor.frameworkId }, executor_id: executor.info.executor_id, agent_id: { value: this.agentId! }, status: drained, timestamp: drained.timestamp!, uuid: drained.uuid! },
      (record) => this.checkpoint.update(executor.run, status.task_id.value, record),
    );
  }

  /**
   * As Mesos' agent while draining: a task killed says REASON_AGENT_DRAINING, and when the drain marks
   * the agent gone, a partition-aware framework hears TASK_GONE_BY_OPERATOR instead of TASK_KILLED.
   */
  private whileDraining(frameworkId: string, status: TaskStatus): TaskStatus {
    if (!this.drainConfig || (status.state !== 'TASK_KILLING' && status.state !== 'TASK_KILLED')) return status;
    const aware = (this.frameworks.get(frameworkId)?.info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
    const gone = status.state === 'TASK_KILLED' && this.drainConfig.mark_gone && aware;
    return { ...status, reason: 'REASON_AGENT_DRAINING', ...(gone ? { state: 'TASK_GONE_BY_OPERATOR' as const } : {}) };
  }

  /** The process running an executor: its own for a framework's executor, the host's for built-in ones. */
  private executorPid(executor: ExecutorRecord): number | undefined {
    return executor.kind === 'custom' ? executor.pid : this.hosts.get(executor.frameworkId)?.pid;
  }

  executorMessage(executor: ExecutorRecord, data: string): void {
    this.callMaster({ type: 'EXECUTOR_MESSAGE', agent_id: { value: this.agentId! }, executor_message: { framework_id: { value: executor.frameworkId }, executor_id: executor.info.executor_id, data } });
  }

  private applyStatus(task: Task, status: TaskStatus): void {
    if (isTerminalState(task.state)) return; // a terminal state never changes
    task.state = status.state;
    task.statuses.push(status);
    if (task.statuses.length > 10) task.statuses.shift();
  }

  /** A status update the agent itself generates (executor gone, killed before launch...). */
  private agentUpdate(executor: ExecutorRecord, task: Task, state: TaskState, reason: TaskStatusReason, message: string): void {
    const uuid = newStatusUUID();
    const status: TaskStatus = {
      task_id: task.task_id, state, reason, message, source: 'SOURCE_AGENT', agent_id: { value: this.agentId! }, executor_id: executor.info.executor_id, timestamp: now(), uuid,
    };
    this.relay(executor, task, status);
  }

  private forwardUpdate(update: StatusUpdate): void {
    // The status update manager is paused while no master stream is open.
    if (!this.agentId) return;
    this.callMaster({ type: 'STATUS_UPDATE', agent_id: { value: this.agentId }, status_update: update });
  }

  private acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    if (!this.statusUpdates.acknowledge(frameworkId, taskId, uuid)) return;
    const found = this.findTask(frameworkId, taskId);
    if (found) {
      const { executor, task } = found;
      executor.subscription?.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: task.task_id, uuid } } satisfies ExecutorEvent);
      if (isTerminalState(task.state) && this.statusUpdates.unacknowledged(frameworkId, taskId).length === 0) {
        executor.tasks.delete(taskId);
        executor.completedTasks.push(task);
        if (executor.completedTasks.length > 200) executor.completedTasks.shift();
      }
    }
    this.maybeRemoveFramework(frameworkId);
  }

  /** DRAIN: every task is killed, within the drain's max_grace_period when its own kill policy gives it longer. */
  private drain(config: NonNullable<Agent['drainConfig']>): void {
    if (this.frameworks.size === 0) { this.log.info('Asked to drain with no frameworks: draining is already complete'); return; }
    this.drainConfig = config;
    const max = config.max_grace_period?.nanoseconds;
    this.log.info(`Draining${max !== undefined ? ` (max grace period ${formatDuration(max / 1e6)})` : ''}: killing ${this.allTasks().length} tasks`);
    for (const [frameworkId, fw] of this.frameworks) {
      for (const executor of fw.executors.values()) {
        for (const task of [...executor.tasks.values()]) {
          if (isTerminalState(task.state)) continue;
          const own = task.kill_policy?.grace_period?.nanoseconds;
          const capped = max !== undefined && (own === undefined || own > max) ? { grace_period: { nanoseconds: max } } : task.kill_policy;
          this.killTask(frameworkId, task.task_id.value, capped);
        }
      }
    }
  }

  /** A task that reaches a draining agent is dropped (the update is not checkpointed: the agent never ran it). */
  private dropWhileDraining(frameworkInfo: FrameworkInfo, tasks: TaskInfo[]): void {
    for (const task of tasks) {
      const uuid = newStatusUUID();
      const status: TaskStatus = {
        task_id: task.task_id, state: 'TASK_DROPPED', reason: 'REASON_AGENT_DRAINING', message: 'Task was received while agent was already draining',
        source: 'SOURCE_AGENT', agent_id: { value: this.agentId! }, timestamp: now(), uuid,
      };
      this.statusUpdates.update({ framework_id: frameworkInfo.id!, agent_id: { value: this.agentId! }, status, timestamp: status.timestamp!, uuid });
    }
  }

  private killTask(frameworkId: string, taskId: string, killPolicy: KillPolicy | undefined): void {
    const found = this.findTask(frameworkId, taskId);
    if (!found) { this.log.warn(`Cannot kill unknown task ${taskId} of framework ${frameworkId}`); return; }
    const { executor, task } = found;
    const queuedIndex = executor.queued.findIndex((e) =>
      (e.type === 'LAUNCH' && e.launch.task.task_id.value === taskId) ||
      (e.type === 'LAUNCH_GROUP' && e.launch_group.task_group.tasks.some((t) => t.task_id.value === taskId)));
    if (queuedIndex >= 0) {
      // Killed before its executor subscribed: it never starts (nor does the rest of its group).
      const [event] = executor.queued.splice(queuedIndex, 1);
      if (event.type === 'LAUNCH_GROUP') {
        for (const t of event.launch_group.task_group.tasks) {
          const groupTask = executor.tasks.get(t.task_id.value);
          const message = t.task_id.value === taskId ? 'Killed before delivery to the executor' : 'A task within the task group was killed before delivery to the executor';
          if (groupTask) this.agentUpdate(executor, groupTask, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', message);
        }
      } else {
        this.agentUpdate(executor, task, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before delivery to the executor');
      }
      if (executor.kind !== 'custom' && executor.queued.length === 0) this.shutdownExecutor(executor);
      return;
    }
    this.sendToExecutor(executor, { type: 'KILL', kill: { task_id: task.task_id, ...(killPolicy ? { kill_policy: killPolicy } : {}) } });
  }

  shutdownExecutor(executor: ExecutorRecord): void {
    if (executor.shuttingDown) return;
    executor.shuttingDown = true;
    this.log.info(`Shutting down executor ${executor.info.executor_id.value} of framework ${executor.frameworkId}`);
    if (executor.subscription) executor.subscription.send({ type: 'SHUTDOWN' } satisfies ExecutorEvent);
    else if (executor.kind !== 'custom') this.sendToHost(executor.frameworkId, { type: 'SHUTDOWN_EXECUTOR', shutdown_executor: { executor_id: executor.info.executor_id } });
    const what = `Executor ${executor.info.executor_id.value}'s shutdown`;
    executor.timer = setTimeout(guarded(this.log, what, () => {
      if (executor.pid) killGroup(executor.pid, 'SIGKILL');
      if (executor.kind !== 'custom') this.sendToHost(executor.frameworkId, { type: 'SHUTDOWN_EXECUTOR', shutdown_executor: { executor_id: executor.info.executor_id } });
      setTimeout(guarded(this.log, what, () => this.executorTerminated(executor, waitStatus(null, 'SIGKILL'))), 1000).unref();
    }), this.options.executorShutdownGraceMs + DEFAULT_KILL_GRACE_MS);
    executor.timer.unref();
  }

  /**
   * The master shut this agent down (its machine went DOWN for maintenance): every executor is killed and the
   * agent id given up, so the next start registers as a new agent, as in Mesos.
   */
  private shutdownByMaster(message: string): void {
    this.log.warn(`Agent asked to shut down by the master: ${message}`);
    this.stopped = true; // no reconnecting
    this.shuttingDown = true;
    this.masterStream?.close();
    for (const id of [...this.frameworks.keys()]) this.shutdownFramework(id);
    fs.rmSync(metaLatest(this.options.workDir), { force: true });
    this.terminateOnceIdle();
  }

  /** Shut down by the master, the agent is done once its last executor is gone. */
  private terminateOnceIdle(): void {
    if (this.shuttingDown && this.allExecutors().length === 0) this.shutDown();
  }

  private shutdownFramework(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    this.log.info(`Shutting down framework ${frameworkId}`);
    this.statusUpdates.cleanup(frameworkId);
    for (const executor of fw.executors.values()) this.shutdownExecutor(executor);
    if (fw.executors.size === 0) this.removeFramework(frameworkId);
  }

  /**
   * The executor is gone (status as waitpid reports it). Tasks it left unfinished get `leftover`, unless
   * their wrapper recorded an exit status; the master hears EXITED_EXECUTOR (not for command executors).
   */
  executorTerminated(executor: ExecutorRecord, status: number, leftover: Leftover = EXECUTOR_TERMINATED): void {
    const fw = this.frameworks.get(executor.frameworkId);
    if (!fw || fw.executors.get(executor.info.executor_id.value) !== executor) return;
    clearTimeout(executor.timer);
    fw.executors.delete(executor.info.executor_id.value);
    executor.subscription?.close();
    let logged: Map<string, LoggedTask> | undefined;
    for (const task of executor.tasks.values()) {
      if (isTerminalState(task.state)) continue;
      if (executor.kind !== 'custom') logged ??= readTaskLog(hostTaskLog(this.options.workDir, executor.frameworkId));
      const { pid, status: code } = logged?.get(task.task_id.value) ?? {};
      // As Mesos destroys the container of an executor gone: what is left of the task is killed.
      if (pid && code === undefined) killGroup(pid, 'SIGKILL');
      if (code === 0) this.agentUpdate(executor, task, 'TASK_FINISHED', 'REASON_EXECUTOR_TERMINATED', 'Command exited with status 0');
      else if (code !== undefined) this.agentUpdate(executor, task, 'TASK_FAILED', 'REASON_EXECUTOR_TERMINATED', `Command exited with status ${code}`);
      else this.agentUpdate(executor, task, leftover.state, leftover.reason, leftover.message);
    }
    this.checkpoint.executorCompleted(executor.run);
    fw.completedExecutors.push(executor);
    if (fw.completedExecutors.length > 100) fw.completedExecutors.shift();
    if (this.agentId && executor.kind !== 'command') {
      this.callMaster({ type: 'EXITED_EXECUTOR', agent_id: { value: this.agentId }, exited_executor: { framework_id: { value: executor.frameworkId }, executor_id: executor.info.executor_id, status } });
    }
    this.maybeRemoveFramework(executor.frameworkId);
    this.terminateOnceIdle();
  }

  /** Mesos forgets a framework once it has no executors and no updates left to deliver. */
  private maybeRemoveFramework(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (fw && fw.executors.size === 0 && !this.statusUpdates.hasPending(frameworkId)) this.removeFramework(frameworkId);
  }

  private removeFramework(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    this.frameworks.delete(frameworkId);
    if (this.frameworks.size === 0 && this.drainConfig) {
      this.log.info('Agent finished draining');
      this.drainConfig = undefined;
    }
    this.completedFrameworks.push(fw);
    if (this.completedFrameworks.length > 50) this.completedFrameworks.shift();
    const host = this.hosts.get(frameworkId);
    if (!host) return;
    // The host lingers a little, so a framework launching task after task does not restart it each time.
    host.idleTimer = setTimeout(() => {
      if (this.frameworks.has(frameworkId) || this.hosts.get(frameworkId) !== host) return;
      if (host.stream) host.stream.send({ type: 'SHUTDOWN' } satisfies ExecutorHostEvent);
      else if (host.pid) killGroup(host.pid, 'SIGTERM');
      this.hosts.delete(frameworkId);
    }, HOST_LINGER_MS);
    host.idleTimer.unref();
  }

  // ---------------------------------------------------------------- recovery

  private recover(): void {
    let state: RecoveredState | undefined;
    try {
      state = this.checkpoint.recover();
    } catch (e) {
      this.log.error(`Could not read the checkpoint under ${this.options.workDir}/meta: ${(e as Error).message}; starting as a new agent`);
    }
    if (!state?.agentInfo.id) return;
    this.agentId = state.agentInfo.id.value;
    if (state.resources) this.options.resources = state.resources;
    this.log.info(`Recovering agent ${this.agentId} from ${this.options.workDir}/meta (--recover=${this.options.recover})`);
    for (const rf of state.frameworks) {
      const frameworkId = rf.info.id!.value;
      const fw: FrameworkRecord = { info: rf.info, executors: new Map(), completedExecutors: [] };
      this.frameworks.set(frameworkId, fw);
      for (const re of rf.executors) {
        if (!re.run) continue;
        const run: ExecutorRun = { agentId: this.agentId, frameworkId, executorId: re.info.executor_id.value, containerId: re.run.run.container_id };
        const kind: ExecutorKind = re.run.run.launcher === 'process' ? 'custom' : re.info.type === 'DEFAULT' ? 'default' : 'command';
        const executor: ExecutorRecord = {
          frameworkId, info: re.info, kind, run, directory: re.run.run.directory, queued: [], tasks: new Map(), completedTasks: [],
          pid: re.run.run.pid, shuttingDown: false,
        };
        for (const rt of re.run.tasks) {
          const task = this.newTask(frameworkId, rt.info, kind === 'command' ? undefined : re.info.executor_id.value);
          for (const record of rt.updates) if (record.type === 'UPDATE') this.applyStatus(task, record.update.status);
          const checkpoint = (record: UpdateRecord) => this.checkpoint.update(run, rt.info.task_id.value, record);
          this.statusUpdates.recover(frameworkId, rt.info.task_id.value, rt.updates, checkpoint);
          const acknowledgedTerminal = isTerminalState(task.state) && this.statusUpdates.unacknowledged(frameworkId, rt.info.task_id.value).length === 0;
          if (acknowledgedTerminal) executor.completedTasks.push(task);
          else executor.tasks.set(task.task_id.value, task);
        }
        if (re.run.completed) continue;
        fw.executors.set(re.info.executor_id.value, executor);
        if (this.options.recover === 'cleanup') {
          if (executor.pid) killGroup(executor.pid, 'SIGKILL');
          // Tasks run in process groups of their own: kill each by the pid its executor host logged.
          const logged = readTaskLog(hostTaskLog(this.options.workDir, frameworkId));
          for (const taskId of executor.tasks.keys()) {
            const pid = logged.get(taskId)?.pid;
            if (pid) killGroup(pid, 'SIGKILL');
          }
          setImmediate(() => this.executorTerminated(executor, waitStatus(null, 'SIGKILL')));
          continue;
        }
        // Executors get --executor_reregistration_timeout to re-subscribe; silent ones are gone.
        const partitionAware = (rf.info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
        executor.timer = setTimeout(guarded(this.log, `Executor ${executor.info.executor_id.value}'s re-registration timeout`, () => {
          if (executor.subscription) return;
          this.executorTerminated(executor, waitStatus(null, 'SIGKILL'), {
            state: partitionAware ? 'TASK_GONE' : 'TASK_LOST', reason: 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT',
            message: `Executor did not reregister within ${formatDuration(this.options.executorReregistrationTimeoutMs)}`,
          });
        }), this.options.executorReregistrationTimeoutMs);
      }
      if (fw.executors.size > 0) this.recoverHost(frameworkId);
    }
    this.statusUpdates.pause();
  }

  private recoverHost(frameworkId: string): void {
    const pidFile = path.join(executorHostDir(this.options.workDir, frameworkId), 'pid');
    const pid = readNumber(pidFile);
    if (this.options.recover === 'cleanup') {
      if (pid && isAlive(pid)) killGroup(pid, 'SIGKILL');
      return;
    }
    if (pid && isAlive(pid)) this.hosts.set(frameworkId, { pid, queue: [], subscriptions: new Map() });
  }

  // ---------------------------------------------------------------- views

  allExecutors(): ExecutorRecord[] {
    return [...this.frameworks.values()].flatMap((f) => [...f.executors.values()]);
  }

  allTasks(): Task[] {
    return this.allExecutors().flatMap((e) => [...e.tasks.values()]);
  }

  usedResources(): Resource[] {
    return res.add(...this.allTasks().filter((t) => !isTerminalState(t.state)).map((t) => t.resources));
  }
}

/** A number written alone in a file (an exit status, a pid), if there is one. */
function readNumber(file: string): number | undefined {
  try {
    const code = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function describeCommand(task: TaskInfo): string {
  const c = task.command;
  if (!c) return '';
  return c.shell === false ? [c.value, ...(c.arguments ?? []).slice(1)].join(' ') : `sh -c '${c.value ?? ''}'`;
}
