// The Mesos agent (Mesos' Slave). It wires its parts together (the link to the master, the containerizer
// and executor hosts, the status update manager, recovery, draining) and keeps the task path: a task from
// the master to its executor, the executor's status updates to the master (checkpointed, retried until
// acknowledged), and executors launched, subscribed, shut down and gone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDuration } from '../common/duration';
import { newStatusUUID, newUUID } from '../common/ids';
import { guarded, type Logger } from '../common/log';
import * as res from '../common/resources';
import type { AgentEvent, StatusUpdate } from '../common/protocol/internal';
import type {
  AgentInfo, ExecutorEvent, ExecutorInfo, FrameworkInfo, KillPolicy, MasterInfo, Resource, Task, TaskGroupInfo, TaskInfo, TaskState,
  TaskStatus, TaskStatusReason,
} from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import { Refusal } from '../common/refusal';
import { canonicalUUID } from '../common/validate';
import { NestedContainers } from './attach/sessions';
import { findTarget } from './attach/target';
import { Checkpointer } from './checkpoint';
import { executorEnvironment, waitStatus, type AgentIdentity, type ContainerLaunch, type Containerizer } from './containerizer/containerizer';
import { DockerContainerizer } from './containerizer/docker';
import { PosixContainerizer } from './containerizer/posix';
import { Draining } from './draining';
import { ExecutorHosts } from './executor-hosts';
import type { ExecutorSubscription } from './executor-subscription';
import type { AgentOptions } from './flags';
import { applyStatus, commandExecutorInfo, EXECUTOR_TERMINATED, Executor, Framework, type ExecutorKind, type Leftover } from './framework';
import { MasterLink } from './master-link';
import { recover } from './recovery';
import { metaLatest, sandboxDirectory, type ExecutorRun } from './sandbox';
import { StatusUpdateManager } from './status-updates';

const now = () => Date.now() / 1000;
const DEFAULT_KILL_GRACE_MS = 3000;
const MAX_COMPLETED_FRAMEWORKS = 50;

export class Agent {
  readonly startTime = now();
  agentId?: string;
  masterInfo?: MasterInfo;
  readonly frameworks = new Map<string, Framework>();
  readonly completedFrameworks: Framework[] = [];
  readonly statusUpdates: StatusUpdateManager;
  readonly hosts: ExecutorHosts;
  /** Sessions next to tasks (the attach API). */
  readonly nested: NestedContainers;
  private readonly containerizer: Containerizer;
  private readonly checkpoint: Checkpointer;
  private readonly master: MasterLink;
  private readonly draining: Draining;
  private shuttingDown = false;
  private shutDown!: () => void;
  /** Resolves once the master has shut this agent down and its executors are gone: the process should exit. */
  readonly terminated = new Promise<void>((resolve) => { this.shutDown = resolve; });

  constructor(readonly options: AgentOptions, private readonly log: Logger) {
    this.checkpoint = new Checkpointer(options.workDir);
    this.statusUpdates = new StatusUpdateManager((u) => this.forwardUpdate(u), (fw, task) => this.frameworks.get(fw)?.findTask(task)?.task.state);
    this.hosts = new ExecutorHosts(options.workDir, () => this.identity(), (frameworkId) => this.frameworks.has(frameworkId), log);
    const posix = new PosixContainerizer(options.workDir, this.hosts, log);
    this.containerizer = options.docker ? new DockerContainerizer(posix, options.docker, { workDir: path.resolve(options.workDir), ip: options.ip }, log) : posix;
    this.nested = new NestedContainers(this.containerizer, (id) => findTarget(this.frameworks.values(), this.identity(), id), log);
    this.master = new MasterLink(this, this.checkpoint, (event) => this.handle(event), log);
    this.draining = new Draining(this, log);
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

  identity(): AgentIdentity {
    return { agentId: this.agentId!, endpoint: `${this.options.ip}:${this.options.port}`, pid: this.pid, shutdownGracePeriod: this.options.executorShutdownGraceText };
  }

  start(): void {
    const { options, frameworks, statusUpdates, checkpoint, containerizer, log } = this;
    this.agentId = recover({
      options, frameworks, statusUpdates, checkpoint, containerizer, log,
      watch: (executor) => this.watch(executor),
      executorTerminated: (executor, status, leftover) => this.executorTerminated(executor, status, leftover),
    });
    this.master.start();
  }

  /** Executors keep running when the agent stops, so that the next start recovers them (as in Mesos). */
  stop(): void {
    this.master.stop();
    this.statusUpdates.pause();
    for (const e of this.allExecutors()) { clearTimeout(e.timer); e.subscription?.close(); }
    this.hosts.close();
  }

  /** Each event of the master's stream to where it is handled. */
  private handle(event: AgentEvent): void {
    switch (event.type) {
      case 'SHUTDOWN':
        return this.shutdownByMaster(event.shutdown.message);
      case 'RUN_TASK': {
        const { framework_info: info, task } = event.run_task;
        return this.draining.active ? this.draining.drop(info, [task]) : this.runTask(info, task);
      }
      case 'RUN_TASK_GROUP': {
        const { framework_info: info, executor_info: executorInfo, task_group: group } = event.run_task_group;
        return this.draining.active ? this.draining.drop(info, group.tasks) : this.runTaskGroup(info, executorInfo, group);
      }
      case 'DRAIN':
        return this.draining.start(event.drain.config);
      case 'KILL_TASK':
        return this.killTask(event.kill_task.framework_id.value, event.kill_task.task_id.value, event.kill_task.kill_policy);
      case 'SHUTDOWN_EXECUTOR': {
        const executor = this.findExecutor(event.shutdown_executor.framework_id.value, event.shutdown_executor.executor_id.value);
        if (executor) this.shutdownExecutor(executor);
        return;
      }
      case 'SHUTDOWN_FRAMEWORK':
        return this.shutdownFramework(event.shutdown_framework.framework_id.value);
      case 'ACKNOWLEDGE':
        return this.acknowledge(event.acknowledge.framework_id.value, event.acknowledge.task_id.value, event.acknowledge.uuid);
      case 'FRAMEWORK_MESSAGE': {
        const m = event.framework_message;
        const executor = this.findExecutor(m.framework_id.value, m.executor_id.value);
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
        if (!fw) return;
        fw.info = event.update_framework.framework_info;
        this.checkpoint.framework(this.agentId!, fw.info);
        // The framework (re-)subscribed: what waits for its acknowledgement goes out now, not after the backoff.
        this.statusUpdates.retry(fw.id);
      }
    }
  }

  // ---------------------------------------------------------------- launching

  private ensureFramework(info: FrameworkInfo): Framework {
    const id = info.id!.value;
    let fw = this.frameworks.get(id);
    // Every task carries its framework's info: rewrite the checkpoint only when it changed.
    if (fw && JSON.stringify(fw.info) === JSON.stringify(info)) return fw;
    if (fw) fw.info = info;
    else this.frameworks.set(id, (fw = new Framework(info)));
    this.checkpoint.framework(this.agentId!, info);
    return fw;
  }

  private launchExecutor(fw: Framework, info: ExecutorInfo, kind: ExecutorKind): Executor {
    const run: ExecutorRun = { agentId: this.agentId!, frameworkId: fw.id, executorId: info.executor_id.value, containerId: newUUID() };
    const directory = sandboxDirectory(this.options.workDir, run);
    fs.mkdirSync(directory, { recursive: true });
    const executor = new Executor(info, kind, run, directory);
    fw.executors.set(executor.id, executor);
    const environment = executorEnvironment(this.identity(), run.frameworkId, run.executorId, directory);
    let launched: ContainerLaunch;
    try {
      launched = this.containerizer.launch({ run, executorInfo: info, kind, directory, environment });
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      // As Mesos' agent: the executor is gone at once, and the tasks given to it (added right after this) fail.
      this.checkpoint.executor(run, info, { container_id: run.containerId, directory, launcher: 'host' });
      const leftover: Leftover = { state: 'TASK_FAILED', reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: `Failed to launch container: ${e.message}` };
      setImmediate(guarded(this.log, `Executor ${executor.id}'s failed launch`, () => this.executorTerminated(executor, waitStatus(127, null), leftover)));
      return executor;
    }
    this.checkpoint.executor(run, info, { container_id: run.containerId, directory, ...launched });
    this.watch(executor);
    if (kind === 'custom') {
      // A framework's executor that never subscribes fails its tasks (--executor_registration_timeout).
      executor.timer = setTimeout(guarded(this.log, `Executor ${executor.id}'s registration timeout`, () => {
        if (executor.subscription) return;
        this.containerizer.kill(run.containerId);
        this.executorTerminated(executor, waitStatus(null, 'SIGKILL'), {
          state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_REGISTRATION_TIMEOUT',
          message: `Executor did not register within ${formatDuration(this.options.executorRegistrationTimeoutMs)}`,
        });
      }), this.options.executorRegistrationTimeoutMs);
      executor.timer.unref();
    }
    return executor;
  }

  /** The executor is gone once its container ends (wait() never rejects, and the callback is guarded). */
  private watch(executor: Executor): void {
    void this.containerizer.wait(executor.run.containerId)
      .then(guarded(this.log, `Executor ${executor.id}'s end`, (status: number) => this.executorTerminated(executor, status)));
  }

  private runTask(frameworkInfo: FrameworkInfo, task: TaskInfo): void {
    const fw = this.ensureFramework(frameworkInfo);
    const executor = task.executor
      ? fw.executors.get(task.executor.executor_id.value) ?? this.launchExecutor(fw, task.executor, 'custom')
      : this.launchExecutor(fw, commandExecutorInfo(fw.id, task), 'command');
    executor.addTask(task);
    this.checkpoint.task(executor.run, task);
    executor.send({ type: 'LAUNCH', launch: { task } });
  }

  private runTaskGroup(frameworkInfo: FrameworkInfo, executorInfo: ExecutorInfo, group: TaskGroupInfo): void {
    const fw = this.ensureFramework(frameworkInfo);
    const executor = fw.executors.get(executorInfo.executor_id.value) ?? this.launchExecutor(fw, executorInfo, 'default');
    for (const task of group.tasks) {
      executor.addTask(task);
      this.checkpoint.task(executor.run, task);
    }
    executor.send({ type: 'LAUNCH_GROUP', launch_group: { task_group: group } });
  }

  // ---------------------------------------------------------------- killing and shutting down

  killTask(frameworkId: string, taskId: string, killPolicy: KillPolicy | undefined): void {
    const found = this.frameworks.get(frameworkId)?.findTask(taskId);
    if (!found) { this.log.warn(`Cannot kill unknown task ${taskId} of framework ${frameworkId}`); return; }
    const { executor, task } = found;
    const queued = executor.takeQueuedLaunch(taskId);
    if (!queued) {
      executor.send({ type: 'KILL', kill: { task_id: task.task_id, ...(killPolicy ? { kill_policy: killPolicy } : {}) } });
      return;
    }
    // Killed before its executor subscribed: it never starts (nor does the rest of its group).
    const killed = queued.type === 'LAUNCH_GROUP' ? queued.launch_group.task_group.tasks.map((t) => t.task_id.value) : [taskId];
    for (const id of killed) {
      const message = id === taskId ? 'Killed before delivery to the executor' : 'A task within the task group was killed before delivery to the executor';
      const killedTask = executor.tasks.get(id);
      if (killedTask) this.agentUpdate(executor, killedTask, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', message);
    }
    if (executor.kind !== 'custom' && executor.queued.length === 0) this.shutdownExecutor(executor);
  }

  /** SHUTDOWN to the executor; killed when it has not gone within its grace period. */
  shutdownExecutor(executor: Executor): void {
    if (executor.shuttingDown) return;
    executor.shuttingDown = true;
    this.log.info(`Shutting down executor ${executor.id} of framework ${executor.frameworkId}`);
    if (executor.subscription) executor.subscription.send({ type: 'SHUTDOWN' } satisfies ExecutorEvent);
    // A built-in executor not subscribed yet hears it from its host.
    else if (executor.kind !== 'custom') this.hosts.shutdownExecutor(executor.frameworkId, executor.id);
    const what = `Executor ${executor.id}'s shutdown`;
    executor.timer = setTimeout(guarded(this.log, what, () => {
      this.containerizer.kill(executor.run.containerId);
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
    this.master.stop();
    this.shuttingDown = true;
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
    if (fw.executors.size === 0) this.removeFramework(fw);
  }

  /**
   * The executor is gone (status as waitpid reports it). Tasks it left unfinished get `leftover`, unless
   * their wrapper recorded an exit status; the master hears EXITED_EXECUTOR (not for command executors).
   */
  executorTerminated(executor: Executor, status: number, leftover: Leftover = EXECUTOR_TERMINATED): void {
    const fw = this.frameworks.get(executor.frameworkId);
    if (!fw || fw.executors.get(executor.id) !== executor) return;
    clearTimeout(executor.timer);
    fw.completeExecutor(executor);
    executor.subscription?.close();
    const unfinished = [...executor.tasks.values()].filter((t) => !isTerminalState(t.state));
    const exits = this.containerizer.destroy(executor.run.containerId, unfinished.map((t) => t.task_id.value));
    for (const task of unfinished) {
      const code = exits.get(task.task_id.value);
      if (code === 0) this.agentUpdate(executor, task, 'TASK_FINISHED', 'REASON_EXECUTOR_TERMINATED', 'Command exited with status 0');
      else if (code !== undefined) this.agentUpdate(executor, task, 'TASK_FAILED', 'REASON_EXECUTOR_TERMINATED', `Command exited with status ${code}`);
      else this.agentUpdate(executor, task, leftover.state, leftover.reason, leftover.message);
    }
    this.checkpoint.executorCompleted(executor.run);
    if (this.agentId && executor.kind !== 'command') {
      this.master.send({ type: 'EXITED_EXECUTOR', agent_id: { value: this.agentId }, exited_executor: { framework_id: { value: executor.frameworkId }, executor_id: executor.info.executor_id, status } });
    }
    this.maybeRemoveFramework(fw);
    this.terminateOnceIdle();
  }

  /** Mesos forgets a framework once it has no executors and no updates left to deliver. */
  private maybeRemoveFramework(fw: Framework | undefined): void {
    if (fw && fw.executors.size === 0 && !this.statusUpdates.hasPending(fw.id)) this.removeFramework(fw);
  }

  private removeFramework(fw: Framework): void {
    if (this.frameworks.get(fw.id) !== fw) return;
    this.frameworks.delete(fw.id);
    this.draining.frameworkRemoved();
    this.completedFrameworks.push(fw);
    if (this.completedFrameworks.length > MAX_COMPLETED_FRAMEWORKS) this.completedFrameworks.shift();
    this.hosts.release(fw.id);
  }

  // ---------------------------------------------------------------- the executor API and status updates

  findExecutor(frameworkId: string, executorId: string): Executor | undefined {
    return this.frameworks.get(frameworkId)?.executors.get(executorId);
  }

  executorSubscribed(executor: Executor, stream: ExecutorSubscription, unacknowledged: StatusUpdate['status'][]): void {
    const frameworkInfo = this.frameworks.get(executor.frameworkId)!.info;
    executor.subscribed(stream, {
      type: 'SUBSCRIBED',
      subscribed: { executor_info: executor.info, framework_info: frameworkInfo, agent_info: this.info, container_id: { value: executor.run.containerId } },
    });
    // Updates the executor still holds go through the status update manager again (duplicates are dropped).
    for (const status of unacknowledged) this.executorUpdate(executor, status);
  }

  executorUpdate(executor: Executor, status: TaskStatus): void {
    const pid = this.containerizer.executorPid(executor.run.containerId);
    const stamped: TaskStatus = {
      ...status, uuid: canonicalUUID(status.uuid!), source: 'SOURCE_EXECUTOR', agent_id: { value: this.agentId! }, executor_id: executor.info.executor_id, timestamp: status.timestamp ?? now(),
      // As Mesos' agent does: the container and the address the task is reachable at.
      container_status: {
        ...status.container_status, container_id: { value: executor.run.containerId },
        ...(pid ? { executor_pid: pid } : {}),
        // A container on a network of its own reports its address (the docker executor's TASK_RUNNING).
        network_infos: status.container_status?.network_infos ?? [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.options.ip }] }],
      },
    };
    this.relay(executor, executor.tasks.get(status.task_id.value), stamped);
  }

  executorMessage(executor: Executor, data: string): void {
    this.master.send({ type: 'EXECUTOR_MESSAGE', agent_id: { value: this.agentId! }, executor_message: { framework_id: { value: executor.frameworkId }, executor_id: executor.info.executor_id, data } });
  }

  /** A status update the agent itself generates (executor gone, killed before launch...). */
  private agentUpdate(executor: Executor, task: Task, state: TaskState, reason: TaskStatusReason, message: string): void {
    const status: TaskStatus = {
      task_id: task.task_id, state, reason, message, source: 'SOURCE_AGENT', agent_id: { value: this.agentId! }, executor_id: executor.info.executor_id, timestamp: now(), uuid: newStatusUUID(),
    };
    this.relay(executor, task, status);
  }

  /** A task's status goes to the task and, reliably, to the master (checkpointed first). */
  private relay(executor: Executor, task: Task | undefined, status: TaskStatus): void {
    const drained = this.draining.rewrite(executor.frameworkId, status);
    if (task) applyStatus(task, drained);
    // Sessions join a running task: once none is left in the container, they end (its executor may linger).
    if (isTerminalState(drained.state) && ![...executor.tasks.values()].some((t) => t.state === 'TASK_RUNNING')) this.nested.destroyUnder(executor.run.containerId);
    this.statusUpdates.update(
      { framework_id: { value: executor.frameworkId }, executor_id: executor.info.executor_id, agent_id: { value: this.agentId! }, status: drained, timestamp: drained.timestamp!, uuid: drained.uuid! },
      (record) => this.checkpoint.update(executor.run, status.task_id.value, record),
    );
  }

  private forwardUpdate(update: StatusUpdate): void {
    // The status update manager is paused while no master stream is open.
    if (!this.agentId) return;
    this.master.send({ type: 'STATUS_UPDATE', agent_id: { value: this.agentId }, status_update: update });
  }

  private acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    if (!this.statusUpdates.acknowledge(frameworkId, taskId, uuid)) return;
    const fw = this.frameworks.get(frameworkId);
    const found = fw?.findTask(taskId);
    if (found) {
      const { executor, task } = found;
      executor.subscription?.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: task.task_id, uuid } } satisfies ExecutorEvent);
      if (isTerminalState(task.state) && this.statusUpdates.unacknowledged(frameworkId, taskId).length === 0) executor.completeTask(task);
    }
    this.maybeRemoveFramework(fw);
  }

  // ---------------------------------------------------------------- views

  allExecutors(): Executor[] {
    return [...this.frameworks.values()].flatMap((f) => [...f.executors.values()]);
  }

  allTasks(): Task[] {
    return this.allExecutors().flatMap((e) => [...e.tasks.values()]);
  }

  usedResources(): Resource[] {
    return res.add(...this.allTasks().filter((t) => !isTerminalState(t.state)).map((t) => t.resources));
  }
}
