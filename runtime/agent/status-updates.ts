// Reliable status updates, as Mesos' StatusUpdateManager: one stream per task; updates are checkpointed,
// forwarded one at a time in order and retried with backoff until the framework acknowledges the head.
import type { StatusUpdate } from '../common/protocol/internal';
import type { TaskState } from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { UpdateRecord } from './checkpoint';

const RETRY_MIN_MS = 10_000;
const RETRY_MAX_MS = 10 * 60_000;

interface UpdateStream {
  pending: StatusUpdate[];
  acknowledged: Set<string>;
  checkpoint?: (record: UpdateRecord) => void;
  timer?: NodeJS.Timeout;
  backoffMs: number;
}

export class StatusUpdateManager {
  private readonly streams = new Map<string, UpdateStream>();
  private paused = true;

  /**
   * `forward` sends an update to the master; `latestState` tells the task's newest known state,
   * so the master learns a terminal state while older updates still wait for acknowledgement.
   */
  constructor(
    private readonly forward: (update: StatusUpdate) => void,
    private readonly latestState: (frameworkId: string, taskId: string) => TaskState | undefined,
    private readonly retryMinMs = RETRY_MIN_MS,
  ) {}

  private key(frameworkId: string, taskId: string): string {
    return `${frameworkId}\u0000${taskId}`;
  }

  /** Adds an update; duplicates (same uuid) are ignored. Returns false for a duplicate. */
  update(update: StatusUpdate, checkpoint?: (record: UpdateRecord) => void): boolean {
    const key = this.key(update.framework_id.value, update.status.task_id.value);
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { pending: [], acknowledged: new Set(), checkpoint, backoffMs: this.retryMinMs };
      this.streams.set(key, stream);
    }
    if (stream.acknowledged.has(update.uuid) || stream.pending.some((u) => u.uuid === update.uuid)) return false;
    stream.checkpoint?.({ type: 'UPDATE', update });
    stream.pending.push(update);
    if (stream.pending.length === 1) this.send(stream);
    return true;
  }

  /** Rebuilds a stream from its checkpointed log after an agent restart. */
  recover(frameworkId: string, taskId: string, records: UpdateRecord[], checkpoint: (record: UpdateRecord) => void): void {
    const stream: UpdateStream = { pending: [], acknowledged: new Set(), checkpoint, backoffMs: this.retryMinMs };
    for (const record of records) {
      if (record.type === 'UPDATE') stream.pending.push(record.update);
      else if (stream.pending[0]?.uuid === record.uuid) stream.acknowledged.add(stream.pending.shift()!.uuid);
    }
    if (stream.pending.length) this.streams.set(this.key(frameworkId, taskId), stream);
  }

  /** Returns true when the uuid matched the stream's head (the update is done). */
  acknowledge(frameworkId: string, taskId: string, uuid: string): boolean {
    const key = this.key(frameworkId, taskId);
    const stream = this.streams.get(key);
    if (!stream || stream.pending[0]?.uuid !== uuid) return false;
    clearTimeout(stream.timer);
    const head = stream.pending.shift()!;
    stream.acknowledged.add(uuid);
    stream.checkpoint?.({ type: 'ACK', uuid });
    stream.backoffMs = this.retryMinMs;
    if (stream.pending.length) this.send(stream);
    else if (isTerminalState(head.status.state)) this.streams.delete(key);
    return true;
  }

  /** Updates still waiting for acknowledgement, in order (for re-registration and executors). */
  unacknowledged(frameworkId: string, taskId: string): StatusUpdate[] {
    return this.streams.get(this.key(frameworkId, taskId))?.pending ?? [];
  }

  hasPending(frameworkId: string): boolean {
    for (const [, stream] of this.streamsOf(frameworkId)) if (stream.pending.length) return true;
    return false;
  }

  /** Resends a framework's unacknowledged heads now, with the backoff reset. */
  retry(frameworkId: string): void {
    for (const [, stream] of this.streamsOf(frameworkId)) {
      if (!stream.pending.length) continue;
      stream.backoffMs = this.retryMinMs;
      this.send(stream);
    }
  }

  private *streamsOf(frameworkId: string): Generator<[string, UpdateStream]> {
    for (const entry of this.streams) if (entry[0].startsWith(`${frameworkId}\u0000`)) yield entry;
  }

  /** While disconnected from the master nothing is sent; resume() resends every stream's head. */
  pause(): void {
    this.paused = true;
    for (const s of this.streams.values()) clearTimeout(s.timer);
  }

  resume(): void {
    this.paused = false;
    for (const s of this.streams.values()) if (s.pending.length) this.send(s);
  }

  cleanup(frameworkId: string): void {
    for (const [key, stream] of [...this.streamsOf(frameworkId)]) { clearTimeout(stream.timer); this.streams.delete(key); }
  }

  private send(stream: UpdateStream): void {
    if (this.paused) return;
    clearTimeout(stream.timer);
    const head = stream.pending[0];
    const latest = this.latestState(head.framework_id.value, head.status.task_id.value);
    this.forward(latest && latest !== head.status.state ? { ...head, latest_state: latest } : head);
    stream.timer = setTimeout(() => {
      stream.backoffMs = Math.min(stream.backoffMs * 2, RETRY_MAX_MS);
      this.send(stream);
    }, stream.backoffMs);
    stream.timer.unref();
  }
}
