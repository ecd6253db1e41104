// The registry: what a master must not forget across restarts (Mesos keeps it in the replicated log):
// admitted, unreachable and gone agents, agents deactivated or draining, frameworks, weights, quota, the
// maintenance schedule and DOWN machines.
// Where it is kept is a RegistryStore: nowhere (in memory), one JSON file in --work_dir (standalone),
// or a znode (runtime/zk/registry.ts, given registryCodec).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentInfo, DurationInfo, FrameworkInfo, MachineID, Unavailability } from '../common/protocol/v1';

/** Mesos' maintenance schedule: windows of machines, each with an unavailability. */
export interface MaintenanceWindow { machine_ids: MachineID[]; unavailability: Unavailability }
export interface MaintenanceSchedule { windows: MaintenanceWindow[] }

/** Mesos' QuotaConfig: scalar guarantees and limits of a role. */
export interface QuotaConfig {
  role: string;
  guarantees?: Record<string, { value: number }>;
  limits?: Record<string, { value: number }>;
}

/** mesos.proto's DrainInfo: an agent's drain state and the DRAIN_AGENT call's config. */
export interface DrainInfo {
  state: 'DRAINING' | 'DRAINED';
  config: { max_grace_period?: DurationInfo; mark_gone: boolean };
}

export interface RegistryState {
  admitted_agents: AgentInfo[];
  unreachable_agents: Array<{ id: string; timestamp: number }>;
  /** Agents marked gone by the operator: they are never admitted again. */
  gone_agents: Array<{ id: string; timestamp: number }>;
  /** Agents deactivated by the operator (DEACTIVATE_AGENT, DRAIN_AGENT): no offers for them. */
  deactivated_agents: string[];
  agent_drain: Record<string, DrainInfo>;
  frameworks: FrameworkInfo[];
  weights: Record<string, number>;
  quota_configs: QuotaConfig[];
  maintenance_schedule: MaintenanceSchedule;
  down_machines: MachineID[];
}

/**
 * Where the registry is kept: save() runs after every change, before the master acts on it. A failure,
 * thrown or (for a store that writes asynchronously) a rejected promise, goes to Registry.onFailure.
 */
export interface RegistryStore {
  save(state: RegistryState): void | Promise<unknown>;
}

export const emptyRegistry = (): RegistryState => ({
  admitted_agents: [], unreachable_agents: [], gone_agents: [], deactivated_agents: [], agent_drain: {}, frameworks: [], weights: {}, quota_configs: [], maintenance_schedule: { windows: [] }, down_machines: [],
});

/** The registry as stored bytes (JSON); fields an older document lacks take their empty value. */
export const registryCodec = {
  encode: (state: RegistryState): Buffer => Buffer.from(JSON.stringify(state)),
  decode: (data: Buffer): RegistryState => ({ ...emptyRegistry(), ...(JSON.parse(data.toString('utf8') || '{}') as RegistryState) }),
};

/** The registry's operations over its state; without a store it lives in memory (Mesos' --registry=in_memory). */
export class Registry {
  /** Told when a change could not be persisted: the master must not act on it, so it steps down. */
  onFailure: (e: Error) => void = (e) => { throw e; };

  constructor(readonly state: RegistryState = emptyRegistry(), private readonly store?: RegistryStore) {}

  /** An agent admitted (registered or re-registered): no longer unreachable. */
  admitAgent(info: AgentInfo): void {
    const id = info.id?.value;
    this.state.admitted_agents = this.state.admitted_agents.filter((a) => a.id?.value !== id).concat(info);
    this.state.unreachable_agents = this.state.unreachable_agents.filter((a) => a.id !== id);
    this.persist();
  }

  markUnreachable(agentId: string): void {
    this.state.admitted_agents = this.state.admitted_agents.filter((a) => a.id?.value !== agentId);
    this.state.unreachable_agents.push({ id: agentId, timestamp: Date.now() / 1000 });
    this.persist();
  }

  /** An agent removed by the operator (its machine went down): neither admitted nor unreachable. */
  removeAgent(agentId: string): void {
    this.state.admitted_agents = this.state.admitted_agents.filter((a) => a.id?.value !== agentId);
    this.persist();
  }

  /** An agent's deactivation and drain state (REACTIVATE_AGENT clears both). */
  putAgentState(agentId: string, deactivated: boolean, drain: DrainInfo | undefined): void {
    this.state.deactivated_agents = this.state.deactivated_agents.filter((id) => id !== agentId).concat(deactivated ? [agentId] : []);
    const { [agentId]: _previous, ...others } = this.state.agent_drain;
    this.state.agent_drain = drain ? { ...others, [agentId]: drain } : others;
    this.persist();
  }

  /** MARK_AGENT_GONE: the agent is neither admitted nor unreachable, and never comes back. */
  markGone(agentId: string): void {
    this.state.admitted_agents = this.state.admitted_agents.filter((a) => a.id?.value !== agentId);
    this.state.unreachable_agents = this.state.unreachable_agents.filter((a) => a.id !== agentId);
    this.state.deactivated_agents = this.state.deactivated_agents.filter((id) => id !== agentId);
    const { [agentId]: _drain, ...others } = this.state.agent_drain;
    this.state.agent_drain = others;
    this.state.gone_agents.push({ id: agentId, timestamp: Date.now() / 1000 });
    this.persist();
  }

  /** Forgets these unreachable agents (registry GC). */
  pruneUnreachable(agentIds: Set<string>): void {
    this.state.unreachable_agents = this.state.unreachable_agents.filter((a) => !agentIds.has(a.id));
    this.persist();
  }

  putFramework(info: FrameworkInfo): void {
    this.state.frameworks = this.state.frameworks.filter((f) => f.id?.value !== info.id?.value).concat(info);
    this.persist();
  }

  removeFramework(id: string): void {
    this.state.frameworks = this.state.frameworks.filter((f) => f.id?.value !== id);
    this.persist();
  }

  putWeights(weights: Record<string, number>): void {
    this.state.weights = { ...this.state.weights, ...weights };
    this.persist();
  }

  /** A config without guarantees and limits removes the role's quota. */
  putQuota(config: QuotaConfig): void {
    const others = this.state.quota_configs.filter((q) => q.role !== config.role);
    const removed = Object.keys(config.guarantees ?? {}).length === 0 && Object.keys(config.limits ?? {}).length === 0;
    this.state.quota_configs = removed ? others : others.concat(config);
    this.persist();
  }

  putMaintenance(schedule: MaintenanceSchedule, down: MachineID[]): void {
    this.state.maintenance_schedule = schedule;
    this.state.down_machines = down;
    this.persist();
  }

  private persist(): void {
    try {
      this.store?.save(this.state)?.catch((e: Error) => this.onFailure(e));
    } catch (e) {
      this.onFailure(e as Error);
    }
  }
}

/** Standalone masters keep the registry as one JSON file in --work_dir. */
export function fileRegistry(workDir: string): Registry {
  fs.mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, 'registry.json');
  return new Registry(fs.existsSync(file) ? registryCodec.decode(fs.readFileSync(file)) : emptyRegistry(), {
    // Written (atomically) before the change is acted on, so a crash never loses an admitted agent or framework.
    save: (state) => {
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, registryCodec.encode(state));
      fs.renameSync(tmp, file);
    },
  });
}
