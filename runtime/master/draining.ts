// Agent deactivation, automatic draining and marking agents gone (Mesos docs/maintenance.md, "Automatic
// Node Draining" and "Manual Node Draining"). A deactivated agent keeps its tasks but gets no offers. A
// draining one is deactivated too and told to kill every task (each within the drain's max_grace_period);
// it is DRAINED once no task of it is left (every terminal update acknowledged), or marked gone then if
// the drain says mark_gone. A gone agent is removed for good: its tasks are gone, it may never come back.
// All of this is in the registry, so a new leader carries on with it.
import type { AgentEvent } from '../common/protocol/internal';
import { Refusal } from '../common/refusal';
import type { OfferRemovalCause } from './allocation';
import type { DrainInfo, Registry } from './registry';
import type { AgentRecord } from './state';

type DrainConfig = DrainInfo['config'];

/** What draining needs of the master. */
export interface DrainingContext {
  readonly registry: Registry;
  readonly agents: ReadonlyMap<string, AgentRecord>;
  /** No more offers for the agent; its tasks run on. */
  deactivateAgent(agent: AgentRecord, cause: OfferRemovalCause): void;
  activateAgent(agent: AgentRecord): void;
  /** Shuts a registered agent down and forgets it; its tasks are gone. */
  removeAgent(agentId: string, message: string): void;
  agentHasTasks(agentId: string): boolean;
  /** The agent's machine, described, when it is in the maintenance schedule. */
  scheduledMachine(agent: AgentRecord): string | undefined;
}

export class Draining {
  /** When each draining agent was last told to drain (GET_AGENTS' estimated_drain_start_time). */
  private readonly drainStarted = new Map<string, number>();

  constructor(private readonly master: DrainingContext) {}

  isDeactivated(agentId: string): boolean {
    return this.master.registry.state.deactivated_agents.includes(agentId);
  }

  drainInfo(agentId: string): DrainInfo | undefined {
    return this.master.registry.state.agent_drain[agentId];
  }

  isGone(agentId: string): boolean {
    return this.master.registry.state.gone_agents.some((a) => a.id === agentId);
  }

  /** GET_AGENTS' fields for the agent. */
  agentFields(agentId: string): Record<string, unknown> {
    const drain = this.drainInfo(agentId);
    const started = this.drainStarted.get(agentId);
    return {
      deactivated: this.isDeactivated(agentId),
      ...(drain ? { drain_info: drain } : {}),
      ...(started !== undefined ? { estimated_drain_start_time: { nanoseconds: Math.round(started * 1e6) } } : {}),
    };
  }

  /** Registered, admitted but not re-registered since this master took over, or unreachable. */
  private known(agentId: string): boolean {
    const { admitted_agents: admitted, unreachable_agents: unreachable } = this.master.registry.state;
    return this.master.agents.has(agentId) || admitted.some((a) => a.id?.value === agentId) || unreachable.some((a) => a.id === agentId);
  }

  deactivate(agentId: string): void {
    if (!this.known(agentId)) throw new Refusal('invalid', 'Unknown agent');
    this.master.registry.putAgentState(agentId, true, this.drainInfo(agentId));
    const agent = this.master.agents.get(agentId);
    if (agent) this.master.deactivateAgent(agent, 'AGENT_DEACTIVATED');
  }

  reactivate(agentId: string): void {
    if (!this.isDeactivated(agentId)) throw new Refusal('invalid', 'Agent is not deactivated');
    if (this.drainInfo(agentId)?.state === 'DRAINING') throw new Refusal('invalid', 'Agent is still in the DRAINING state');
    this.master.registry.putAgentState(agentId, false, undefined);
    this.drainStarted.delete(agentId);
    const agent = this.master.agents.get(agentId);
    if (agent?.connected) this.master.activateAgent(agent);
  }

  drain(agentId: string, config: DrainConfig): void {
    const agent = this.master.agents.get(agentId);
    const scheduled = agent && this.master.scheduledMachine(agent);
    if (scheduled) throw new Refusal('invalid', `Agent ${agentId} is part of a maintenance schedule under Machine ${scheduled}`);
    if (!this.known(agentId)) throw new Refusal('invalid', 'Unknown agent');
    this.master.registry.putAgentState(agentId, true, { state: 'DRAINING', config });
    if (agent) {
      this.master.deactivateAgent(agent, 'AGENT_DRAINING');
      this.tellToDrain(agent);
      this.check(agentId);
    }
  }

  /** Marking an agent gone twice is no error, as in Mesos. */
  markGone(agentId: string): void {
    if (this.isGone(agentId)) return;
    if (!this.known(agentId)) throw new Refusal('not_found', `Agent '${agentId}' not found`);
    this.gone(agentId);
  }

  private gone(agentId: string): void {
    this.master.registry.markGone(agentId);
    this.master.removeAgent(agentId, 'Agent has been marked gone');
    this.drainStarted.delete(agentId);
  }

  /** An agent (re-)registered: a deactivated one stays out of offers, a draining one is told to drain again. */
  agentRegistered(agent: AgentRecord): void {
    if (!this.isDeactivated(agent.id)) return;
    this.master.deactivateAgent(agent, 'AGENT_DEACTIVATED');
    if (!this.drainInfo(agent.id)) return;
    this.tellToDrain(agent);
    this.check(agent.id);
  }

  private tellToDrain(agent: AgentRecord): void {
    this.drainStarted.set(agent.id, Date.now());
    agent.stream?.send({ type: 'DRAIN', drain: { config: this.drainInfo(agent.id)!.config } } satisfies AgentEvent);
  }

  /** A draining agent with no task left is DRAINED (or gone, as its drain asks). */
  check(agentId: string): void {
    const drain = this.drainInfo(agentId);
    if (drain?.state !== 'DRAINING' || !this.master.agents.has(agentId) || this.master.agentHasTasks(agentId)) return;
    if (drain.config.mark_gone) return this.gone(agentId);
    this.master.registry.putAgentState(agentId, true, { ...drain, state: 'DRAINED' });
  }
}
