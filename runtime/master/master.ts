// The Mesos master: its state (the maps of frameworks, agents and offers) and the wiring of the parts
// that act on it. frameworks.ts subscribes and removes frameworks, agents.ts admits, pings and removes
// agents, offers.ts turns allocations into offers and applies ACCEPTs, tasks.ts launches, kills and
// relays status updates, draining.ts and maintenance.ts do what their operator calls ask, and the
// allocation driver runs the allocator (under a controller such as the debugger: allocation-control.ts;
// what the cluster held after each cycle: cycle-states.ts). http/ serves the APIs on top. Everything
// here is soft state except the registry (admitted agents, frameworks, weights, quota, maintenance).
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import type { Logger } from '../common/log';
import type { AgentEvent } from '../common/protocol/internal';
import type { MasterInfo, SchedulerEvent } from '../common/protocol/v1';
import { Agents } from './agents';
import { AllocationDriver, type OfferRemovalCause } from './allocation';
import { AllocationControl } from './allocation-control';
import type { AllocationTrigger, Allocator } from './allocator/allocator';
import { Draining } from './draining';
import type { MasterOptions } from './flags';
import { CycleStates } from './cycle-states';
import { Frameworks } from './frameworks';
import { Maintenance } from './maintenance';
import { Offers } from './offers';
import { recoverRoles } from './quota';
import type { Registry } from './registry';
import { Reservations } from './reservations';
import { now, type FrameworkRecord, type MasterContext, type MasterEvents, type MasterState } from './state';
import { Tasks } from './tasks';
import { MASTER_VERSION } from './version';

export class Master implements MasterContext {
  readonly id: string;
  readonly startTime = now();
  readonly info: MasterInfo;
  readonly state: MasterState = {
    frameworks: new Map(),
    completedFrameworks: [],
    agents: new Map(),
    offers: new Map(),
    counters: { valid_status_updates: 0, invalid_status_updates: 0, messages_launch_tasks: 0 },
    terminalCounts: new Map(),
  };
  readonly events = new EventEmitter<MasterEvents>();
  readonly allocation: AllocationDriver;
  readonly allocationControl: AllocationControl;
  readonly cycleStates: CycleStates;
  readonly frameworks: Frameworks;
  readonly agents: Agents;
  readonly offers: Offers;
  readonly tasks: Tasks;
  readonly reservations: Reservations;
  readonly draining: Draining;
  readonly maintenance: Maintenance;

  constructor(readonly options: MasterOptions, readonly allocator: Allocator, readonly registry: Registry, readonly log: Logger) {
    this.id = options.id;
    this.info = masterInfo(options);
    const { agents, frameworks } = this.state;
    this.allocation = new AllocationDriver(allocator, options.allocationIntervalMs, log);
    this.allocationControl = new AllocationControl(this.allocation);
    // Maintenance and draining see the master only through these calls (the parts they call are made below).
    const removeAgent = (agentId: string, message: string) => this.agents.remove(agentId, message);
    const rescindAgentOffers = (agentId: string, cause: OfferRemovalCause) => this.offers.rescindAgentOffers(agentId, cause);
    this.maintenance = new Maintenance({
      id: this.id, registry, agents, frameworks, removeAgent, rescindAgentOffers,
      sendToFramework: (fw, event) => this.sendToFramework(fw, event),
    });
    this.draining = new Draining({
      registry, agents, removeAgent,
      deactivateAgent: (agent, why) => this.agents.deactivate(agent, why),
      activateAgent: (agent) => this.agents.activate(agent),
      agentHasTasks: (agentId) => this.agents.hasTasks(agentId),
      scheduledMachine: (agent) => this.maintenance.scheduledMachine(agent),
    });
    // The data path, in dependency order: each part gets the context and the parts it calls.
    this.tasks = new Tasks(this, this.draining);
    this.reservations = new Reservations(this, rescindAgentOffers);
    this.offers = new Offers(this, { allocation: this.allocation, tasks: this.tasks, reservations: this.reservations, maintenance: this.maintenance });
    this.frameworks = new Frameworks(this, { offers: this.offers, tasks: this.tasks, maintenance: this.maintenance });
    this.agents = new Agents(this, { frameworks: this.frameworks, offers: this.offers, tasks: this.tasks, draining: this.draining, maintenance: this.maintenance });
    this.allocation.on('decided', ({ cycle, allocations }) => {
      this.offers.make(cycle, allocations);
      this.maintenance.makeInverseOffers();
    });
    this.cycleStates = new CycleStates(this.state, this.allocation);
  }

  start(): void {
    // Frameworks of the registry must re-subscribe within their failover_timeout, counted from now.
    for (const info of this.registry.state.frameworks) {
      if (info.id && !this.state.frameworks.has(info.id.value)) this.frameworks.recover(info);
    }
    recoverRoles(this);
    this.allocation.start();
    this.agents.start();
  }

  stop(): void {
    this.allocation.stop();
    // Frameworks' streams first: what closing the agents' streams sets off is not for them any more.
    for (const fw of this.state.frameworks.values()) { fw.stream?.close(); clearTimeout(fw.failoverTimer); }
    this.agents.stop();
    for (const offer of this.state.offers.values()) clearTimeout(offer.timer);
    this.events.emit('stopped');
  }

  requestAllocation(trigger: AllocationTrigger): void {
    this.allocation.request(trigger);
  }

  sendToFramework(fw: FrameworkRecord, event: SchedulerEvent): void {
    fw.stream?.send(event);
  }

  sendToAgent(agentId: string, event: AgentEvent): void {
    const agent = this.state.agents.get(agentId);
    if (agent?.stream) agent.stream.send(event);
    else this.log.warn(`Not sending ${event.type} to agent ${agentId}: not connected`);
  }
}

/** MasterInfo as Mesos publishes it (also the JSON a contender writes to ZooKeeper). */
export function masterInfo(options: Pick<MasterOptions, 'id' | 'ip' | 'port' | 'hostname'>): MasterInfo {
  return {
    id: options.id,
    ip: ipToInt(options.ip),
    port: options.port,
    pid: `master@${options.ip}:${options.port}`,
    hostname: options.hostname,
    version: MASTER_VERSION,
    address: { hostname: options.hostname, ip: options.ip, port: options.port },
    capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }, { type: 'QUOTA_V2' }],
  };
}

function ipToInt(ip: string): number {
  // MasterInfo.ip is the IPv4 address in network byte order read as a little-endian uint32, as Mesos writes it.
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return 0;
  return ((parts[3] << 24) >>> 0) + (parts[2] << 16) + (parts[1] << 8) + parts[0];
}

export const defaultHostname = (ip: string) => (ip === '0.0.0.0' ? os.hostname() : ip);
