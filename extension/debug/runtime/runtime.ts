// The offer-cycle debugger without any UI: attaches to a master through its operator API and takes
// control of its allocation (MESOLITE_CONTROL_ALLOCATION): paused while stopped, Step Over runs one
// cycle (MESOLITE_STEP_ALLOCATION), and Continue lets the master run cycles by its own clock and
// triggers, each held until this debugger has looked at it (MESOLITE_RELEASE_ALLOCATION_CYCLE), so a
// breakpoint stops right after the cycle that hit it. It follows the operator stream into the Story,
// stops on steps, breakpoints and exceptions, and walks back through the master's history. Should the
// adapter die, the master resumes allocation when the controlling connection drops. The DAP session
// translates its events.
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AllocationClient, type CycleTrace } from '../../../runtime/client/allocation';
import { AllocationController } from '../../../runtime/client/control';
import { OperatorClient, type OperatorSubscription } from '../../../runtime/client/operator';
import { HttpError } from '../../../runtime/common/http';
import { exceptionHit, shouldStop, type FunctionBreakpoint } from './breakpoints';
import { History } from './history';
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

export interface AttachOptions {
  master: string;
  stopOnEntry?: boolean;
  /** Take control of allocation from another controller (another debugger) instead of being refused. */
  takeOver?: boolean;
  /** The DAP client, in the name the master shows for this controller. */
  clientName?: string;
}

export class OfferDebugger extends EventEmitter<{ stopped: [Stop]; continued: []; output: [string, 'console' | 'important']; threads: []; ended: [string] }> {
  readonly story = new Story();
  readonly mirror = new StreamMirror(this.story, (e) => this.appended(e));
  readonly names = new Names(this.mirror);
  breakpoints: FunctionBreakpoint[] = [];
  exceptionFilters = new Set<string>();
  operator?: OperatorClient;
  allocation?: AllocationClient;
  private control?: AllocationController;
  private subscription?: OperatorSubscription;
  private reader?: SnapshotReader;
  private history?: History;
  /** The last event shown (live): stepping consumes the story after it, in order. */
  private cursor = 0;
  /** The cycle shown while walking the history; undefined when live. */
  private view?: number;
  private goal?: Goal;
  /** The master runs cycles by itself (Continue, Step Into); a stop pauses it again. */
  private resumed = false;
  /** Another controller took allocation over: this session no longer drives it. */
  private lost = false;
  private stepInFlight?: Promise<number>;
  private pumping = false;
  private readonly snapshots = new Map<number, Promise<Snapshot>>();
  /** Cycles up to this one ran before the debugger took control of allocation. */
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
    this.history = new History(this.story, this.allocation);
    await this.takeControl(options);
    const subscribed = new Promise<void>((resolve) => {
      this.subscription = this.operator!.subscribe({ allocationCycles: true });
      this.subscription.on('event', (e) => { this.mirror.handle(e); if (e.type === 'SUBSCRIBED') { resolve(); this.emit('threads'); } });
      this.subscription.on('disconnected', (why) => this.emit('output', `Operator stream lost (${why}); following the leader`, 'important'));
    });
    await subscribed;
    // Read under control: no cycle runs between this page and the markers the stream brings.
    await this.history.load();
    this.story.lastCycle = Math.max(this.story.lastCycle, ...this.story.cycles());
    this.pausedAfter = this.story.lastCycle;
    this.cursor = this.story.lastSeq;
    if (options.stopOnEntry ?? true) this.stopAt({ reason: 'entry', description: this.story.lastCycle ? `Paused at cycle ${this.story.lastCycle}` : 'Paused; no allocation cycle yet' });
    else this.run({ kind: 'continue' });
  }

  /** The controlling connection; a master another debugger controls refuses it, naming that one. */
  private async takeControl(options: AttachOptions): Promise<void> {
    const name = `Mesolite offer-cycle debugger${options.clientName ? ` (${options.clientName})` : ''}`;
    const control = new AllocationController(this.operator!.leader, this.allocation!, { name, hostname: os.hostname(), pid: process.pid });
    this.control = control;
    let first = true;
    control.on('granted', ({ url, takenFrom }) => {
      if (takenFrom) this.emit('output', `Took over allocation control from ${takenFrom.name} on ${takenFrom.hostname} (pid ${takenFrom.pid})`, 'important');
      if (first) { first = false; return; }
      // A new leader (or the same master, reconnected) starts paused under this debugger's control.
      this.emit('output', `Controlling allocation on ${url} again`, 'important');
      if (this.resumed) void this.allocation!.resume().catch((e) => this.failed(e));
    });
    control.on('disconnected', (why) => this.emit('output', `Allocation control: ${why}; taking it again on the leading master`, 'important'));
    control.on('lost', (why) => {
      this.lost = true;
      this.halt();
      this.emit('output', `${why}: this session no longer steps allocation`, 'important');
      this.emit('ended', why);
    });
    try {
      await control.open(options.takeOver ?? false);
    } catch (e) {
      if (e instanceof HttpError && e.status === 409) throw new Error(`${e.message} (attach with "takeOver": true to take it over)`);
      throw e;
    }
  }

  /** Ends the session: allocation resumes (the master keeps running as if never debugged). */
  async detach(): Promise<void> {
    this.halt();
    this.subscription?.close();
    try {
      // Resumed before the connection closes, so that it runs when Disconnect is answered (the master
      // would resume it too once it notices the closed connection).
      if (this.control && !this.lost) await this.allocation?.resume();
    } finally {
      this.control?.close();
      this.operator?.close();
    }
  }

  // ------------------------------------------------------------------ stepping

  /** Exactly one allocation cycle, then stop. */
  stepOver(): void {
    if (!this.live) return this.backToLive();
    this.run({ kind: 'over' });
    this.stepInFlight = this.step();
    void this.stepInFlight.then((n) => {
      if (this.goal?.kind === 'over') this.goal.cycle = n;
      this.pump();
    }, (e) => this.failed(e)).finally(() => { this.stepInFlight = undefined; });
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

  /** Stops on the newest cycle the master ran, including one still on its way through the stream. */
  pause(): void {
    this.halt();
    void this.pauseMaster().then(() => {
      this.cursor = this.story.lastSeq;
      this.stopAt({ reason: 'pause' });
    }, (e) => this.failed(e));
  }

  /**
   * Pauses the master, then keeps the newest cycle's trace (the pump may not have read it yet) and
   * waits for its marker (the master may have run it just before the pause took effect).
   */
  private async pauseMaster(): Promise<void> {
    if (!this.resumed || this.lost) return;
    this.resumed = false;
    await this.allocation!.pause();
    const newest = (await this.allocation!.cycles({ limit: 1 })).cycles.at(-1);
    if (newest) await this.adopt(newest);
  }

  /** The previous recorded cycle, read-only. */
  stepBack(): void {
    const from = this.currentCycle;
    void this.history!.before(from).then((n) => this.show(n ?? from, n === undefined ? { reason: 'step', description: 'This is the oldest recorded cycle' } : { reason: 'step' }), (e) => this.failed(e));
  }

  /** Back through the history, page by page, until a breakpoint's cycle or the oldest recorded one. */
  reverseContinue(): void {
    void (async () => {
      let from = this.currentCycle;
      do {
        const earlier = this.story.cycles().filter((n) => n < from).reverse();
        const hit = this.walk(earlier);
        if (hit) return this.show(hit.cycle, hit.stop);
        from = earlier.at(-1) ?? from;
      } while (await this.history!.pageBack());
      this.show(from, { reason: 'step', description: 'Reached the oldest recorded cycle' });
    })().catch((e) => this.failed(e));
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
    if ((goal.kind === 'in' || goal.kind === 'continue') && !this.resumed) {
      // The master's own clock and triggers from here, each cycle held until the pump has looked at it.
      this.resumed = true;
      void this.allocation!.resume().catch((e) => this.failed(e));
    }
    this.pump();
  }

  private halt(): void {
    this.goal = undefined;
  }

  private stopAt(stop: Stop): void {
    this.halt();
    if (this.resumed && !this.lost) {
      this.resumed = false;
      void this.allocation!.pause().catch((e) => this.emit('output', `Could not pause allocation: ${(e as Error).message}`, 'important'));
    }
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
    void this.adopt(trace);
    return trace.cycle;
  }

  /** Keeps a cycle's trace; the stream names the cycle too, but should it lag, the marker is added from the trace. */
  private async adopt(trace: CycleTrace): Promise<void> {
    this.story.addTrace(trace);
    for (const deadline = Date.now() + 2000; !this.story.markerOf(trace.cycle) && Date.now() < deadline;) await sleep(10);
    if (!this.story.markerOf(trace.cycle) && this.story.lastCycle < trace.cycle) {
      this.appended(this.story.appendCycle(trace.cycle, trace.started_at, trace.trigger, offeredTo(trace)));
    }
  }

  private appended(e: StoryEvent): void {
    if (e.kind === 'framework' && e.change !== 'updated') this.emit('threads');
    if (this.goal) this.pump();
  }

  /** The trace of a cycle the master ran by itself (the stream carries only its summary). */
  private async traceOf(cycle: number): Promise<void> {
    if (this.story.trace(cycle)) return;
    await this.stepInFlight?.catch(() => undefined);
    if (this.story.trace(cycle)) return;
    try {
      for (const t of (await this.allocation!.cycles({ since: cycle - 1, limit: 1 })).cycles) this.story.addTrace(t);
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
          // Markers of cycles run before the debugger took control may arrive after it did.
          if (e.kind === 'cycle' && e.cycle <= this.pausedAfter) { this.cursor = e.seq; continue; }
          if (e.kind === 'cycle') await this.traceOf(e.cycle);
          if (!this.goal) break;
          this.cursor = e.seq;
          const stop = this.check(this.goal, e);
          if (stop) { this.stopAt(stop); break; }
          // Looked at and no stop: the master may run the next cycle.
          if (e.kind === 'cycle' && e.held && this.resumed) void this.allocation!.release(e.cycle).catch((x) => this.failed(x));
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

  /** The stop point shown: the live cycle with the state read at the stop, or one from the history with what the master held after it. */
  async moment(): Promise<Moment> {
    const cycle = this.currentCycle;
    const snapshot = await this.snapshots.get(cycle)?.catch(() => undefined);
    const m = this.momentAt(cycle, snapshot);
    if (this.live) return m;
    m.recorded = await this.history!.state(cycle);
    // The cycle that made each offer, from the traces kept.
    const made = new Map(this.story.recent(cycle, 1000).flatMap((t) => t.decisions.flatMap((d) => (d.decision === 'offered' && d.offer_id ? [[d.offer_id, t] as const] : []))));
    m.outstanding = (m.recorded?.offers ?? []).map((o) => ({ ...o, cycle: made.get(o.offer_id)?.cycle ?? 0, at: made.get(o.offer_id)?.started_at ?? 0 }));
    return m;
  }

  /** The last event a live stop shows (frames of the live cycle stop there). */
  get shownUpTo(): number {
    return this.live ? this.cursor : Infinity;
  }
}
