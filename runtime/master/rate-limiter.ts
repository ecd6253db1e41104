// Mesos' RateLimiter for agent removals (--agent_removal_rate_limit): actions run in order, at most
// `count` per `perMs` (one every perMs/count), the rest wait their turn.
import { parseDuration } from '../common/duration';

export interface Rate { count: number; perMs: number }

/** Mesos' rate syntax: "(number of agents)/(duration)", e.g. 1/10mins. */
export function parseRate(text: string): Rate {
  const [count, duration] = text.split('/');
  const n = Number(count);
  if (!Number.isInteger(n) || n <= 0 || duration === undefined) throw new Error(`Invalid rate '${text}' (expected e.g. 1/10mins)`);
  return { count: n, perMs: parseDuration(duration) };
}

export class RateLimiter {
  private readonly queue: Array<() => void> = [];
  private nextPermit = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly rate: Rate) {}

  acquire(action: () => void): void {
    this.queue.push(action);
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.nextPermit = Date.now() + this.rate.perMs / this.rate.count;
      this.queue.shift()!();
      this.schedule();
    }, Math.max(0, this.nextPermit - Date.now()));
    this.timer.unref();
  }
}
