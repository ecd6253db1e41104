// Drives the allocator: periodic cycles every --allocation_interval, event-triggered cycles batched
// into one per tick, step mode (pause / step / resume), the cycle history and the timing figures.
import type { Allocation, AllocationCycle, AllocationTrigger, Allocator } from './allocator/allocator';
import { CycleHistory } from './allocator/trace';

export interface AllocationStats {
  runs: number;
  runMs: number[];
  latencyMs: number[];
  pending: number;
}

const KEEP_TIMINGS = 1000;

export class AllocationDriver {
  readonly history = new CycleHistory();
  paused = false;
  runs = 0;
  readonly runMs: number[] = [];
  /** Time from a cycle being due (trigger or interval tick) to it running. */
  readonly latencyMs: number[] = [];
  private pending?: { trigger: AllocationTrigger; at: number };
  private timer?: NodeJS.Timeout;
  private nextTick = 0;

  constructor(
    private readonly allocator: Allocator,
    private readonly intervalMs: number,
    /** Turns a cycle's allocations into offers (the master's part). */
    private readonly makeOffers: (allocations: Allocation[]) => void,
    private readonly onCycle: (cycle: AllocationCycle) => void = () => undefined,
  ) {}

  start(): void {
    this.nextTick = performance.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const due = this.nextTick;
      this.nextTick += this.intervalMs;
      if (!this.paused) this.run('interval', due);
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Event-triggered allocation: many triggers in one tick produce one cycle; none while paused. */
  request(trigger: AllocationTrigger): void {
    if (this.paused || this.pending) return;
    this.pending = { trigger, at: performance.now() };
    setImmediate(() => {
      const p = this.pending!;
      this.pending = undefined;
      if (!this.paused) this.run(p.trigger, p.at);
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.request('interval');
  }

  /** Runs exactly one cycle now, paused or not, and returns its trace. */
  step(): AllocationCycle {
    return this.run('step', performance.now());
  }

  get pendingEvents(): number {
    return this.pending ? 1 : 0;
  }

  private run(trigger: AllocationTrigger, dueAt: number): AllocationCycle {
    const started = performance.now();
    const { allocations, cycle } = this.allocator.allocate(trigger);
    this.makeOffers(allocations);
    this.runs++;
    record(this.runMs, performance.now() - started);
    record(this.latencyMs, Math.max(0, started - dueAt));
    this.history.add(cycle);
    this.onCycle(cycle);
    return cycle;
  }
}

function record(series: number[], value: number): void {
  series.push(value);
  if (series.length > KEEP_TIMINGS) series.shift();
}

/** Mesos timer statistics: name, name/count, /min, /max, /p50, /p90, /p95, /p99, /p999, /p9999. */
export function timerMetrics(name: string, series: number[]): Record<string, number> {
  const sorted = [...series].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
  return {
    [name]: series[series.length - 1] ?? 0,
    [`${name}/count`]: sorted.length,
    [`${name}/min`]: sorted[0] ?? 0,
    [`${name}/max`]: sorted[sorted.length - 1] ?? 0,
    [`${name}/p50`]: at(0.5),
    [`${name}/p90`]: at(0.9),
    [`${name}/p95`]: at(0.95),
    [`${name}/p99`]: at(0.99),
    [`${name}/p999`]: at(0.999),
    [`${name}/p9999`]: at(0.9999),
  };
}
