// Maintenance primitives (Mesos docs/maintenance.md). The cluster has one schedule: windows of machines,
// each with an unavailability. A scheduled machine is DRAINING: offers of its agents carry the
// unavailability and frameworks using it get inverse offers, which they accept or decline (a hint for the
// operator, nothing more). The operator takes DRAINING machines DOWN (their agents are shut down and kept
// out) and brings DOWN machines UP again (out of the schedule). Schedule and DOWN machines live in the registry.
import { isIP } from 'node:net';
import { IdSequence } from '../common/ids';
import type { Filters, InverseOffer, MachineID, SchedulerEvent, Unavailability } from '../common/protocol/v1';
import { Refusal } from '../common/refusal';
import * as v from '../common/validate';
import { ValidationError } from '../common/validate';
import type { OfferRemovalCause } from './allocation';
import type { MaintenanceSchedule, MaintenanceWindow, Registry } from './registry';
import type { AgentRecord, FrameworkRecord } from './state';

export type MachineMode = 'UP' | 'DRAINING' | 'DOWN';

/** allocator.proto's InverseOfferStatus: a framework's latest answer about a machine. */
interface InverseOfferStatus { status: 'UNKNOWN' | 'ACCEPT' | 'DECLINE'; framework_id: { value: string }; timestamp: { nanoseconds: number } }

/** Hostnames match case-insensitively; a missing field counts as "" (so both must match what agents announce). */
export const machineKey = (m: MachineID): string => `${(m.hostname ?? '').toLowerCase()}/${m.ip ?? ''}`;
const describe = (m: MachineID) => `'${m.hostname ?? ''}' (${m.ip ?? ''})`;

/** The machine an agent runs on: the hostname it announces and the IP of its pid. */
export const machineOf = (hostname: string, pid: string): MachineID => ({ hostname, ip: pid.split('@')[1]?.split(':')[0] ?? '' });

function parseMachine(value: unknown, path: string): MachineID {
  const m = v.object(value, path);
  const hostname = v.optionalString(m.hostname, `${path}.hostname`);
  const ip = v.optionalString(m.ip, `${path}.ip`);
  if (!hostname && !ip) throw new ValidationError(`'${path}' needs a 'hostname' or an 'ip'`);
  if (ip && !isIP(ip)) throw new ValidationError(`'${path}.ip' is not an IP address: '${ip}'`);
  return { ...(hostname ? { hostname } : {}), ...(ip ? { ip } : {}) };
}

function nanoseconds(value: unknown, path: string): { nanoseconds: number } {
  const n = v.number(v.object(value, path).nanoseconds, `${path}.nanoseconds`);
  if (n < 0) throw new ValidationError(`'${path}.nanoseconds' must not be negative`);
  return { nanoseconds: n };
}

/** A schedule as Mesos validates it; every DOWN machine must stay in it (only /machine/up takes one out). */
export function parseSchedule(body: unknown, down: MachineID[]): MaintenanceSchedule {
  const s = v.object(body, 'schedule');
  const seen = new Set<string>();
  const windows = v.optionalArray(s.windows, 'windows').map((w, i) => {
    const path = `windows[${i}]`;
    const window = v.object(w, path);
    const ids = v.array(window.machine_ids, `${path}.machine_ids`);
    if (ids.length === 0) throw new ValidationError(`'${path}.machine_ids' must not be empty`);
    const machine_ids = ids.map((m, j) => {
      const id = parseMachine(m, `${path}.machine_ids[${j}]`);
      if (seen.has(machineKey(id))) throw new ValidationError(`Machine ${describe(id)} appears more than once in the schedule`);
      seen.add(machineKey(id));
      return id;
    });
    const u = v.object(window.unavailability, `${path}.unavailability`);
    const unavailability: Unavailability = {
      start: nanoseconds(u.start, `${path}.unavailability.start`),
      ...(u.duration !== undefined ? { duration: nanoseconds(u.duration, `${path}.unavailability.duration`) } : {}),
    };
    return { machine_ids, unavailability };
  });
  for (const m of down) {
    if (!seen.has(machineKey(m))) throw new ValidationError(`Machine ${describe(m)} is DOWN and must stay in the schedule until it is brought up`);
  }
  return { windows };
}

/** The body of /machine/down and /machine/up: a non-empty list of distinct machines. */
export function parseMachines(body: unknown, path = 'machines'): MachineID[] {
  const list = v.array(body, path);
  if (list.length === 0) throw new ValidationError(`'${path}' must not be empty`);
  const seen = new Set<string>();
  return list.map((m, i) => {
    const id = parseMachine(m, `${path}[${i}]`);
    if (seen.has(machineKey(id))) throw new ValidationError(`Machine ${describe(id)} appears more than once`);
    seen.add(machineKey(id));
    return id;
  });
}

interface Outstanding { frameworkId: string; agentId: string; machine: string }

/** What maintenance needs of the master. */
export interface MaintenanceContext {
  /** The master's id: inverse offer ids start with it. */
  readonly id: string;
  readonly registry: Registry;
  readonly agents: ReadonlyMap<string, AgentRecord>;
  readonly frameworks: ReadonlyMap<string, FrameworkRecord>;
  sendToFramework(fw: FrameworkRecord, event: SchedulerEvent): void;
  rescindAgentOffers(agentId: string, cause: OfferRemovalCause): void;
  /** Shuts a registered agent down and forgets it; its tasks are gone. */
  removeAgent(agentId: string, message: string): void;
}

export class Maintenance {
  private readonly inverseOffers = new Map<string, Outstanding>();
  /** machine key -> framework id -> latest answer. */
  private readonly statuses = new Map<string, Map<string, InverseOfferStatus>>();
  /** `${framework}/${agent}` -> no inverse offer before this time (ms), after an answer with filters. */
  private readonly filters = new Map<string, number>();
  private readonly ids: IdSequence;

  constructor(private readonly master: MaintenanceContext) {
    this.ids = new IdSequence(`${master.id}-IO`, 1);
  }

  private get schedule(): MaintenanceSchedule { return this.master.registry.state.maintenance_schedule; }
  private get down(): MachineID[] { return this.master.registry.state.down_machines; }

  mode(machine: MachineID): MachineMode {
    const key = machineKey(machine);
    if (this.down.some((m) => machineKey(m) === key)) return 'DOWN';
    return this.window(key) ? 'DRAINING' : 'UP';
  }

  private window(key: string): MaintenanceWindow | undefined {
    return this.schedule.windows.find((w) => w.machine_ids.some((m) => machineKey(m) === key));
  }

  /** The agent's machine, described, when it is in the maintenance schedule. */
  scheduledMachine(agent: AgentRecord): string | undefined {
    const machine = machineOf(agent.info.hostname, agent.pid);
    return this.window(machineKey(machine)) ? describe(machine) : undefined;
  }

  /** The unavailability offers of this agent carry, if its machine is scheduled for maintenance. */
  unavailability(agent: AgentRecord): Unavailability | undefined {
    return this.window(machineKey(machineOf(agent.info.hostname, agent.pid)))?.unavailability;
  }

  schedulePayload(): MaintenanceSchedule {
    return this.schedule;
  }

  /** Replaces the schedule. Offers of agents whose unavailability changed are rescinded (re-sent with the new one). */
  updateSchedule(schedule: MaintenanceSchedule): void {
    const before = new Map([...this.master.agents.values()].map((a) => [a.id, JSON.stringify(this.unavailability(a))]));
    this.master.registry.putMaintenance(schedule, this.down);
    for (const agent of this.master.agents.values()) {
      if (before.get(agent.id) === JSON.stringify(this.unavailability(agent))) continue;
      this.master.rescindAgentOffers(agent.id, 'MAINTENANCE_SCHEDULE_CHANGED');
      if (!this.unavailability(agent)) this.forgetAgent(agent.id);
    }
    for (const key of [...this.statuses.keys()]) if (!this.window(key)) this.statuses.delete(key);
  }

  /** /machine/down: DRAINING machines go DOWN; their agents are shut down and removed. */
  startMaintenance(machines: MachineID[]): void {
    const notDraining = machines.find((m) => this.mode(m) !== 'DRAINING');
    if (notDraining) throw new Refusal('invalid', `Machine ${describe(notDraining)} is not in DRAINING mode and cannot be brought down`);
    this.master.registry.putMaintenance(this.schedule, [...this.down, ...machines]);
    const keys = new Set(machines.map(machineKey));
    for (const key of keys) this.statuses.delete(key);
    for (const agent of [...this.master.agents.values()]) {
      if (!keys.has(machineKey(machineOf(agent.info.hostname, agent.pid)))) continue;
      this.forgetAgent(agent.id);
      this.master.registry.removeAgent(agent.id);
      this.master.removeAgent(agent.id, "Operator initiated 'Machine DOWN'");
    }
  }

  /** /machine/up: DOWN machines are UP again, and out of the schedule. */
  stopMaintenance(machines: MachineID[]): void {
    const notDown = machines.find((m) => this.mode(m) !== 'DOWN');
    if (notDown) throw new Refusal('invalid', `Machine ${describe(notDown)} is not in DOWN mode and cannot be brought up`);
    const keys = new Set(machines.map(machineKey));
    const windows = this.schedule.windows
      .map((w) => ({ ...w, machine_ids: w.machine_ids.filter((m) => !keys.has(machineKey(m))) }))
      .filter((w) => w.machine_ids.length > 0);
    this.master.registry.putMaintenance({ windows }, this.down.filter((m) => !keys.has(machineKey(m))));
  }

  /** maintenance.proto's ClusterStatus. */
  status(): { draining_machines: Array<{ id: MachineID; statuses: InverseOfferStatus[] }>; down_machines: MachineID[] } {
    const down = new Set(this.down.map(machineKey));
    const draining = this.schedule.windows.flatMap((w) => w.machine_ids).filter((m) => !down.has(machineKey(m)));
    return {
      draining_machines: draining.map((id) => ({ id, statuses: [...(this.statuses.get(machineKey(id))?.values() ?? [])] })),
      down_machines: this.down,
    };
  }

  /**
   * Each allocation cycle: every framework using resources of an agent on a DRAINING machine holds an
   * inverse offer for it, unless it has one outstanding or answered within its filter.
   */
  makeInverseOffers(): void {
    if (this.schedule.windows.length === 0) return;
    const draining = new Map<string, { agent: AgentRecord; unavailability: Unavailability }>();
    for (const agent of this.master.agents.values()) {
      const unavailability = this.unavailability(agent);
      if (unavailability) draining.set(agent.id, { agent, unavailability });
    }
    if (draining.size === 0) return;
    const outstanding = new Set([...this.inverseOffers.values()].map((o) => `${o.frameworkId}/${o.agentId}`));
    for (const fw of this.master.frameworks.values()) {
      if (!fw.connected) continue;
      const inverseOffers: InverseOffer[] = [];
      const using = new Set([...fw.tasks.values()].map((t) => t.agent_id.value).filter((id) => draining.has(id)));
      for (const agentId of using) {
        const { agent, unavailability } = draining.get(agentId)!;
        const machine = machineKey(machineOf(agent.info.hostname, agent.pid));
        const pair = `${fw.id}/${agent.id}`;
        if (outstanding.has(pair) || (this.filters.get(pair) ?? 0) > Date.now()) continue;
        const id = this.ids.take();
        this.inverseOffers.set(id, { frameworkId: fw.id, agentId: agent.id, machine });
        this.record(machine, fw.id, 'UNKNOWN');
        inverseOffers.push({ id: { value: id }, framework_id: { value: fw.id }, agent_id: { value: agent.id }, unavailability, resources: [] });
      }
      if (inverseOffers.length) this.master.sendToFramework(fw, { type: 'INVERSE_OFFERS', inverse_offers: { inverse_offers: inverseOffers } });
    }
  }

  /** ACCEPT_INVERSE_OFFERS / DECLINE_INVERSE_OFFERS: the answer is recorded for the operator; the filter delays the next one. */
  answer(frameworkId: string, ids: string[], accepted: boolean, filters: Filters | undefined): void {
    const refuseMs = (filters?.refuse_seconds ?? 5) * 1000;
    for (const id of ids) {
      const offer = this.inverseOffers.get(id);
      if (!offer || offer.frameworkId !== frameworkId) continue; // unknown ones are ignored, as offers are
      this.inverseOffers.delete(id);
      this.record(offer.machine, frameworkId, accepted ? 'ACCEPT' : 'DECLINE');
      this.filters.set(`${frameworkId}/${offer.agentId}`, Date.now() + refuseMs);
    }
  }

  private record(machine: string, frameworkId: string, status: InverseOfferStatus['status']): void {
    const byFramework = this.statuses.get(machine) ?? new Map<string, InverseOfferStatus>();
    byFramework.set(frameworkId, { status, framework_id: { value: frameworkId }, timestamp: { nanoseconds: Date.now() * 1e6 } });
    this.statuses.set(machine, byFramework);
  }

  /** The agent left, or is no longer draining: its inverse offers are rescinded. */
  forgetAgent(agentId: string): void {
    for (const [id, offer] of this.inverseOffers) {
      if (offer.agentId !== agentId) continue;
      this.inverseOffers.delete(id);
      const fw = this.master.frameworks.get(offer.frameworkId);
      if (fw) this.master.sendToFramework(fw, { type: 'RESCIND_INVERSE_OFFER', rescind_inverse_offer: { inverse_offer_id: { value: id } } });
    }
  }

  forgetFramework(frameworkId: string): void {
    for (const [id, offer] of this.inverseOffers) if (offer.frameworkId === frameworkId) this.inverseOffers.delete(id);
    for (const key of [...this.filters.keys()]) if (key.startsWith(`${frameworkId}/`)) this.filters.delete(key);
  }
}
