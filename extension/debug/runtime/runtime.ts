// The offer-cycle debugger without any UI: attaches to a master through its operator API, keeps
// allocation paused and runs cycles itself (MESOLITE_STEP_ALLOCATION) so that it sees every cycle
// before the next, follows the operator stream into the Story, stops on steps, breakpoints and
// exceptions, and walks back through the recorded history. The DAP session translates its events.
import { EventEmitter } from 'node:events';
import { AllocationClient } from '../../../runtime/client/allocation';
import { OperatorClient, type OperatorSubscription } from '../../../runtime/client/operator';
import { parseDuration } from '../../../runtime/common/duration';
import { exceptionHit, shouldStop, type FunctionBreakpoint } from './breakpoints';
import { momentScope, type Moment, type Snapshot } from './scope';
import { StreamMirror } from './mirror';
import { Names } from './names';
import { SnapshotReader } from './snapshot';
import { concerns, offeredTo, Story, type StoryEvent } from './story';

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'exception' | 'pause';
export interface Stop { reason: StopReason; description?: string; text?: string; breakpoints?: number[]; frameworkId?: string }

type Goal =
  | { kind: 'over'; cycle?: number }
  | { kind: 'in'; frameworkId?: string }
  | { kind: 'out'; offers: Set<string> }
  | { kind: 'continue' };

export interface AttachOptions { master: string; stopOnEntry?: boolean }

// Stream events after which the master would run a cycle of its own (resources came back, a
// framework or agent came or changed); the debugger runs one for it while it drives allocation.
const TRIGGERS = new Set(['answered', 'framework', 'agent', 'status']);

export class OfferDebugger extends EventEmitter<{ stopped: [Stop]; continued: []; output: [string, 'console' | 'important']; threads: []; ended: [string] }> {
  readonly story = new Story();
  readonly mirror = new StreamMirror(this.story, (e) => this.appended(e));
  readonly names = new Names(this.mirror);
  breakpoints: FunctionBreakpoint[] = [];
  exceptionFilters = new Set<string>();
  operator?: OperatorClient;
  allocation?: AllocationClient;
  private subscription?: OperatorSubscription;
  private reader?: SnapshotReader;
  /** The last event shown (live): stepping consumes the story after it, in order. */
  private cursor = 0;
  /** The cycle shown while walking the history; undefined when live. */
  private view?: number;
  private goal?: Goal;
  private intervalMs = 1000;
  private driver?: NodeJS.Timeout;
  private stepInFlight?: Promise<void>;
  /** The cycle last stepped while driving, until the run loop has looked at it. */
  private unseen?: number;
  private stepAgain = false;
  private pumping = false;
  private readonly snapshots = new Map<number, Promise<Snapshot>>();
  /** Cycles up to this one ran before the debugger paused allocation. */
  private pausedAfter = Infinity;

  get live(): boolean {
    return this.view === undefined;
  }

  get running(): boolean {
    return this.goal !== undefined;
  }

  /** The cycle the Variables and Call Stack show. */
  get currentCycle(): number {
    return this.view ?? (this.story.get(this.cursor)?.cycle ?? this.story.lastCycle);
  }

  async attach(options: AttachOptions): Promise<void> {
    this.operator = new OperatorClient(options.master);
    this.allocation = new AllocationClient(this.operator);
    this.reader = new SnapshotReader(this.operator, this.allocation);
    const flags = await this.allocation.flags();
    this.intervalMs = flags.allocation_interval ? parseDuration(flags.allocation_interval) : 1000;
    const subscribed = new Promise<void>((resolve) => {
      this.subscription = this.operator!.subscribe({ allocationCycles: true });
      this.subscription.on('event', (e) => { this.mirror.handle(e); if (e.type === 'SUBSCRIBED') { resolve(); this.emit('threads'); } });
      this.subscription.on('disconnected', (why) => this.emit('output', `Operator stream lost (${why}); following the leader`, 'important'));
      // A new leader allocates on its own clock: the debugger pauses it too once it follows it.
      this.subscription.on('connected', (url) => {
        if (this.pausedAfter === Infinity) return;
        this.emit('output', `Following the leading master at ${url}; pausing its allocation`, 'important');
        void this.allocation?.pause().catch((e) => this.emit('output', `Could not pause ${url}: ${(e as Error).message}`, 'important'));
      });
    });
    await subscribed;
    const before = await this.allocation.cycles(0, 1000);
    // MARK(master-side): MESOLITE_PAUSE_ALLOCATION with a controller (name, take_over) held by this
    // connection will say who else controls allocation and resume it if this adapter dies.
    if (before.paused) this.emit('output', 'Allocation was already paused on this master (another debugger or an operator); this session now steps it.', 'important');
    await this.allocation.pause();
    const last = before.cycles.at(-1)?.cycle ?? 0;
    for (const t of [...before.cycles, ...(await this.allocation.cycles(last, 1000)).cycles]) this.story.addTrace(t);
    this.story.lastCycle = Math.max(this.story.lastCycle, ...this.story.cycles());
    this.pausedAfter = this.story.lastCycle;
    this.cursor = this.story.lastSeq;
    if (options.stopOnEntry ?? true) this.stopAt({ reason: 'entry', description: this.story.lastCycle ? `Paused at cycle ${this.story.lastCycle}` : 'Paused; no allocation cycle yet' });
    else this.run({ kind: 'continue' });
  }

  /** Ends the session: allocation resumes (the master keeps running as if never debugged). */
  async detach(): Promise<void> {
    this.halt();
    this.subscription?.close();
    try {
      await this.allocation?.resume();
    } finally {
      this.operator?.close();
    }
  }

  // ------------------------------------------------------------------ stepping

  /** Exactly one allocation cycle, then stop. */
  stepOver(): void {
    if (!this.live) return this.backToLive();
    this.run({ kind: 'over' });
    // A step a Continue left in flight goes first, so this one is the newest.
    void (this.stepInFlight ?? Promise.resolve()).then(() => this.step()).then((n) => {
      if (this.goal?.kind === 'over') this.goal.cycle = n;
      this.pump();
    }, (e) => this.failed(e));
  }

  /** Until the next event concerning the framework (any event for the Allocator thread). */
  stepIn(frameworkId?: string): void {
    if (!this.live) return this.backToLive();
    this.run({ kind: 'in', frameworkId });
  }

  /** Until every offer of the current cycle is answered; allocation stays paused meanwhile. */
  stepOut(): void {
    if (!this.live) return this.backToLive();
    const offers = new Set((this.story.trace(this.currentCycle)?.decisions ?? []).flatMap((d) => (d.decision === 'offered' && d.offer_id && this.mirror.offers.has(d.offer_id) ? [d.offer_id] : [])));
    if (offers.size === 0) return this.stopAt({ reason: 'step', description: `Every offer of cycle ${this.currentCycle} is answered` });
    this.run({ kind: 'out', offers });
  }

  continue(): void {
    if (!this.live) {
      const hit = this.walk(this.story.cycles().filter((n) => n > this.view! && n <= this.liveCycle()));
      if (hit) return this.show(hit.cycle, hit.stop);
      this.view = undefined;
    }
    this.run({ kind: 'continue' });
  }

  pause(): void {
    this.cursor = this.story.lastSeq;
    this.stopAt({ reason: 'pause' });
  }

  /** The previous recorded cycle, read-only. */
  stepBack(): void {
    const earlier = this.story.cycles().filter((n) => n < this.currentCycle);
    if (earlier.length === 0) return this.show(this.currentCycle, { reason: 'step', description: 'This is the oldest recorded cycle' });
    this.show(earlier[earlier.length - 1], { reason: 'step' });
  }

  /** Back through the history until a breakpoint's cycle, or the oldest recorded one. */
  reverseContinue(): void {
    const earlier = this.story.cycles().filter((n) => n < this.currentCycle).reverse();
    const hit = this.walk(earlier);
    if (hit) return this.show(hit.cycle, hit.stop);
    this.show(earlier.at(-1) ?? this.currentCycle, { reason: 'step', description: 'Reached the oldest recorded cycle' });
  }

  private liveCycle(): number {
    return this.story.get(this.cursor)?.cycle ?? this.story.lastCycle;
  }

  private backToLive(): void {
    this.view = undefined;
    this.stopAt({ reason: 'step', description: `Back to the live cluster (cycle ${this.currentCycle})` });
  }

  private show(cycle: number, stop: Stop): void {
    this.view = cycle === this.liveCycle() && this.view === undefined ? undefined : cycle;
    this.emit('stopped', stop);
  }

  /** The first of the given recorded cycles where a breakpoint hits, in the order given. */
  private walk(cycles: number[]): { cycle: number; stop: Stop } | undefined {
    for (const n of cycles) {
      const trace = this.story.trace(n)!;
      const marker: StoryEvent = this.story.markerOf(n) ?? { kind: 'cycle', cycle: n, seq: 0, at: trace.started_at, trigger: trace.trigger, offered: offeredTo(trace) };
      for (const e of [marker, ...this.story.ofCycle(n).filter((x) => x.kind !== 'cycle')]) {
        const stop = this.breakpointStop(e, { cycle: trace, outstanding: [], names: this.names, mirror: this.mirror });
        if (stop) return { cycle: n, stop };
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------------ the run loop

  private run(goal: Goal): void {
    this.view = undefined;
    this.goal = goal;
    this.emit('continued');
    if (goal.kind === 'in' || goal.kind === 'continue') {
      this.driver = setInterval(() => this.driveStep(), this.intervalMs);
      // Something the master would have answered with a cycle happened since the last one.
      if (this.story.after(this.story.markerOf(this.story.lastCycle)?.seq ?? 0).some((e) => TRIGGERS.has(e.kind))) this.driveStep();
    }
    this.pump();
  }

  private halt(): void {
    this.goal = undefined;
    clearInterval(this.driver);
    this.driver = undefined;
    this.unseen = undefined;
    this.stepAgain = false;
  }

  private stopAt(stop: Stop): void {
    this.halt();
    this.view = undefined;
    const cycle = this.currentCycle;
    const snapshot = this.reader?.read();
    if (snapshot) {
      snapshot.catch(() => undefined); // a failed read shows as "not recorded" in Variables
      this.snapshots.set(cycle, snapshot);
      for (const n of [...this.snapshots.keys()].slice(0, -50)) this.snapshots.delete(n);
    }
    this.emit('stopped', stop);
  }

  private failed(e: unknown): void {
    this.emit('output', `${(e as Error).message}`, 'important');
    this.cursor = this.story.lastSeq;
    this.stopAt({ reason: 'pause', description: (e as Error).message });
  }

  /** One cycle on the master; its trace is kept before the stream's marker is processed. */
  private async step(): Promise<number> {
    const trace = await this.allocation!.step();
    this.story.addTrace(trace);
    // The stream names the cycle too; should it lag, the marker is added from the answer.
    setTimeout(() => {
      if (!this.story.markerOf(trace.cycle) && this.story.lastCycle < trace.cycle) {
        this.appended(this.story.appendCycle(trace.cycle, trace.started_at, trace.trigger, offeredTo(trace)));
      }
    }, 2000).unref();
    return trace.cycle;
  }

  /**
   * A cycle while driving (Continue, Step Into). The next one waits until the run loop has looked at
   * this one, so that a stop lands right after the cycle that caused it; requests meanwhile make one.
   */
  private driveStep(): void {
    if (!this.driver) return;
    if (this.stepInFlight || this.unseen !== undefined) { this.stepAgain = true; return; }
    this.unseen = Infinity;
    this.stepInFlight = this.step().then((n) => { if (this.unseen === Infinity) this.unseen = n; }, (e) => { this.unseen = undefined; this.failed(e); })
      .finally(() => {
        this.stepInFlight = undefined;
        if (this.unseen === undefined && this.stepAgain) { this.stepAgain = false; this.driveStep(); }
        this.pump();
      });
  }

  /** The run loop has looked at cycle `n`: a step asked for meanwhile may run now. */
  private seen(n: number): void {
    if (this.unseen === undefined || n < this.unseen) return;
    this.unseen = undefined;
    if (this.stepAgain) { this.stepAgain = false; this.driveStep(); }
  }

  private appended(e: StoryEvent): void {
    if (e.kind === 'framework' && e.change !== 'updated') this.emit('threads');
    if (e.kind === 'cycle' && e.trigger !== 'step' && e.cycle > this.pausedAfter) {
      // MARK(master-side): a controlling connection would refuse other clients' RESUME and STEP.
      this.emit('output', `Cycle ${e.cycle} ran by the master's own clock (trigger ${e.trigger}): someone resumed allocation; pausing it again.`, 'important');
      void this.allocation?.pause().catch(() => undefined);
    } else if (this.driver && TRIGGERS.has(e.kind)) {
      setImmediate(() => this.driveStep());
    }
    if (this.goal) this.pump();
  }

  /** The trace of a cycle the debugger did not step itself (another client's step, the master's clock). */
  private async traceOf(cycle: number): Promise<void> {
    if (this.story.trace(cycle)) return;
    await this.stepInFlight;
    if (this.story.trace(cycle)) return;
    try {
      for (const t of (await this.allocation!.cycles(cycle - 1, 1)).cycles) this.story.addTrace(t);
    } catch {
      // The frames of a cycle without its trace still show what the stream said about it.
    }
  }

  /** Consumes the story after the cursor, in order, until the goal or a breakpoint says stop. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      try {
        for (let e = this.story.after(this.cursor)[0]; this.goal && e; e = this.story.after(this.cursor)[0]) {
          // Markers of cycles run before the debugger paused allocation may arrive after it did.
          if (e.kind === 'cycle' && e.cycle <= this.pausedAfter) { this.cursor = e.seq; continue; }
          if (e.kind === 'cycle') await this.traceOf(e.cycle);
          if (!this.goal) break;
          this.cursor = e.seq;
          const stop = this.check(this.goal, e);
          if (stop) { this.stopAt(stop); break; }
          if (e.kind === 'cycle') this.seen(e.cycle);
        }
      } finally {
        this.pumping = false;
      }
      if (this.goal && this.story.lastSeq > this.cursor) this.pump();
    })();
  }

  private check(goal: Goal, e: StoryEvent): Stop | undefined {
    if (goal.kind === 'over') return e.kind === 'cycle' && e.cycle === goal.cycle ? { reason: 'step' } : undefined;
    const exception = exceptionHit(this.exceptionFilters, e);
    if (exception) return { reason: 'exception', description: exception, text: exception };
    if (goal.kind === 'out') {
      if (e.kind === 'answered' && goal.offers.delete(e.offer_id) && goal.offers.size === 0) return { reason: 'step', description: 'Every offer of the cycle is answered' };
      return undefined;
    }
    const hit = this.breakpointStop(e, this.momentAt(e.cycle));
    if (hit) return hit;
    if (goal.kind === 'in') {
      const mine = goal.frameworkId ? concerns(e, goal.frameworkId) : e.kind !== 'cycle' || e.offered.length > 0;
      if (mine) return { reason: 'step', frameworkId: goal.frameworkId };
    }
    return undefined;
  }

  private breakpointStop(e: StoryEvent, moment: Moment): Stop | undefined {
    const ids: number[] = [];
    for (const bp of this.breakpoints) {
      if (shouldStop(bp, e, this.story, this.names, () => momentScope(moment), (text) => this.emit('output', text, 'important'))) ids.push(bp.id);
    }
    return ids.length ? { reason: 'breakpoint', breakpoints: ids } : undefined;
  }

  // ------------------------------------------------------------------ what a stop shows

  private momentAt(cycle: number, snapshot?: Snapshot): Moment {
    return { cycle: this.story.trace(cycle), snapshot, outstanding: [...this.mirror.offers.values()], names: this.names, mirror: this.mirror };
  }

  /** The stop point shown: the live cycle with the state read at the stop, or a recorded one. */
  async moment(): Promise<Moment> {
    const cycle = this.currentCycle;
    const snapshot = await this.snapshots.get(cycle)?.catch(() => undefined);
    const m = this.momentAt(cycle, snapshot);
    if (!this.live) m.outstanding = this.outstandingAt(cycle);
    return m;
  }

  /** Offers of recent cycles up to `cycle` that were not answered by its end, as far as the story saw. */
  private outstandingAt(cycle: number): Moment['outstanding'] {
    const answeredBy = new Map(this.story.after(0).flatMap((e) => (e.kind === 'answered' ? [[e.offer_id, e.cycle] as const] : [])));
    return this.story.recent(cycle, 50).flatMap((t) => t.decisions.flatMap((d) => {
      if (d.decision !== 'offered' || !d.offer_id) return [];
      const answered = answeredBy.get(d.offer_id);
      const open = answered !== undefined ? answered > cycle : this.mirror.offers.has(d.offer_id);
      return open ? [{ offer_id: d.offer_id, framework_id: d.framework_id, agent_id: d.agent_id, role: d.role, cycle: t.cycle, at: t.started_at }] : [];
    }));
  }

  /** The last event a live stop shows (frames of the live cycle stop there). */
  get shownUpTo(): number {
    return this.live ? this.cursor : Infinity;
  }
}
