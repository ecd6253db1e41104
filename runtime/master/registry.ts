// The registry: what a master must not forget across restarts (Mesos keeps it in the replicated log):
// admitted, unreachable and gone agents, agents deactivated or draining, frameworks, weights, quota, the
// maintenance schedule and DOWN machines.
// Standalone masters keep it as one JSON file in --work_dir, written atomically.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentInfo, DurationInfo, FrameworkInfo, MachineID } from '../common/protocol/v1';
import type { MaintenanceSchedule } from './maintenance';

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

export interface Registry {
  readonly state: RegistryState;
  admitAgent(info: AgentInfo): void;
  markUnreachable(agentId: string): void;
  /** An agent removed by the operator (its machine went down): neither admitted nor unreachable. */
  removeAgent(agentId: string): void;
  /** An agent's deactivation and drain state (REACTIVATE_AGENT clears both). */
  putAgentState(agentId: string, deactivated: boolean, drain: DrainInfo | undefined): void;
  /** MARK_AGENT_GONE: the agent is neither admitted nor unreachable, and never comes back. */
  markGone(agentId: string): void;
  /** Forgets these unreachable agents (registry GC). */
  pruneUnreachable(agentIds: Set<string>): void;
  putFramework(info: FrameworkInfo): void;
  removeFramework(id: string): void;
  putWeights(weights: Record<string, number>): void;
  putQuota(config: QuotaConfig): void;
  putMaintenance(schedule: MaintenanceSchedule, down: MachineID[]): void;
}

export const emptyRegistry = (): RegistryState => ({
  admitted_agents: [], unreachable_agents: [], gone_agents: [], deactivated_agents: [], agent_drain: {}, frameworks: [], weights: {}, quota_configs: [], maintenance_schedule: { windows: [] }, down_machines: [],
});

/** The registry's operations over its state; where it is kept is up to subclasses (save()). */
export class MemoryRegistry implements Registry {
  /** Told when a change could not be persisted: the master must not act on it, so it steps down. */
  onFailure: (e: Error) => void = (e) => { throw e; };

  constructor(readonly state: RegistryState = emptyRegistry()) {}

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

  removeAgent(agentId: string): void {
    this.state.admitted_agents = this.state.admitted_agents.filter((a) => a.id?.value !== agentId);
    this.persist();
  }

  putAgentState(agentId: string, deactivated: boolean, drain: DrainInfo | undefined): void {
    this.state.deactivated_agents = this.state.deactivated_agents.filter((id) => id !== agentId).concat(deactivated ? [agentId] : []);
    const { [agentId]: _previous, ...others } = this.state.agent_drain;
    this.state.agent_drain = drain ? { ...others, [agentId]: drain } : others;
    this.persist();
  }

  markGone(agentId: string): void {
    this.state.admitted_agents = this.state.admitted_agents.filter((a) => a.id?.value !== agentId);
    this.state.unreachable_agents = this.state.unreachable_agents.filter((a) => a.id !== agentId);
    this.state.deactivated_agents = this.state.deactivated_agents.filter((id) => id !== agentId);
    const { [agentId]: _drain, ...others } = this.state.agent_drain;
    this.state.agent_drain = others;
    this.state.gone_agents.push({ id: agentId, timestamp: Date.now() / 1000 });
    this.persist();
  }

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
      this.save();
    } catch (e) {
      this.onFailure(e as Error);
    }
  }

  /** Called after every change; in memory there is nothing to do (like Mesos' --registry=in_memory). */
  protected save(): void {}
}

/** Standalone masters keep the registry as one JSON file in --work_dir. */
export class FileRegistry extends MemoryRegistry {
  private readonly file: string;

  constructor(workDir: string) {
    fs.mkdirSync(workDir, { recursive: true });
    const file = path.join(workDir, 'registry.json');
    super(fs.existsSync(file) ? { ...emptyRegistry(), ...(JSON.parse(fs.readFileSync(file, 'utf8')) as RegistryState) } : emptyRegistry());
    this.file = file;
  }

  /** Written before the change is acted on, so a crash never loses an admitted agent or framework. */
  protected override save(): void {
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state));
    fs.renameSync(tmp, this.file);
  }
}
