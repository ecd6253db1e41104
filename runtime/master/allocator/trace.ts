// The record of allocation cycles: what each cycle saw and decided, kept in a bounded history that the
// operator API, the metrics and (later) the offer-cycle debugger read.
import type { Decision } from '../../common/protocol/allocation';
import type { Resource } from '../../common/protocol/v1';

export type { Decision };

export type AllocationTrigger =
  | 'interval' | 'framework_added' | 'framework_activated' | 'agent_added' | 'agent_activated' | 'revive'
  | 'resources_recovered' | 'quota_updated' | 'weights_updated' | 'step';

export interface AllocationCycle {
  cycle: number;
  trigger: AllocationTrigger;
  started_at: number;
  duration_ms: number;
  /** Resources available on each agent visited, at the start of the cycle, in visiting order. */
  agents: Array<{ agent_id: string; available: Resource[] }>;
  shares: {
    before: { roles: Record<string, number>; frameworks: Record<string, number> };
    after: { roles: Record<string, number>; frameworks: Record<string, number> };
  };
  decisions: Decision[];
}

export interface CycleSummary {
  cycle: number;
  trigger: AllocationTrigger;
  started_at: number;
  duration_ms: number;
  agents: number;
  offers: Array<{ offer_id?: string; framework_id: string; agent_id: string; role: string }>;
  decisions: Partial<Record<Decision['decision'], number>>;
}

export function summarize(cycle: AllocationCycle): CycleSummary {
  const counts: Partial<Record<Decision['decision'], number>> = {};
  const offers: CycleSummary['offers'] = [];
  for (const d of cycle.decisions) {
    counts[d.decision] = (counts[d.decision] ?? 0) + 1;
    if (d.decision === 'offered') offers.push({ offer_id: d.offer_id, framework_id: d.framework_id, agent_id: d.agent_id, role: d.role });
  }
  return { cycle: cycle.cycle, trigger: cycle.trigger, started_at: cycle.started_at, duration_ms: cycle.duration_ms, agents: cycle.agents.length, offers, decisions: counts };
}

/**
 * The last `maxCycles` cycles, also bounded by the number of decisions and agent entries they hold
 * (a 50,000-agent cluster must not keep 1,000 full cycles in memory).
 */
export class CycleHistory {
  private readonly cycles: AllocationCycle[] = [];
  private entries = 0;

  // 300,000 entries: every cycle of a small cluster, the last few of a 50,000-agent one (~35 MB each).
  constructor(private readonly maxCycles = 1000, private readonly maxEntries = 300_000) {}

  add(cycle: AllocationCycle): void {
    this.cycles.push(cycle);
    this.entries += cycle.decisions.length + cycle.agents.length;
    while (this.cycles.length > 1 && (this.cycles.length > this.maxCycles || this.entries > this.maxEntries)) {
      const old = this.cycles.shift()!;
      this.entries -= old.decisions.length + old.agents.length;
    }
  }

  /** Cycles numbered above `since` and below `before`, oldest first: the newest `limit` of them. */
  list(since = 0, limit = 100, before = Infinity): AllocationCycle[] {
    const range = this.cycles.filter((c) => c.cycle > since && c.cycle < before);
    return range.slice(Math.max(0, range.length - limit));
  }

  get(cycle: number): AllocationCycle | undefined {
    return this.cycles.find((c) => c.cycle === cycle);
  }

  get oldest(): AllocationCycle | undefined {
    return this.cycles[0];
  }

  get latest(): AllocationCycle | undefined {
    return this.cycles[this.cycles.length - 1];
  }
}
