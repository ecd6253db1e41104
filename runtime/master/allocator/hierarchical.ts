// Mesos' HierarchicalDRF allocator. Each cycle visits agents in a random order, twice:
//  1. quota stage: roles whose guarantees are not met get unreserved resources up to the guarantee;
//  2. fair-share stage: roles by weighted dominant share, then frameworks within the role by dominant
//     share; the first framework not filtered, suppressed or GPU-filtered gets what its role may use
//     on the agent: resources reserved to the role plus unreserved ones, capped by the role's quota
//     limit and by the headroom other roles' unmet guarantees need.
// A role's quota consumption, for guarantees and limits alike, is what Mesos counts: its allocated
// unreserved resources plus all resources reserved to it.
// Resource lists are treated as immutable values, so caches and traces can share them.
import * as res from '../../common/resources';
import type { Resource } from '../../common/protocol/v1';
import type { Allocation, Allocator, AllocatorFramework, Quota } from './allocator';
import { DRFSorter } from './sorter/drf';
import { sharedScalars, type Sorter } from './sorter/sorter';
import type { AllocationCycle, AllocationTrigger, Decision } from './trace';

const MAX_REFUSE_SECONDS = 365 * 24 * 3600;
// Mesos' default --min_allocatable_resources: an offer must hold some cpus or memory.
const MIN_CPUS = 0.01;
const MIN_MEM = 32;

type Scalars = Map<string, number>;

interface AgentState {
  total: Resource[];
  /** Per framework, what it holds here, each resource carrying its allocation_info.role. */
  allocated: Map<string, Resource[]>;
  active: boolean;
  hasGpus: boolean;
  /** total minus allocated, recomputed only after a change. */
  available?: Resource[];
}

interface FrameworkState { roles: string[]; active: boolean; suppressed: Set<string>; gpuAware: boolean }
/** `quantities`: the refused resources summed up, computed at the first check. */
interface Filter { resources: Resource[]; expires: number; quantities?: Resource[] }

export interface HierarchicalOptions {
  now?: () => number;
  random?: () => number;
  /** A filter lasts at least one allocation interval (Mesos: max(refuse_seconds, allocation_interval)). */
  allocationIntervalMs?: number;
  /** Mesos' --filter_gpu_resources: frameworks without GPU_RESOURCES get nothing from agents with GPUs. */
  filterGpuResources?: boolean;
  roleSorter?: () => Sorter;
  frameworkSorter?: () => Sorter;
  weights?: Record<string, number>;
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

function addScalars(into: Scalars, from: Scalars, sign: 1 | -1): void {
  for (const [name, v] of from) into.set(name, (into.get(name) ?? 0) + sign * v);
}

function allocatable(resources: Resource[]): boolean {
  return res.scalar(resources, 'cpus') >= MIN_CPUS || res.scalar(resources, 'mem') >= MIN_MEM;
}

/** Caps the unreserved scalars of a list (reserved ones are the role's own and stay whole). */
function capUnreserved(resources: Resource[], caps: Scalars): Resource[] {
  if (caps.size === 0) return resources;
  const left = new Map(caps);
  const out: Resource[] = [];
  for (const r of resources) {
    const cap = left.get(r.name);
    if (r.type !== 'SCALAR' || cap === undefined || res.reservationRole(r) !== '*') { out.push(r); continue; }
    const value = Math.min(r.scalar?.value ?? 0, Math.max(0, cap));
    left.set(r.name, cap - value);
    if (value > 0) out.push({ ...r, scalar: { value: Math.round(value * 1000) / 1000 } });
  }
  return out;
}

export class HierarchicalAllocator implements Allocator {
  private readonly agents = new Map<string, AgentState>();
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly filters = new Map<string, Map<string, Filter[]>>();
  private readonly roleSorter: Sorter;
  private readonly frameworkSorters = new Map<string, Sorter>();
  private readonly newFrameworkSorter: () => Sorter;
  private readonly weights = new Map<string, number>();
  private readonly quotas = new Map<string, Quota>();
  /**
   * Quota consumption per role, as Mesos counts it: unreserved scalars allocated to the role (offered
   * or used) plus every scalar reserved to it, allocated or not.
   */
  private readonly consumed = new Map<string, Scalars>();
  private readonly clusterTotal: Scalars = new Map();
  private totalsDirty = false;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly filterGpuResources: boolean;
  private cycles = 0;

  constructor(private readonly options: HierarchicalOptions = {}) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.filterGpuResources = options.filterGpuResources ?? true;
    this.roleSorter = (options.roleSorter ?? (() => new DRFSorter()))();
    this.newFrameworkSorter = options.frameworkSorter ?? (() => new DRFSorter());
    for (const [role, weight] of Object.entries(options.weights ?? {})) this.weights.set(role, weight);
  }

  // ---------------------------------------------------------------- frameworks

  addFramework(id: string, framework: AllocatorFramework, used: Map<string, Resource[]>): void {
    this.frameworks.set(id, { roles: framework.roles, active: framework.active, suppressed: new Set(framework.suppressedRoles ?? []), gpuAware: !!framework.gpuAware });
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
    fw.gpuAware = !!framework.gpuAware;
  }

  removeFramework(id: string): void {
    for (const agent of this.agents.values()) {
      const held = agent.allocated.get(id);
      if (held) this.unallocateOn(agent, id, held);
    }
    for (const role of [...this.frameworkSorters.keys()]) this.untrackRole(role, id);
    this.frameworks.delete(id);
    this.filters.delete(id);
  }

  activateFramework(id: string): void {
    const fw = this.frameworks.get(id);
    if (fw) fw.active = true;
  }

  deactivateFramework(id: string): void {
    const fw = this.frameworks.get(id);
    if (fw) fw.active = false;
  }

  // ---------------------------------------------------------------- agents

  addAgent(id: string, total: Resource[], used: Map<string, Resource[]>): void {
    const normalized = res.add(total);
    this.agents.set(id, { total: normalized, allocated: new Map(), active: true, hasGpus: res.scalar(normalized, 'gpus') > 0 });
    addScalars(this.clusterTotal, sharedScalars(normalized), 1);
    this.chargeReservations(normalized, 1);
    this.totalsDirty = true;
    for (const [fw, resources] of used) this.allocateOn(id, fw, resources);
    this.availableOn(this.agents.get(id)!); // from here on kept up to date as resources come and go
  }

  updateAgent(id: string, total: Resource[]): void {
    const agent = this.agents.get(id);
    if (!agent) return;
    addScalars(this.clusterTotal, sharedScalars(agent.total), -1);
    this.chargeReservations(agent.total, -1);
    agent.total = res.add(total);
    agent.hasGpus = res.scalar(agent.total, 'gpus') > 0;
    agent.available = undefined;
    addScalars(this.clusterTotal, sharedScalars(agent.total), 1);
    this.chargeReservations(agent.total, 1);
    this.totalsDirty = true;
  }

  removeAgent(id: string): void {
    const agent = this.agents.get(id);
    if (!agent) return;
    for (const [fw, held] of agent.allocated) this.unallocateOn(agent, fw, held);
    addScalars(this.clusterTotal, sharedScalars(agent.total), -1);
    this.chargeReservations(agent.total, -1);
    this.agents.delete(id);
    this.totalsDirty = true;
    for (const byAgent of this.filters.values()) byAgent.delete(id);
  }

  activateAgent(id: string): void {
    const agent = this.agents.get(id);
    if (agent) agent.active = true;
  }

  deactivateAgent(id: string): void {
    const agent = this.agents.get(id);
    if (agent) agent.active = false;
  }

  available(agentId: string): Resource[] {
    const agent = this.agents.get(agentId);
    return agent ? this.availableOn(agent) : [];
  }

  // ---------------------------------------------------------------- offers, filters, roles

  updateAllocation(frameworkId: string, agentId: string, from: Resource[], to: Resource[]): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    const held = agent.allocated.get(frameworkId) ?? [];
    // Charge the conversion: what stops being allocated unreserved, or starts, moves between the
    // role's allocation and its reservations.
    for (const [role, group] of this.byRole(this.withRole(frameworkId, from))) this.chargeQuota(role, group, -1);
    this.chargeReservations(agent.total, -1);
    agent.allocated.set(frameworkId, res.add(res.subtract(held, this.withRole(frameworkId, from)), this.withRole(frameworkId, to)));
    agent.total = res.add(res.subtract(agent.total, res.unallocate(from)), res.unallocate(to));
    agent.available = undefined;
    this.chargeReservations(agent.total, 1);
    for (const [role, group] of this.byRole(this.withRole(frameworkId, to))) this.chargeQuota(role, group, 1);
  }

  recoverResources(frameworkId: string, agentId: string, resources: Resource[], refuseSeconds = 0): void {
    const agent = this.agents.get(agentId);
    if (agent && agent.allocated.has(frameworkId)) this.unallocateOn(agent, frameworkId, resources);
    if (refuseSeconds > 0 && this.frameworks.has(frameworkId)) {
      const seconds = Math.min(refuseSeconds, MAX_REFUSE_SECONDS);
      const expires = this.now() + Math.max(seconds * 1000, this.options.allocationIntervalMs ?? 0);
      let byAgent = this.filters.get(frameworkId);
      if (!byAgent) {
        byAgent = new Map();
        this.filters.set(frameworkId, byAgent);
      }
      // Kept as handed back (allocation_info and all): no copy per DECLINE.
      byAgent.set(agentId, [...(byAgent.get(agentId) ?? []), { resources, expires }]);
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
    this.filters.delete(frameworkId);
  }

  updateWeights(weights: Record<string, number>): void {
    for (const [role, weight] of Object.entries(weights)) {
      this.weights.set(role, weight);
      if (this.roleSorter.has(role)) this.roleSorter.add(role, weight);
    }
  }

  updateQuota(role: string, quota: Quota | undefined): void {
    if (quota) this.quotas.set(role, quota);
    else this.quotas.delete(role);
  }

  roleShares(): Map<string, number> {
    this.flushTotals();
    return new Map(this.roleSorter.sort().map((role) => [role, this.roleSorter.share(role)]));
  }

  // ---------------------------------------------------------------- the cycle

  allocate(trigger: AllocationTrigger): { allocations: Allocation[]; cycle: AllocationCycle } {
    this.flushTotals();
    const started = this.now();
    const before = this.shares();
    const decisions: Decision[] = [];
    const allocations: Allocation[] = [];
    const agentIds = [...this.agents.keys()].filter((id) => this.agents.get(id)!.active);
    for (let i = agentIds.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [agentIds[i], agentIds[j]] = [agentIds[j], agentIds[i]];
    }
    const agentsSeen = agentIds.map((agent_id) => ({ agent_id, available: this.availableOn(this.agents.get(agent_id)!) }));

    const unmet = this.unmetGuarantees();
    const headroom: Scalars = new Map();
    for (const need of unmet.values()) addScalars(headroom, need, 1);
    const unallocated = headroom.size ? this.unallocatedUnreserved() : new Map<string, number>();

    /** Offers `resources` unless the framework filtered them on this agent. */
    const tryOffer = (agentId: string, frameworkId: string, role: string, resources: Resource[], stage: 'quota' | 'fair_share'): 'offered' | 'skip' => {
      const filter = this.activeFilter(frameworkId, agentId, resources);
      if (filter) {
        decisions.push({ agent_id: agentId, framework_id: frameworkId, role, decision: 'filtered', until: filter.expires });
        return 'skip';
      }
      const offered = res.allocate(resources, role);
      this.allocateOn(agentId, frameworkId, offered, resources);
      const decision = { agent_id: agentId, framework_id: frameworkId, role, decision: 'offered' as const, resources: offered, stage };
      decisions.push(decision);
      allocations.push({ frameworkId, agentId, role, resources: offered, decision });
      if (headroom.size === 0) return 'offered';
      const scalars = sharedScalars(resources.filter((r) => res.reservationRole(r) === '*'));
      addScalars(unallocated, scalars, -1);
      const need = unmet.get(role);
      if (need) {
        for (const [name, v] of scalars) {
          const left = need.get(name);
          if (left === undefined) continue;
          const taken = Math.min(left, v);
          need.set(name, left - taken);
          headroom.set(name, (headroom.get(name) ?? 0) - taken);
        }
      }
      return 'offered';
    };

    // Stage 1: unmet quota guarantees come first.
    if (unmet.size) {
      for (const agentId of agentIds) {
        const agent = this.agents.get(agentId)!;
        for (const role of [...this.roleSorter.sort()]) {
          const need = unmet.get(role);
          if (!need || [...need.values()].every((v) => v <= 0)) continue;
          this.visitFrameworks(agentId, agent, role, decisions, (frameworkId, forRole) => {
            // Guaranteed scalars up to what is still needed; the rest of the agent (other scalars,
            // ports, the role's reservations) within limits and the headroom other roles need.
            const caps = this.capsFor(role, need);
            for (const [name, h] of headroom) {
              if (!need.has(name) && h > 0) caps.set(name, Math.min(caps.get(name) ?? Infinity, (unallocated.get(name) ?? 0) - h));
            }
            const capped = capUnreserved(forRole, caps);
            const helps = [...need].some(([name, left]) => left > 0 && res.scalar(capped, name) > 0);
            return helps && allocatable(capped) ? tryOffer(agentId, frameworkId, role, capped, 'quota') : 'stop';
          });
        }
      }
    }

    // Stage 2: fair share, within limits and leaving the headroom unmet guarantees need.
    for (const agentId of agentIds) {
      const agent = this.agents.get(agentId)!;
      for (const role of [...this.roleSorter.sort()]) {
        this.visitFrameworks(agentId, agent, role, decisions, (frameworkId, forRole) => {
          const caps = this.capsFor(role, undefined);
          for (const [name, need] of headroom) {
            if (need > 0) caps.set(name, Math.min(caps.get(name) ?? Infinity, (unallocated.get(name) ?? 0) - need));
          }
          const capped = capUnreserved(forRole, caps);
          if (!allocatable(capped)) {
            const detail = [...caps].map(([name, v]) => `${name} ${Math.max(0, v)} left`).join(', ');
            decisions.push({ agent_id: agentId, framework_id: frameworkId, role, decision: 'quota_limit', detail: `quota limit or headroom reached: ${detail}` });
            return 'stop';
          }
          return tryOffer(agentId, frameworkId, role, capped, 'fair_share');
        });
        // Nothing anyone could use is left here: one 'nothing_left' above says so for the agent.
        if (!allocatable(this.availableOn(agent))) break;
      }
    }

    const cycle: AllocationCycle = {
      cycle: ++this.cycles, trigger, started_at: started, duration_ms: 0, agents: agentsSeen,
      shares: { before, after: this.shares() }, decisions,
    };
    cycle.duration_ms = this.now() - started;
    return { allocations, cycle };
  }

  /**
   * Walks the frameworks of a role on one agent in sort order, recording why each is passed over,
   * until `attempt` makes an offer ('offered': the order changed, so walk again from the top skipping
   * those seen) or says to stop. The first framework that finds nothing left for the role ends the walk.
   */
  private visitFrameworks(
    agentId: string, agent: AgentState, role: string, decisions: Decision[],
    attempt: (frameworkId: string, forRole: Resource[]) => 'offered' | 'skip' | 'stop',
  ): void {
    const sorter = this.frameworkSorters.get(role);
    if (!sorter) return;
    const seen = new Set<string>();
    // The sorter's order is live: it changes as soon as an offer is made, so walk it again from the top.
    let order = sorter.sort();
    for (let i = 0; i < order.length; i++) {
      const frameworkId = order[i];
      if (seen.has(frameworkId)) continue;
      seen.add(frameworkId);
      const fw = this.frameworks.get(frameworkId)!;
      const base = { agent_id: agentId, framework_id: frameworkId, role };
      if (!fw.active) { decisions.push({ ...base, decision: 'inactive' }); continue; }
      if (fw.suppressed.has(role)) { decisions.push({ ...base, decision: 'suppressed' }); continue; }
      if (this.filterGpuResources && agent.hasGpus && !fw.gpuAware) { decisions.push({ ...base, decision: 'gpu_filtered' }); continue; }
      const available = this.availableOn(agent);
      const usable = (r: Resource) => { const owner = res.reservationRole(r); return owner === '*' || owner === role; };
      // The common case (nothing reserved to others) keeps the very list, so an offer of it is known whole.
      const forRole = available.every(usable) ? available : available.filter(usable);
      if (!allocatable(forRole)) {
        decisions.push({ ...base, decision: allocatable(available) ? 'reserved_for_other_role' : 'nothing_left' });
        return;
      }
      const outcome = attempt(frameworkId, forRole);
      if (outcome === 'stop') return;
      if (outcome === 'offered') {
        order = sorter.sort();
        i = -1;
      }
    }
  }

  // ---------------------------------------------------------------- bookkeeping

  private availableOn(agent: AgentState): Resource[] {
    if (!agent.available) {
      let held: Resource[] = [];
      for (const r of agent.allocated.values()) held = held.concat(r);
      agent.available = held.length ? res.subtract(agent.total, res.unallocate(held)) : agent.total;
    }
    return agent.available;
  }

  private activeFilter(frameworkId: string, agentId: string, offerable: Resource[]): Filter | undefined {
    const byAgent = this.filters.get(frameworkId);
    const filters = byAgent?.get(agentId);
    if (!filters) return undefined;
    const now = this.now();
    const live = filters.filter((f) => f.expires > now);
    if (live.length === 0) byAgent!.delete(agentId);
    else if (live.length !== filters.length) byAgent!.set(agentId, live);
    const wanted = res.unallocate(offerable);
    return live.find((f) => res.contains((f.quantities ??= res.add(res.unallocate(f.resources))), wanted));
  }

  /** What a role may still take of each scalar: its limit minus what it holds, and at most `need`. */
  private capsFor(role: string, need: Scalars | undefined): Scalars {
    const caps: Scalars = new Map(need ?? []);
    const limits = this.quotas.get(role)?.limits ?? {};
    const held = this.consumed.get(role);
    for (const [name, limit] of Object.entries(limits)) {
      caps.set(name, Math.min(caps.get(name) ?? Infinity, limit - (held?.get(name) ?? 0)));
    }
    return caps;
  }

  private unmetGuarantees(): Map<string, Scalars> {
    const unmet = new Map<string, Scalars>();
    for (const [role, quota] of this.quotas) {
      const held = this.consumed.get(role);
      const need: Scalars = new Map();
      for (const [name, guarantee] of Object.entries(quota.guarantees)) {
        const left = guarantee - (held?.get(name) ?? 0);
        if (left > 1e-9) need.set(name, left);
      }
      if (need.size) unmet.set(role, need);
    }
    return unmet;
  }

  private unallocatedUnreserved(): Scalars {
    const out: Scalars = new Map();
    for (const agent of this.agents.values()) {
      if (agent.active) addScalars(out, sharedScalars(this.availableOn(agent).filter((r) => res.reservationRole(r) === '*')), 1);
    }
    return out;
  }

  private shares(): AllocationCycle['shares']['before'] {
    const roles: Record<string, number> = {};
    for (const role of this.roleSorter.sort()) roles[role] = this.roleSorter.share(role);
    const frameworks: Record<string, number> = {};
    for (const [role, sorter] of this.frameworkSorters) {
      for (const fw of sorter.sort()) frameworks[this.frameworks.get(fw)?.roles.length === 1 ? fw : `${fw}/${role}`] = sorter.share(fw);
    }
    return { roles, frameworks };
  }

  private trackRole(role: string, frameworkId: string): void {
    if (!this.roleSorter.has(role)) this.roleSorter.add(role, this.weights.get(role) ?? 1);
    let sorter = this.frameworkSorters.get(role);
    if (!sorter) {
      sorter = this.newFrameworkSorter();
      this.frameworkSorters.set(role, sorter);
      this.totalsDirty = true;
    }
    sorter.add(frameworkId);
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
    if (resources.every((r) => r.allocation_info?.role)) return resources;
    const fallback = this.frameworks.get(frameworkId)?.roles[0] ?? '*';
    return resources.map((r) => (r.allocation_info?.role ? r : { ...r, allocation_info: { role: fallback } }));
  }

  private byRole(resources: Resource[]): Map<string, Resource[]> {
    const first = resources[0]?.allocation_info?.role;
    if (resources.every((r) => r.allocation_info!.role === first)) return new Map(first ? [[first, resources]] : []);
    const groups = new Map<string, Resource[]>();
    for (const r of resources) {
      const role = r.allocation_info!.role!;
      const group = groups.get(role);
      if (group) group.push(r);
      else groups.set(role, [r]);
    }
    return groups;
  }

  private charge(role: string, frameworkId: string, resources: Resource[], sign: 1 | -1): void {
    const scalars = sharedScalars(resources);
    this.roleSorter.allocatedScalars(role, scalars, sign);
    this.frameworkSorters.get(role)?.allocatedScalars(frameworkId, scalars, sign);
    this.chargeQuota(role, resources, sign);
  }

  /** Allocated resources count against the role's quota only when unreserved (reservations always count). */
  private chargeQuota(role: string, resources: Resource[], sign: 1 | -1): void {
    const unreserved = resources.every((r) => res.reservationRole(r) === '*') ? resources : resources.filter((r) => res.reservationRole(r) === '*');
    this.consume(role, sharedScalars(unreserved), sign);
  }

  /** Reserved scalars of an agent's total count against their roles' quota, allocated or not. */
  private chargeReservations(total: Resource[], sign: 1 | -1): void {
    for (const r of total) {
      const role = res.reservationRole(r);
      if (role !== '*') this.consume(role, sharedScalars([r]), sign);
    }
  }

  private consume(role: string, scalars: Scalars, sign: 1 | -1): void {
    if (scalars.size === 0) return;
    let held = this.consumed.get(role);
    if (!held) {
      held = new Map();
      this.consumed.set(role, held);
    }
    addScalars(held, scalars, sign);
  }

  /** `plain` is `resources` without allocation_info when the caller has it at hand (an offer's source list). */
  private allocateOn(agentId: string, frameworkId: string, resources: Resource[], plain?: Resource[]): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    const allocated = this.withRole(frameworkId, resources);
    const held = agent.allocated.get(frameworkId);
    agent.allocated.set(frameworkId, held ? res.add(held, allocated) : allocated);
    // The whole available list offered (the common case) leaves nothing; otherwise subtract.
    if (agent.available) agent.available = plain === agent.available ? [] : res.subtract(agent.available, plain ?? res.unallocate(allocated));
    for (const [role, group] of this.byRole(allocated)) this.charge(role, frameworkId, group, 1);
  }

  private unallocateOn(agent: AgentState, frameworkId: string, resources: Resource[]): void {
    const released = this.withRole(frameworkId, resources);
    const held = agent.allocated.get(frameworkId) ?? [];
    // A whole offer coming back (a DECLINE) is the very list that went out: nothing to subtract.
    const remaining = released === held ? [] : res.subtract(held, released);
    if (remaining.length) agent.allocated.set(frameworkId, remaining);
    else agent.allocated.delete(frameworkId);
    // An agent that had given everything away has exactly the released resources available again.
    if (agent.available) agent.available = agent.available.length === 0 ? res.unallocate(released) : res.add(agent.available, res.unallocate(released));
    for (const [role, group] of this.byRole(released)) this.charge(role, frameworkId, group, -1);
  }

  /** Sorters learn the cluster total lazily: adding 50,000 agents must not re-sort 50,000 times. */
  private flushTotals(): void {
    if (!this.totalsDirty) return;
    this.totalsDirty = false;
    const total: Resource[] = [...this.clusterTotal].map(([name, value]) => ({ name, type: 'SCALAR', scalar: { value } }));
    this.roleSorter.setTotal(total);
    for (const sorter of this.frameworkSorters.values()) sorter.setTotal(total);
  }
}
