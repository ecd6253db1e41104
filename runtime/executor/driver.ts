// The executor side of the v1 Executor API, over its executor host's connection to the agent: subscribe
// (and re-subscribe with what is still unacknowledged after the agent restarts), send updates and
// messages, receive events.
import { HttpError } from '../common/http';
import { newStatusUUID } from '../common/ids';
import type { ExecutorCall, ExecutorEvent, TaskInfo, TaskStatus } from '../common/protocol/v1';
import type { HostConnection, HostedStream } from './host-connection';

export interface ExecutorDriverOptions {
  connection: HostConnection;
  frameworkId: string;
  executorId: string;
  /** How long to keep trying to reach a restarting agent (MESOS_RECOVERY_TIMEOUT). */
  recoveryTimeoutMs: number;
  onEvent(event: ExecutorEvent): void;
  /** Called when the agent stayed unreachable past the recovery timeout. */
  onAgentLost(): void;
  log(message: string): void;
}

const RETRY_MS = 500;

export class ExecutorDriver {
  private readonly unacknowledgedUpdates = new Map<string, TaskStatus>();
  private readonly unacknowledgedTasks = new Map<string, TaskInfo>();
  private stream?: HostedStream;
  private connected = false;
  private stopped = false;
  private disconnectedSince?: number;
  /** The last call sent, answered once everything sent so far is. */
  private lastSent: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ExecutorDriverOptions) {}

  start(): void {
    this.subscribe();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.close();
  }

  private ids() {
    return { framework_id: { value: this.options.frameworkId }, executor_id: { value: this.options.executorId } };
  }

  private subscribe(): void {
    if (this.stopped) return;
    const call: ExecutorCall = {
      ...this.ids(), type: 'SUBSCRIBE',
      subscribe: { unacknowledged_tasks: [...this.unacknowledgedTasks.values()], unacknowledged_updates: [...this.unacknowledgedUpdates.values()].map((status) => ({ status })) },
    };
    this.options.connection.subscribe(call, (event) => this.handle(event), () => { this.connected = true; })
      .then((stream) => {
        this.stream = stream;
        this.disconnectedSince = undefined;
        return stream.ended;
      })
      .catch((e: Error) => {
        if (e instanceof HttpError && e.status === 400) {
          // The agent does not know this executor (any more): nothing to recover.
          this.options.log(`Agent refused subscription: ${e.message}`);
          this.stopped = true;
          this.options.onAgentLost();
        }
        // Anything else (the agent restarting, its host's stream gone) is retried below until the recovery timeout.
      })
      .finally(() => {
        this.stream = undefined;
        this.connected = false;
        if (this.stopped) return;
        this.disconnectedSince ??= Date.now();
        if (Date.now() - this.disconnectedSince > this.options.recoveryTimeoutMs) {
          this.options.log('Agent did not come back within the recovery timeout');
          this.stopped = true;
          this.options.onAgentLost();
          return;
        }
        setTimeout(() => this.subscribe(), RETRY_MS);
      });
  }

  private handle(event: ExecutorEvent): void {
    if (event.type === 'LAUNCH') this.unacknowledgedTasks.set(event.launch.task.task_id.value, event.launch.task);
    if (event.type === 'LAUNCH_GROUP') for (const t of event.launch_group.task_group.tasks) this.unacknowledgedTasks.set(t.task_id.value, t);
    if (event.type === 'ACKNOWLEDGED') {
      this.unacknowledgedUpdates.delete(event.acknowledged.uuid);
      this.unacknowledgedTasks.delete(event.acknowledged.task_id.value);
    }
    this.options.onEvent(event);
  }

  /** Sends a status update; it is kept (and re-sent on re-subscription) until ACKNOWLEDGED. */
  update(status: Omit<TaskStatus, 'uuid' | 'source' | 'timestamp'>): void {
    const full: TaskStatus = { ...status, source: 'SOURCE_EXECUTOR', timestamp: Date.now() / 1000, uuid: newStatusUUID() };
    this.unacknowledgedUpdates.set(full.uuid!, full);
    this.send({ ...this.ids(), type: 'UPDATE', update: { status: full } });
  }

  message(data: string): void {
    this.send({ ...this.ids(), type: 'MESSAGE', message: { data } });
  }

  /** Resolves once every update sent so far has been answered by the agent. */
  delivered(): Promise<void> {
    return this.lastSent.then(() => undefined);
  }

  get pendingUpdates(): number {
    return this.unacknowledgedUpdates.size;
  }

  private send(call: ExecutorCall): void {
    if (!this.connected) return; // re-sent with the next SUBSCRIBE
    this.lastSent = this.options.connection.send(call).then((r) => {
      if (r.status !== 202) this.options.log(`Agent refused ${call.type}: ${r.status} ${r.message ?? ''}`);
    });
  }
}
