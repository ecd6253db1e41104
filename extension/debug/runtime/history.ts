// The master's cycle history as Step Back reads it: pages of older traces (MESOLITE_GET_ALLOCATION_CYCLES
// with `before`) join the Story as the debugger walks back, and what the master held right after each
// cycle (`include_state`) is fetched a page at a time for the cycles shown, so a cycle the debugger never
// stopped at still shows its Cluster, Frameworks and Outstanding offers.
import type { AllocationClient, CycleState } from '../../../runtime/client/allocation';
import type { Story } from './story';

/** Cycles per page: enough for `why` and `starved` from the start, and a big cluster's traces stay small. */
const HISTORY_PAGE = 100;
/** States per request: Step Back shows the cycles before the one asked for next. */
const STATE_PAGE = 20;
const KEEP_STATES = 200;

export class History {
  private readonly states = new Map<number, Promise<CycleState | undefined>>();

  constructor(private readonly story: Story, private readonly allocation: AllocationClient) {}

  /** The newest page of the master's history. */
  async load(): Promise<void> {
    for (const t of (await this.allocation.cycles({ limit: HISTORY_PAGE })).cycles) this.story.addTrace(t);
  }

  /** Adds the page before the story's oldest trace; false when the master has none older (or the story keeps no more). */
  async pageBack(): Promise<boolean> {
    const oldest = this.story.cycles()[0];
    if (oldest === undefined) return false;
    for (const t of (await this.allocation.cycles({ before: oldest, limit: HISTORY_PAGE })).cycles) this.story.addTrace(t);
    return this.story.cycles()[0] < oldest;
  }

  /** The newest recorded cycle before `cycle`, paging back when the story holds none. */
  async before(cycle: number): Promise<number | undefined> {
    const earlier = () => this.story.cycles().filter((n) => n < cycle).at(-1);
    return earlier() ?? ((await this.pageBack()) ? earlier() : undefined);
  }

  /** What the master held right after `cycle`, while it keeps it. */
  state(cycle: number): Promise<CycleState | undefined> {
    const known = this.states.get(cycle);
    if (known) return known;
    const page = this.allocation.cycles({ before: cycle + 1, limit: STATE_PAGE, includeState: true }).then((r) => r.cycles, () => []);
    for (let n = Math.max(1, cycle - STATE_PAGE + 1); n <= cycle; n++) {
      if (!this.states.has(n)) this.states.set(n, page.then((cycles) => cycles.find((c) => c.cycle === n)?.state));
    }
    for (const n of [...this.states.keys()].slice(0, -KEEP_STATES)) this.states.delete(n);
    return this.states.get(cycle)!;
  }
}
