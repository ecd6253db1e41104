// What the cluster looked like right after each cycle made its offers (per agent: total, allocated and
// offered; per framework: roles, suppressed roles, active; the outstanding offers), kept for the cycles
// the allocation history keeps, so that MESOLITE_GET_ALLOCATION_CYCLES with include_state can show a
// debugger stepping back the cluster of a cycle it never stopped at. The allocator's trace says what a
// cycle decided; this says what the master held, which the allocator does not know.
import * as res from '../common/resources';
import type { Resource } from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { AllocationDriver } from './allocation';
import { frameworkRoles, type MasterState } from './state';

export interface CycleState {
  agents: Array<{ agent_id: string; active: boolean; total_resources: Resource[]; allocated_resources: Resource[]; offered_resources: Resource[] }>;
  frameworks: Array<{ framework_id: string; roles: string[]; suppressed_roles: string[]; active: boolean }>;
  offers: Array<{ offer_id: string; framework_id: string; agent_id: string; role: string; resources: Resource[] }>;
}

export class CycleStates {
  /** By cycle number, oldest first. */
  private readonly states = new Map<number, CycleState>();

  constructor(private readonly state: MasterState, private readonly driver: AllocationDriver) {
    driver.on('offersMade', ({ cycle }) => this.record(cycle.cycle));
  }

  get(cycle: number): CycleState | undefined {
    return this.states.get(cycle);
  }

  private record(cycle: number): void {
    const { agents, frameworks, offers } = this.state;
    // One pass over tasks and offers rather than one per agent.
    const allocated = new Map<string, Resource[][]>();
    const offered = new Map<string, Resource[][]>();
    const add = (to: Map<string, Resource[][]>, agentId: string, r: Resource[]) => {
      const list = to.get(agentId);
      if (list) list.push(r);
      else to.set(agentId, [r]);
    };
    for (const fw of frameworks.values()) for (const t of fw.tasks.values()) if (!isTerminalState(t.state)) add(allocated, t.agent_id.value, t.resources);
    for (const o of offers.values()) add(offered, o.offer.agent_id.value, o.offer.resources);
    this.states.set(cycle, {
      agents: [...agents.values()].map((a) => ({
        agent_id: a.id, active: a.active, total_resources: a.total,
        allocated_resources: res.add(...(allocated.get(a.id) ?? [])), offered_resources: res.add(...(offered.get(a.id) ?? [])),
      })),
      frameworks: [...frameworks.values()].map((f) => ({ framework_id: f.id, roles: frameworkRoles(f.info), suppressed_roles: [...f.suppressedRoles], active: f.active })),
      offers: [...offers.values()].map((o) => ({ offer_id: o.offer.id.value, framework_id: o.offer.framework_id.value, agent_id: o.offer.agent_id.value, role: o.role, resources: o.offer.resources })),
    });
    // Kept as long as the history keeps the cycle's trace (it bounds both by cycles and by size).
    const oldest = this.driver.history.oldest?.cycle ?? cycle;
    for (const n of this.states.keys()) {
      if (n >= oldest) break;
      this.states.delete(n);
    }
  }
}
