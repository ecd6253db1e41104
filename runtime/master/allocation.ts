// Drives the allocator: periodic cycles every --allocation_interval, event-triggered cycles batched
// into one per tick, step mode (pause / step / resume), holding each cycle for a controller (the
// offer-cycle debugger) until it is released, the cycle history and the timing figures.
//
// The driver is the allocation's runtime object (as vscode-mock-debug's runtime is the debugger's): it
// emits typed events, and whoever watches allocation subscribes to them: the master turns decisions into
// offers (offers.ts, which also reports the offers made and each offer's answer here), the operator
// stream reports cycles and offers as MESOLITE_* events, and the debugger follows the same events.
// Listeners run synchronously, inside the cycle.
import { EventEmitter } from 'node:events';
import { guarded, type Logger } from '../common/log';
import type { Offer } from '../common/protocol/v1';
import { Refusal } from '../common/refusal';
import type { Allocation, AllocationCycle, AllocationTrigger, Allocator } from './allocator/allocator';
import { CycleHistory } from './allocator/trace';

/** Why the master took an offer back. */
export type OfferRemovalCause =
  | 'OFFER_TIMEOUT' | 'FRAMEWORK_DISCONNECTED' | 'FRAMEWORK_FAILED_OVER' | 'FRAMEWORK_ROLE_REMOVED' | 'FRAMEWORK_REMOVED'
  | 'AGENT_DISCONNECTED' | 'AGENT_REREGISTERED' | 'AGENT_REMOVED' | 'AGENT_DEACTIVATED' | 'AGENT_DRAINING'
  | 'AGENT_RESERVATIONS_CHANGED' | 'MAINTENANCE_SCHEDULE_CHANGED';

/** How an outstanding offer ended. */
export interface OfferAnswer {
  offer: Offer;
  /** Accepted or declined by its framework; rescinded (RESCIND sent) or removed (its framework was removed) by the master. */
  answer: 'accepted' | 'declined' | 'rescinded' | 'removed';
  /** Why the master took it back (rescinded, removed). */
  cause?: OfferRemovalCause;
  /** The refuse_seconds a decline filters the agent's resources for (as applied: unset or negative is 5). */
  refuseSeconds?: number;
  /** The tasks the accepting ACCEPT launches. */
  taskIds?: string[];
}

export interface AllocationEvents {
  /** A cycle is about to run. `dueAt`: when it became due (trigger or interval tick), performance.now() ms. */
  cycleStarted: [{ trigger: AllocationTrigger; dueAt: number }];
  /** The allocator decided: the cycle's trace and its allocations, not yet offers. */
  decided: [{ cycle: AllocationCycle; allocations: Allocation[] }];
  /** The cycle's allocations became offers; the trace's 'offered' decisions now carry their offer ids. */
  offersMade: [{ cycle: AllocationCycle; offers: Offer[] }];
  /** An outstanding offer went (at any time, not only during a cycle). */
  offerAnswered: [OfferAnswer];
}

const KEEP_TIMINGS = 1000;

export class AllocationDriver extends EventEmitter<AllocationEvents> {
  readonly history = new CycleHistory();
  paused = false;
  /** The cycle a controller has not released yet: none runs by itself until it does. */
  held?: number;
  /** While a controller holds allocation, each cycle the master runs by itself is held (steps are not). */
  private holding = false;
  /** What became due while paused or held (the first trigger, or an interval tick); it runs on resume or release. */
  private due?: AllocationTrigger;
  runs = 0;
  readonly runMs: number[] = [];
  /** Time from a cycle being due (trigger or interval tick) to it running. */
  readonly latencyMs: number[] = [];
  private pending?: { trigger: AllocationTrigger; at: number };
  private timer?: NodeJS.Timeout;
  private nextTick = 0;
  private stopped = false;

  constructor(private readonly allocator: Allocator, private readonly intervalMs: number, private readonly log: Logger) {
    super();
  }

  start(): void {
    this.nextTick = performance.now() + this.intervalMs;
    this.timer = setInterval(guarded(this.log, 'An allocation cycle', () => {
      const due = this.nextTick;
      this.nextTick += this.intervalMs;
      if (this.halted) this.due ??= 'interval';
      else this.run('interval', due);
    }), this.intervalMs);
    this.timer.unref();
  }

  /** No cycle runs after this (a master that stopped may still be asked for one while it winds down). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** No cycle runs by itself: paused, or a cycle is held. */
  get halted(): boolean {
    return this.paused || this.held !== undefined;
  }

  /** Event-triggered allocation: many triggers in one tick produce one cycle; while halted, one later. */
  request(trigger: AllocationTrigger): void {
    if (this.stopped) return;
    if (this.halted) { this.due ??= trigger; return; }
    if (this.pending) return;
    this.pending = { trigger, at: performance.now() };
    setImmediate(guarded(this.log, 'An allocation cycle', () => {
      const p = this.pending!;
      this.pending = undefined;
      if (this.halted) this.due ??= p.trigger;
      else if (!this.stopped) this.run(p.trigger, p.at);
    }));
  }

  pause(): void {
    this.paused = true;
  }

  /** Cycles run by themselves again (a held cycle is released); what became due meanwhile runs now. */
  resume(): void {
    this.paused = false;
    this.held = undefined;
    this.runDue();
  }

  /** A controller took (true) or gave up (false) allocation: from now on each cycle is held, or none. */
  hold(on: boolean): void {
    this.holding = on;
    this.held = undefined;
    this.runDue();
  }

  /** The controller is done with cycle `cycle`; one no longer held (released, or resumed since) is a no-op. */
  release(cycle: number): void {
    if (cycle > (this.history.latest?.cycle ?? 0)) throw new Refusal('invalid', `Cycle ${cycle} has not run yet`);
    if (cycle !== this.held) return;
    this.held = undefined;
    this.runDue();
  }

  private runDue(): void {
    const trigger = this.due;
    if (trigger === undefined || this.halted) return;
    this.due = undefined;
    this.request(trigger);
  }

  /** Runs exactly one cycle now, paused or not, and returns its trace (with the offers made). */
  step(): AllocationCycle {
    return this.run('step', performance.now());
  }

  get pendingEvents(): number {
    return this.pending ? 1 : 0;
  }

  private run(trigger: AllocationTrigger, dueAt: number): AllocationCycle {
    this.emit('cycleStarted', { trigger, dueAt });
    // This cycle serves whatever was due (triggers in one tick make one cycle).
    this.due = undefined;
    const started = performance.now();
    const { allocations, cycle } = this.allocator.allocate(trigger);
    // Held before its listeners run, so that what they trigger waits for the release.
    if (this.holding && trigger !== 'step') this.held = cycle.cycle;
    this.emit('decided', { cycle, allocations });
    this.runs++;
    record(this.runMs, performance.now() - started);
    record(this.latencyMs, Math.max(0, started - dueAt));
    this.history.add(cycle);
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
