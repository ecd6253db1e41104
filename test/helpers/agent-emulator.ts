// Many agents in one process against a real master, for benches and tests at a scale real agent
// processes cannot reach on a small machine (1,000 agents would be 1,000 Node processes). Each emulated
// agent speaks the master <-> agent protocol through the real agent's own pieces: MasterApi (REGISTER
// opens its RecordIO event stream; calls are POSTed in order, batched, over the shared keep-alive HTTP
// agent) and the StatusUpdateManager (one update in flight per task, retried until ACKNOWLEDGE). What it
// does not have is processes: a task "runs" the moment RUN_TASK arrives (TASK_STARTING, TASK_RUNNING)
// and stays running until killed; there is no sandbox, /files, executor API or agent HTTP endpoint.
import { newStatusUUID } from '../../runtime/common/ids';
import { parseResources } from '../../runtime/common/resources';
import type { OpenStream } from '../../runtime/common/http';
import { AGENT_PROTOCOL_VERSION, type AgentEvent, type StatusUpdate } from '../../runtime/common/protocol/internal';
import type { AgentInfo, ExecutorID, FrameworkID, Resource, TaskInfo, TaskState } from '../../runtime/common/protocol/v1';
import { isTerminalState } from '../../runtime/common/protocol/v1';
import { MasterApi } from '../../runtime/agent/http/master-api';
import { StatusUpdateManager } from '../../runtime/agent/status-updates';

export interface AgentEmulatorOptions {
  /** Resources of every agent, Mesos --resources syntax. */
  resources?: string;
  /** Registrations in flight at once: the master admits agents one by one, and 1,000 new sockets at once only queue. */
  concurrency?: number;
  /** Hostname of agent i (distinct by default, so `agent <hostname>` breakpoints can tell them apart). */
  hostname?: (i: number) => string;
}

interface EmulatedTask { frameworkId: string; executorId: ExecutorID; state: TaskState }

/** One emulated agent: its link to the master and the tasks it pretends to run. */
export class EmulatedAgent {
  agentId?: string;
  readonly tasks = new Map<string, EmulatedTask>();
  /** Every event the master sent (PINGs included), by type: what tests check the protocol with. */
  readonly received = new Map<AgentEvent['type'], number>();
  private stream?: OpenStream;
  private readonly api = new MasterApi(() => this.agentId, (calls, reason) => this.refusals.push(`${calls.map((c) => c.type).join(', ')}: ${reason}`));
  readonly refusals: string[] = [];
  private readonly updates = new StatusUpdateManager(
    (update) => this.api.send({ type: 'STATUS_UPDATE', agent_id: { value: this.agentId! }, status_update: update }),
    (frameworkId, taskId) => this.tasks.get(`${frameworkId}/${taskId}`)?.state,
  );

  constructor(readonly info: AgentInfo, private readonly resources: Resource[], private readonly pid: string) {}

  /** REGISTERs with the master; resolves once it heard REGISTERED on its stream. */
  register(master: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const call = { type: 'REGISTER' as const, version: AGENT_PROTOCOL_VERSION, pid: this.pid, register: { agent_info: this.info, resources: this.resources } };
      this.api.subscribe(master, call, (event) => {
        this.received.set(event.type, (this.received.get(event.type) ?? 0) + 1);
        if (event.type === 'REGISTERED') resolve();
        this.handle(event);
      }, new AbortController().signal).then((stream) => {
        this.stream = stream;
        // No reconnection: a bench's master outlives its agents. An agent cut off simply stops.
        void stream.ended.then(() => {
          this.updates.pause();
          reject(new Error(`The master closed the stream of ${this.info.hostname} before REGISTERED`)); // a no-op once registered
        });
      }, reject);
    });
  }

  close(): void {
    this.updates.pause();
    this.stream?.close();
  }

  private handle(event: AgentEvent): void {
    switch (event.type) {
      case 'REGISTERED':
        this.agentId = event.registered.agent_id.value;
        return this.updates.resume();
      case 'PING':
        return this.api.send({ type: 'PONG', agent_id: { value: this.agentId! } });
      case 'RUN_TASK':
        return this.run(event.run_task.framework_info.id!.value, event.run_task.task);
      case 'RUN_TASK_GROUP': {
        const { framework_info: fw, executor_info: executor, task_group: group } = event.run_task_group;
        for (const task of group.tasks) this.run(fw.id!.value, { ...task, executor });
        return;
      }
      case 'KILL_TASK': {
        const { framework_id: fw, task_id: task } = event.kill_task;
        return this.update(fw, task.value, 'TASK_KILLED');
      }
      case 'SHUTDOWN_FRAMEWORK':
      case 'SHUTDOWN_EXECUTOR': {
        const fw = event.type === 'SHUTDOWN_FRAMEWORK' ? event.shutdown_framework.framework_id : event.shutdown_executor.framework_id;
        const only = event.type === 'SHUTDOWN_EXECUTOR' ? event.shutdown_executor.executor_id.value : undefined;
        for (const [key, t] of this.tasks) {
          if (t.frameworkId === fw.value && (!only || t.executorId.value === only)) this.update(fw, key.slice(fw.value.length + 1), 'TASK_KILLED');
        }
        return;
      }
      case 'ACKNOWLEDGE': {
        const { framework_id: fw, task_id: task, uuid } = event.acknowledge;
        this.updates.acknowledge(fw.value, task.value, uuid);
        // A terminal task whose last update is acknowledged is gone, as on a real agent.
        const key = `${fw.value}/${task.value}`;
        const t = this.tasks.get(key);
        if (t && isTerminalState(t.state) && this.updates.unacknowledged(fw.value, task.value).length === 0) this.tasks.delete(key);
        return;
      }
      case 'SHUTDOWN':
        return this.close();
      default:
        // FRAMEWORK_MESSAGE, UPDATE_FRAMEWORK, CHECKPOINT_RESOURCES, DRAIN: nothing to emulate.
        return;
    }
  }

  /** A task starts and runs at once: the command executor's first two updates. */
  private run(frameworkId: string, task: TaskInfo): void {
    const executorId = task.executor?.executor_id ?? { value: task.task_id.value };
    this.tasks.set(`${frameworkId}/${task.task_id.value}`, { frameworkId, executorId, state: 'TASK_STAGING' });
    this.update({ value: frameworkId }, task.task_id.value, 'TASK_STARTING');
    this.update({ value: frameworkId }, task.task_id.value, 'TASK_RUNNING');
  }

  private update(framework: FrameworkID, taskId: string, state: TaskState): void {
    const task = this.tasks.get(`${framework.value}/${taskId}`);
    if (!task || isTerminalState(task.state)) return;
    task.state = state;
    const uuid = newStatusUUID();
    const timestamp = Date.now() / 1000;
    const update: StatusUpdate = {
      framework_id: framework, executor_id: task.executorId, agent_id: { value: this.agentId! }, timestamp, uuid,
      status: { task_id: { value: taskId }, state, source: 'SOURCE_EXECUTOR', agent_id: { value: this.agentId! }, executor_id: task.executorId, timestamp, uuid },
    };
    this.updates.update(update);
  }
}

/** N emulated agents registered with one master. */
export class AgentEmulator {
  readonly agents: EmulatedAgent[] = [];
  /** How long registering every agent took. */
  registrationMs = 0;

  private constructor() {}

  /** Registers `count` agents with `master` (http://host:port); resolves once every one is REGISTERED. */
  static async start(master: string, count: number, options: AgentEmulatorOptions = {}): Promise<AgentEmulator> {
    const emulator = new AgentEmulator();
    const text = options.resources ?? 'cpus:8;mem:16384;disk:100000;ports:[31000-32000]';
    const resources = parseResources(text);
    for (let i = 0; i < count; i++) {
      // A port no one listens on: the pid must be unique, nothing connects to it.
      const port = 40_000 + i;
      const info: AgentInfo = { hostname: options.hostname?.(i) ?? `emulated-agent-${i + 1}`, port, resources };
      emulator.agents.push(new EmulatedAgent(info, resources, `slave(1)@127.0.0.1:${port}`));
    }
    const started = performance.now();
    let next = 0;
    const worker = async () => { while (next < count) await emulator.agents[next++].register(master); };
    try {
      await Promise.all(Array.from({ length: Math.min(count, options.concurrency ?? 50) }, worker));
    } catch (e) {
      emulator.stop();
      throw e;
    }
    emulator.registrationMs = performance.now() - started;
    return emulator;
  }

  stop(): void {
    for (const a of this.agents) a.close();
  }
}
