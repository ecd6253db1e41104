// Mesos' HierarchicalDRF allocator: agents in random order; on each agent roles are visited by
// weighted dominant share, then frameworks within the role by dominant share. The first framework
// not filtered or suppressed gets everything allocatable its role may use on that agent.
import * as res from '../../common/resources';
import type { Resource } from '../../common/protocol/v1';
import type { Allocation, AllocationCycle, AllocationTrigger, Allocator, AllocatorFramework, Decision } from './allocator';
import { DRFSorter } from './sorter/drf';
import type { Sorter } from './sorter/sorter';

const MAX_REFUSE_SECONDS = 365 * 24 * 3600;
// Mesos' default --min_allocatable_resources: an offer must hold some cpus or memory.
const MIN_CPUS = 0.01;
const MIN_MEM = 32;

/** `allocated` keeps each framework's resources with their allocation_info.role, so they go back to the right role. */
interface AgentState { total: Resource[]; allocated: Map<string, Resource[]>; active: boolean }
interface FrameworkState extends AllocatorFramework { suppressed: Set<string> }
interface Filter { resources: Resource[]; expires: number }

export interface HierarchicalOptions {
  now?: () => number;
  random?: () => number;
  /** A filter lasts at least one allocation interval (Mesos: max(refuse_seconds, allocation_interval)). */
  allocationIntervalMs?: number;
  sorter?: () => Sorter;
}

/** A small seeded PRNG (mulberry32), so tests can replay agent orders. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class HierarchicalAllocator implements Allocator {
  private readonly agents = new Map<string, AgentState>();
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly filters = new Map<string, Filter[]>();
  private readonly roleSorter: Sorter;
  private readonly frameworkSorters = new Map<string, Sorter>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly newSorter: () => Sorter;
  private cycles = 0;

  constructor(private readonly options: HierarchicalOptions = {}) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.newSorter = options.sorter ?? (() => new DRFSorter());
    this.roleSorter = this.newSorter();
  }

  addFramework(id: string, framework: AllocatorFramework, used: Map<string, Resource[]>): void {
    this.frameworks.set(id, { ...framework, suppressed: new Set(framework.suppressedRoles ?? []) });
    for (const role of framework.roles) this.trackRole(role, id);
    for (const [agentId, resources] of used) this.allocateOn(agentId, id, resources);
  }

  updateFramework(id: string, framework: AllocatorFramework): void {
    const fw = this.frameworks.get(id);
    if (!fw) return;
    for (const role of fw.roles) if (!framework.roles.includes(role)) this.untrackRole(role, id);
    for (const role of framework.roles) this.trackRole(role, id);
    fw.roles = framework.roles;
    fw.active = framework.active;
    fw.suppressed = new Set(framework.suppressedRoles ?? []);
  }

  removeFramework(id: string): void {
    for (const agent of this.agents.values()) {
      const held = agent.allocated.get(id);
      if (held) this.unallocateOn(agent, id, held);
    }
    for (const role of [...this.frameworkSorters.keys()]) this.untrackRole(role, id);
    this.frameworks.delete(id);
    for (const key of [...this.filters.keys()]) if (key.startsWith(`${id}\u0000`)) this.filters.delete(key);
  }

  activateFramework(id: string): void {
    const fw = this.frameworks.get(id);
    if (fw) fw.active = true;
  }

  deactivateFramework(id: string): void {
    const fw = this.frameworks.get(id);
    if (fw) fw.active = false;
  }

  addAgent(id: string, total: Resource[], used: Map<string, Resource[]>): void {
    this.agents.set(id, { total: res.add(total), allocated: new Map(), active: true });
    this.updateTotals();
    for (const [fw, resources] of used) this.allocateOn(id, fw, resources);
  }

  removeAgent(id: string): void {
    const agent = this.agents.get(id);
    if (!agent) return;
    for (const [fw, held] of agent.allocated) this.unallocateOn(agent, fw, held);
    this.agents.delete(id);
    this.updateTotals();
  }

  activateAgent(id: string): void {
    const agent = this.agents.get(id);
    if (agent) agent.active = true;
  }

  deactivateAgent(id: string): void {
    const agent = this.agents.get(id);
    if (agent) agent.active = false;
  }

  recoverResources(frameworkId: string, agentId: string, resources: Resource[], refuseSeconds = 0): void {
    const agent = this.agents.get(agentId);
    if (agent && agent.allocated.has(frameworkId)) this.unallocateOn(agent, frameworkId, resources);
    if (refuseSeconds > 0 && this.frameworks.has(frameworkId)) {
      const seconds = Math.min(refuseSeconds, MAX_REFUSE_SECONDS);
      const expires = this.now() + Math.max(seconds * 1000, this.options.allocationIntervalMs ?? 0);
      const key = `${frameworkId}\u0000${agentId}`;
      this.filters.set(key, [...(this.filters.get(key) ?? []), { resources: res.unallocate(resources), expires }]);
    }
  }

  suppressOffers(frameworkId: string, roles: string[]): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    for (const role of roles.length ? roles : fw.roles) fw.suppressed.add(role);
  }

  reviveOffers(frameworkId: string, roles: string[]): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    for (const role of roles.length ? roles : fw.roles) fw.suppressed.delete(role);
    for (const key of [...this.filters.keys()]) if (key.startsWith(`${frameworkId}\u0000`)) this.filters.delete(key);
  }

  allocate(trigger: AllocationTrigger): { allocations: Allocation[]; cycle: AllocationCycle } {
    const started = this.now();
    const decisions: Decision[] = [];
    const allocations: Allocation[] = [];
    const agentIds = [...this.agents.keys()].filter((id) => this.agents.get(id)!.active);
    for (let i = agentIds.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [agentIds[i], agentIds[j]] = [agentIds[j], agentIds[i]];
    }
    for (const agentId of agentIds) {
      const agent = this.agents.get(agentId)!;
      for (const role of this.roleSorter.sort()) {
        for (const frameworkId of this.frameworkSorters.get(role)?.sort() ?? []) {
          const fw = this.frameworks.get(frameworkId)!;
          const base = { agent_id: agentId, framework_id: frameworkId, role };
          if (!fw.active) { decisions.push({ ...base, decision: 'inactive' }); continue; }
          if (fw.suppressed.has(role)) { decisions.push({ ...base, decision: 'suppressed' }); continue; }
          const offerable = this.available(agent).filter((r) => ['*', role].includes(res.reservationRole(r)));
          if (!allocatable(offerable)) { decisions.push({ ...base, decision: 'nothing_left' }); continue; }
          const filter = this.activeFilter(frameworkId, agentId, offerable);
          if (filter) { decisions.push({ ...base, decision: 'filtered', until: filter.expires }); continue; }
          const resources = res.allocate(offerable, role);
          this.allocateOn(agentId, frameworkId, resources);
          allocations.push({ frameworkId, agentId, role, resources });
          decisions.push({ ...base, decision: 'offered', resources });
        }
      }
    }
    const cycle = { cycle: ++this.cycles, trigger, started_at: started, duration_ms: this.now() - started, decisions };
    return { allocations, cycle };
  }

  private available(agent: AgentState): Resource[] {
    return res.subtract(agent.total, res.unallocate([...agent.allocated.values()].flat()));
  }

  private activeFilter(frameworkId: string, agentId: string, offerable: Resource[]): Filter | undefined {
    const key = `${frameworkId}\u0000${agentId}`;
    const now = this.now();
    const live = (this.filters.get(key) ?? []).filter((f) => f.expires > now);
    if (live.length) this.filters.set(key, live);
    else this.filters.delete(key);
    return live.find((f) => res.contains(f.resources, offerable));
  }

  private trackRole(role: string, frameworkId: string): void {
    if (!this.roleSorter.has(role)) this.roleSorter.add(role);
    let sorter = this.frameworkSorters.get(role);
    if (!sorter) {
      sorter = this.newSorter();
      this.frameworkSorters.set(role, sorter);
    }
    sorter.add(frameworkId);
    this.updateTotals();
  }

  private untrackRole(role: string, frameworkId: string): void {
    const sorter = this.frameworkSorters.get(role);
    if (!sorter?.has(frameworkId)) return;
    sorter.remove(frameworkId);
    if (sorter.sort().length === 0) {
      this.frameworkSorters.delete(role);
      this.roleSorter.remove(role);
    }
  }

  /** Resources without an allocation role are charged to the framework's first role. */
  private withRole(frameworkId: string, resources: Resource[]): Resource[] {
    const fallback = this.frameworks.get(frameworkId)?.roles[0] ?? '*';
    return resources.map((r) => (r.allocation_info?.role ? r : { ...r, allocation_info: { role: fallback } }));
  }

  private byRole(resources: Resource[]): Map<string, Resource[]> {
    const groups = new Map<string, Resource[]>();
    for (const r of resources) groups.set(r.allocation_info!.role!, [...(groups.get(r.allocation_info!.role!) ?? []), r]);
    return groups;
  }

  private allocateOn(agentId: string, frameworkId: string, resources: Resource[]): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    const allocated = this.withRole(frameworkId, resources);
    agent.allocated.set(frameworkId, res.add(agent.allocated.get(frameworkId) ?? [], allocated));
    for (const [role, group] of this.byRole(allocated)) {
      const plain = res.unallocate(group);
      this.roleSorter.allocated(role, plain);
      this.frameworkSorters.get(role)?.allocated(frameworkId, plain);
    }
  }

  private unallocateOn(agent: AgentState, frameworkId: string, resources: Resource[]): void {
    const released = this.withRole(frameworkId, resources);
    const remaining = res.subtract(agent.allocated.get(frameworkId) ?? [], released);
    if (remaining.length) agent.allocated.set(frameworkId, remaining);
    else agent.allocated.delete(frameworkId);
    for (const [role, group] of this.byRole(released)) {
      const plain = res.unallocate(group);
      this.roleSorter.unallocated(role, plain);
      this.frameworkSorters.get(role)?.unallocated(frameworkId, plain);
    }
  }

  private updateTotals(): void {
    const total = res.add(...[...this.agents.values()].map((a) => a.total));
    this.roleSorter.setTotal(total);
    for (const sorter of this.frameworkSorters.values()) sorter.setTotal(total);
  }
}

function allocatable(resources: Resource[]): boolean {
  return res.scalar(resources, 'cpus') >= MIN_CPUS || res.scalar(resources, 'mem') >= MIN_MEM;
}
