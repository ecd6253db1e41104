// What the debugger saw, in the order the operator stream told it: cycles (with their full traces),
// offers answered, tasks launched and their status updates. Call stacks, stepping and Step Back read it.
import type { CycleTrace } from '../../../runtime/client/allocation';

interface Base { seq: number; at: number; /** The last cycle run when this happened. */ cycle: number }

/** How an offer went, as MESOLITE_OFFER_REMOVED says: removed is with its framework (no RESCIND sent). */
export type Answer = 'accepted' | 'declined' | 'rescinded' | 'removed';

export type StoryEvent = Base & (
  | { kind: 'cycle'; trigger: string; offered: string[]; /** The master holds it until this debugger releases it. */ held?: boolean }
  | { kind: 'answered'; answer: Answer; offer_id: string; framework_id: string; agent_id: string; tasks: string[]; cause?: string; refuse_seconds?: number }
  | { kind: 'launched'; task_id: string; name: string; framework_id: string; agent_id: string }
  | { kind: 'status'; task_id: string; framework_id: string; agent_id: string; state: string; message?: string }
  | { kind: 'framework'; framework_id: string; change: 'added' | 'updated' | 'removed'; active: boolean }
  | { kind: 'agent'; agent_id: string; change: 'added' | 'removed' }
);

type WithoutPlace<T> = T extends unknown ? Omit<T, 'seq' | 'cycle'> : never;
/** An event as the stream reader hands it over; the story numbers it and files it under the last cycle. */
export type NewStoryEvent = WithoutPlace<Exclude<StoryEvent, { kind: 'cycle' }>>;

/** The frameworks a cycle offered something to. */
export function offeredTo(trace: CycleTrace): string[] {
  return [...new Set(trace.decisions.flatMap((d) => (d.decision === 'offered' ? [d.framework_id] : [])))];
}

/** True for the events that concern a framework (its offers, answers, tasks and updates). */
export function concerns(e: StoryEvent, frameworkId: string): boolean {
  if (e.kind === 'cycle') return e.offered.includes(frameworkId);
  return e.kind !== 'agent' && e.framework_id === frameworkId;
}

export class Story {
  private readonly events: StoryEvent[] = [];
  private readonly traces = new Map<number, CycleTrace>();
  private traceEntries = 0;
  private nextSeq = 1;
  lastCycle = 0;

  // The master's own history bounds (1,000 cycles, 300,000 entries) so Step Back reaches as far as it.
  constructor(private readonly maxEvents = 100_000, private readonly maxCycles = 1000, private readonly maxEntries = 300_000) {}

  append(event: NewStoryEvent): StoryEvent {
    return this.push({ ...event, seq: this.nextSeq++, cycle: this.lastCycle } as StoryEvent);
  }

  /** Appends the marker of cycle `number` (the stream's MESOLITE_ALLOCATION_CYCLE). */
  appendCycle(number: number, at: number, trigger: string, offered: string[], held?: boolean): StoryEvent {
    this.lastCycle = Math.max(this.lastCycle, number);
    return this.push({ kind: 'cycle', trigger, offered, at, seq: this.nextSeq++, cycle: number, ...(held ? { held } : {}) });
  }

  private push(e: StoryEvent): StoryEvent {
    this.events.push(e);
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
    return e;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get(seq: number): StoryEvent | undefined {
    const first = this.events[0]?.seq ?? 1;
    return this.events[seq - first];
  }

  /** Events after `seq`, oldest first. */
  after(seq: number): StoryEvent[] {
    const first = this.events[0]?.seq ?? 1;
    return this.events.slice(Math.max(0, seq - first + 1));
  }

  /** The cycle's marker and what followed it up to the next cycle (or `upTo`), oldest first. */
  ofCycle(cycle: number, upTo = Infinity): StoryEvent[] {
    return this.events.filter((e) => e.cycle === cycle && e.seq <= upTo);
  }

  markerOf(cycle: number): StoryEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (e.kind === 'cycle' && e.cycle === cycle) return e;
      if (e.cycle < cycle) return undefined;
    }
    return undefined;
  }

  addTrace(trace: CycleTrace): void {
    if (this.traces.has(trace.cycle)) return;
    this.traces.set(trace.cycle, trace);
    this.traceEntries += trace.decisions.length + trace.agents.length;
    // The oldest cycles go first (pages of older history arrive after newer cycles).
    while (this.traces.size > 1 && (this.traces.size > this.maxCycles || this.traceEntries > this.maxEntries)) {
      const n = Math.min(...this.traces.keys());
      const t = this.traces.get(n)!;
      this.traces.delete(n);
      this.traceEntries -= t.decisions.length + t.agents.length;
    }
  }

  trace(cycle: number): CycleTrace | undefined {
    return this.traces.get(cycle);
  }

  /** Numbers of the cycles whose traces are kept, oldest first. */
  cycles(): number[] {
    return [...this.traces.keys()].sort((a, b) => a - b);
  }

  /** The traces of the last `count` cycles up to `cycle`, oldest first. */
  recent(cycle: number, count: number): CycleTrace[] {
    return this.cycles().filter((n) => n <= cycle).slice(-count).map((n) => this.traces.get(n)!);
  }
}
