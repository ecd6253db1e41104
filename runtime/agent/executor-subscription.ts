// Where the agent sends a subscribed executor's events: its own RecordIO stream (a framework's executor
// on /api/v1/executor), or, for an executor run by its framework's executor host, the host's stream.
import type { EventStream } from '../common/http';
import type { ExecutorHostEvent } from '../common/protocol/internal';
import type { ExecutorEvent } from '../common/protocol/v1';

export interface ExecutorSubscription {
  send(event: ExecutorEvent): void;
  close(): void;
  onClose(handler: () => void): void;
}

/** An executor's events, tagged with its id, on its host's stream; it ends when that stream does. */
export class HostedSubscription implements ExecutorSubscription {
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(private readonly hostStream: EventStream, private readonly executorId: string) {}

  send(event: ExecutorEvent): void {
    if (!this.closed) this.hostStream.send({ type: 'EXECUTOR_EVENT', executor_event: { executor_id: { value: this.executorId }, event } } satisfies ExecutorHostEvent);
  }

  /** The executor is not told: the agent closes a subscription only once the executor is gone or replaced it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.closeHandlers.splice(0)) h();
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }
}
