// Agents (Mesos' Master::registerSlave, reregisterSlave, markUnreachable, removeSlave and the slave
// observer's pings): registration and re-registration (an agent's report rebuilds what the master knew
// of it and its tasks, frameworks included), health checks (PING / PONG) and marking an agent unreachable,
// agents of the registry that never come back after a failover, the operator's removals, deactivation,
// and the registry's garbage collection of unreachable agents.
import type { EventStream } from '../common/http';
import { IdSequence } from '../common/ids';
import { guarded } from '../common/log';
import * as res from '../common/resources';
import type { AgentEvent } from '../common/protocol/internal';
import type { AgentInfo, FrameworkInfo, Resource, Task, TaskState } from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { OfferRemovalCause } from './allocation';
import type { Draining } from './draining';
import type { Frameworks } from './frameworks';
import { machineOf, type Maintenance } from './maintenance';
import type { Offers } from './offers';
import { RateLimiter } from './rate-limiter';
import { countTerminal, hasCapability, now, PARTITION_AWARE, type AgentRecord, type FrameworkRecord, type MasterContext, type MasterState } from './state';
import { masterStatus, type Tasks } from './tasks';
import { MASTER_VERSION } from './version';

export interface AgentsPeers {
  frameworks: Pick<Frameworks, 'recover'>;
  offers: Pick<Offers, 'rescindAgentOffers'>;
  tasks: Pick<Tasks, 'complete' | 'addCompleted'>;
  draining: Pick<Draining, 'isGone' | 'agentRegistered'>;
  maintenance: Pick<Maintenance, 'mode' | 'forgetAgent'>;
}

/** What an agent reports when it re-registers. */
export interface AgentReport { tasks: Task[]; frameworks: FrameworkInfo[] }

export class Agents {
  private readonly state: MasterState;
  private readonly ids: IdSequence;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Agents admitted before this master started that have not re-registered yet (Mesos' slaves.recovered). */
  private readonly recovered = new Set<string>();
  /** How many agents the registry held when this master started (the base of --recovery_agent_removal_limit). */
  private recoveredTotal = 0;
  private readonly removals?: RateLimiter;
  /** Agents failing health checks that wait for the removal rate limiter. */
  private readonly removing = new Set<string>();

  constructor(private readonly ctx: MasterContext, private readonly peers: AgentsPeers) {
    this.state = ctx.state;
    this.ids = new IdSequence(`${ctx.options.id}-S`, 1);
    if (ctx.options.agentRemovalRate) this.removals = new RateLimiter(ctx.options.agentRemovalRate);
  }

  /** The registry's admitted agents have --agent_reregister_timeout to come back; every agent is pinged. */
  start(): void {
    const { registry, options, log } = this.ctx;
    for (const admitted of registry.state.admitted_agents) if (admitted.id) this.recovered.add(admitted.id.value);
    this.recoveredTotal = this.recovered.size;
    this.timers.push(setTimeout(guarded(log, 'The agent re-registration timeout', () => this.recoveredAgentsTimeout()), options.agentReregisterTimeoutMs));
    this.timers.push(setInterval(guarded(log, 'Pinging agents', () => this.ping()), options.agentPingTimeoutMs));
    this.timers.push(setInterval(guarded(log, 'The registry GC', () => this.registryGc()), options.registryGcIntervalMs));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    this.removals?.stop();
    for (const t of this.timers) clearTimeout(t);
    for (const agent of this.state.agents.values()) agent.stream?.close();
  }

  /**
   * REGISTER (no id yet) or REREGISTER: the agent is admitted and hears REGISTERED on its stream, unless it
   * is gone or its machine is DOWN (then it is told to shut down).
   */
  register(id: string | undefined, pid: string, info: AgentInfo, total: Resource[], report: AgentReport, stream: EventStream): void {
    const refusal = id && this.peers.draining.isGone(id)
      ? { why: `Refusing agent ${id} at ${pid}: it has been marked gone`, message: 'Agent has been marked gone' }
      : this.peers.maintenance.mode(machineOf(info.hostname, pid)) === 'DOWN'
        ? { why: `Refusing agent at ${pid} (${info.hostname}): its machine is in maintenance (DOWN)`, message: 'Agent attempted to register while its machine is in maintenance (DOWN)' }
        : undefined;
    if (refusal) {
      this.ctx.log.warn(refusal.why);
      stream.send({ type: 'SHUTDOWN', shutdown: { message: refusal.message } } satisfies AgentEvent);
      stream.close();
      return;
    }
    const reregistering = id !== undefined;
    const existing = id ? this.state.agents.get(id) : undefined;
    if (existing) {
      // The agent reconnected (its stream broke or it restarted): forget what we knew, rebuild from its report.
      const old = existing.stream;
      existing.stream = undefined;
      old?.close();
      this.forget(existing, 'AGENT_REREGISTERED');
    }
    const agentId = id ?? this.ids.take();
    const agent: AgentRecord = {
      id: agentId, info: { ...info, id: { value: agentId } }, total: res.add(total), pid,
      stream, connected: true, active: true, version: MASTER_VERSION, registeredTime: existing?.registeredTime ?? now(),
      ...(reregistering ? { reregisteredTime: now() } : {}), awaitingPong: false, missedPings: 0,
    };
    const wasUnreachable = this.ctx.registry.state.unreachable_agents.some((a) => a.id === agentId);
    // Mesos 1.5+: an agent back from unreachable (or one this master never knew) brings its tasks back,
    // whoever runs them; frameworks hear each task's state again, before they would reconcile.
    const announce = reregistering && !existing && !this.recovered.has(agentId)
      ? (wasUnreachable ? 'Unreachable agent re-registered' : 'Unknown agent re-registered') : undefined;
    this.recovered.delete(agentId);
    this.state.agents.set(agentId, agent);
    this.ctx.registry.admitAgent(agent.info);
    stream.onClose(() => { if (agent.stream === stream) this.disconnect(agent); });
    const { used, shutdown } = this.adoptTasks(agentId, report, announce);
    this.ctx.allocator.addAgent(agentId, agent.total, used);
    stream.send({ type: 'REGISTERED', registered: { agent_id: { value: agentId }, master_info: this.ctx.info } } satisfies AgentEvent);
    for (const frameworkId of shutdown) stream.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: frameworkId } } } satisfies AgentEvent);
    this.ctx.log.info(`Agent ${agentId} at ${agent.pid} (${info.hostname}) ${reregistering ? 're-registered' : 'registered'} with ${res.formatResources(total)}${wasUnreachable ? ' after being unreachable' : ''}`);
    this.peers.draining.agentRegistered(agent);
    this.ctx.events.emit('agentAdded', agent);
    this.ctx.requestAllocation('agent_added');
  }

  /**
   * The tasks an agent reports become its frameworks' tasks again (a framework the master does not hold is
   * recovered from the report). Returns what each framework uses there, and the removed frameworks the
   * agent must shut down.
   */
  private adoptTasks(agentId: string, report: AgentReport, announce: string | undefined): { used: Map<string, Resource[]>; shutdown: Set<string> } {
    const used = new Map<string, Resource[]>();
    const shutdown = new Set<string>();
    const returned = new Set(report.tasks.map((t) => t.task_id.value));
    for (const task of report.tasks) {
      const frameworkId = task.framework_id.value;
      // A framework removed here is shut down on the agent, its tasks not brought back.
      if (this.state.completedFrameworks.some((f) => f.id === frameworkId)) { shutdown.add(frameworkId); continue; }
      const fw = this.state.frameworks.get(frameworkId)
        ?? this.peers.frameworks.recover(report.frameworks.find((f) => f.id?.value === frameworkId) ?? { user: 'unknown', name: 'unknown', id: task.framework_id });
      if (announce) this.ctx.sendToFramework(fw, { type: 'UPDATE', update: { status: masterStatus(task, task.state, 'REASON_AGENT_REREGISTERED', announce) } });
      if (!fw.tasks.has(task.task_id.value)) fw.tasks.set(task.task_id.value, task);
      if (!isTerminalState(task.state)) used.set(fw.id, res.add(used.get(fw.id) ?? [], res.unallocate(task.resources)));
    }
    // Every task of this agent is reachable again; one that comes back is no longer a completed one.
    for (const fw of this.state.frameworks.values()) {
      for (const [id, task] of fw.unreachableTasks) if (task.agent_id.value === agentId) fw.unreachableTasks.delete(id);
      if (announce) fw.completedTasks = fw.completedTasks.filter((t) => t.agent_id.value !== agentId || !returned.has(t.task_id.value));
    }
    return { used, shutdown };
  }

  /** PONG: the agent is healthy. */
  pong(agentId: string): void {
    const agent = this.state.agents.get(agentId);
    if (agent) { agent.awaitingPong = false; agent.missedPings = 0; }
  }

  /** No more offers for the agent (deactivated or draining); its tasks run on. */
  deactivate(agent: AgentRecord, cause: OfferRemovalCause): void {
    agent.active = false;
    this.ctx.allocator.deactivateAgent(agent.id);
    this.peers.offers.rescindAgentOffers(agent.id, cause);
  }

  activate(agent: AgentRecord): void {
    agent.active = true;
    this.ctx.allocator.activateAgent(agent.id);
    this.ctx.requestAllocation('agent_activated');
  }

  hasTasks(agentId: string): boolean {
    for (const fw of this.state.frameworks.values()) for (const task of fw.tasks.values()) if (task.agent_id.value === agentId) return true;
    return false;
  }

  /**
   * The operator removed the agent (its machine went DOWN, or it was marked gone; the caller has recorded
   * which in the registry): a registered agent is told to shut down and forgotten. Its tasks, and those
   * kept from when it was unreachable, are gone (lost, to frameworks that are not partition-aware).
   */
  remove(agentId: string, message: string): void {
    const gone = (fw: FrameworkRecord, task: Task) => {
      const aware = hasCapability(fw.info, PARTITION_AWARE);
      task.state = aware ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST';
      countTerminal(this.state, task.state);
      this.ctx.sendToFramework(fw, { type: 'UPDATE', update: { status: masterStatus(task, task.state, aware ? 'REASON_AGENT_REMOVED_BY_OPERATOR' : 'REASON_AGENT_REMOVED', message) } });
    };
    const agent = this.state.agents.get(agentId);
    if (agent) {
      this.ctx.log.warn(`Removing agent ${agent.id} at ${agent.pid}: ${message}`);
      agent.stream?.send({ type: 'SHUTDOWN', shutdown: { message } } satisfies AgentEvent);
      this.evict(agent, (fw, task) => { gone(fw, task); this.peers.tasks.complete(fw, task); });
    }
    for (const fw of this.state.frameworks.values()) {
      for (const task of [...fw.unreachableTasks.values()]) {
        if (task.agent_id.value !== agentId) continue;
        fw.unreachableTasks.delete(task.task_id.value);
        gone(fw, task);
        this.peers.tasks.addCompleted(fw, task);
      }
    }
  }

  private forget(agent: AgentRecord, cause: OfferRemovalCause): void {
    this.peers.offers.rescindAgentOffers(agent.id, cause);
    this.peers.maintenance.forgetAgent(agent.id);
    for (const fw of this.state.frameworks.values()) {
      for (const task of [...fw.tasks.values()]) if (task.agent_id.value === agent.id) fw.tasks.delete(task.task_id.value);
    }
    this.ctx.allocator.removeAgent(agent.id);
  }

  private disconnect(agent: AgentRecord): void {
    this.ctx.log.warn(`Agent ${agent.id} at ${agent.pid} disconnected`);
    agent.stream = undefined;
    agent.connected = false;
    agent.active = false;
    this.ctx.allocator.deactivateAgent(agent.id);
    this.peers.offers.rescindAgentOffers(agent.id, 'AGENT_DISCONNECTED');
  }

  private ping(): void {
    for (const agent of [...this.state.agents.values()]) {
      if (agent.awaitingPong || !agent.connected) agent.missedPings++;
      if (agent.missedPings >= this.ctx.options.maxAgentPingTimeouts) this.removeUnhealthy(agent);
      // One waiting for the removal rate limiter is still pinged: if it answers, it is spared.
      if (this.state.agents.get(agent.id) !== agent) continue;
      agent.awaitingPong = true;
      agent.stream?.send({ type: 'PING' } satisfies AgentEvent);
    }
  }

  /** An agent failing health checks is marked unreachable, at --agent_removal_rate_limit if set (then only if it still fails). */
  private removeUnhealthy(agent: AgentRecord): void {
    if (!this.removals) return this.markUnreachable(agent);
    if (this.removing.has(agent.id)) return;
    this.removing.add(agent.id);
    this.removals.acquire(() => {
      this.removing.delete(agent.id);
      if (this.state.agents.get(agent.id) === agent && agent.missedPings >= this.ctx.options.maxAgentPingTimeouts) this.markUnreachable(agent);
    });
  }

  /**
   * An agent that stopped answering pings: its tasks are reported unreachable to partition-aware frameworks,
   * lost to the others, and kept as unreachable tasks until the agent comes back.
   */
  private markUnreachable(agent: AgentRecord): void {
    this.ctx.log.warn(`Agent ${agent.id} missed ${agent.missedPings} pings; marking it unreachable`);
    const unreachableTime = { nanoseconds: Math.round(now() * 1e9) };
    this.evict(agent, (fw, task) => {
      const state: TaskState = hasCapability(fw.info, PARTITION_AWARE) ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      task.state = state;
      countTerminal(this.state, state);
      this.ctx.sendToFramework(fw, { type: 'UPDATE', update: { status: { ...masterStatus(task, state, 'REASON_AGENT_REMOVED', 'health check timed out'), unreachable_time: unreachableTime } } });
      fw.tasks.delete(task.task_id.value);
      fw.unreachableTasks.set(task.task_id.value, task);
      const oldest = fw.unreachableTasks.keys().next().value;
      if (fw.unreachableTasks.size > this.ctx.options.maxUnreachableTasksPerFramework && oldest) fw.unreachableTasks.delete(oldest);
    });
    this.ctx.registry.markUnreachable(agent.id);
  }

  /** Takes an agent out of the cluster: each of its tasks goes through `settle`, then frameworks hear it is lost. */
  private evict(agent: AgentRecord, settle: (fw: FrameworkRecord, task: Task) => void): void {
    for (const fw of this.state.frameworks.values()) {
      for (const task of [...fw.tasks.values()]) if (task.agent_id.value === agent.id) settle(fw, task);
    }
    this.sendAgentLost(agent.id);
    this.forget(agent, 'AGENT_REMOVED');
    this.state.agents.delete(agent.id);
    agent.stream?.close();
    this.ctx.events.emit('agentRemoved', agent);
  }

  /** Agents of the registry that did not re-register within --agent_reregister_timeout after this master took over. */
  private recoveredAgentsTimeout(): void {
    const { options, log, registry } = this.ctx;
    const timeout = options.flags.agent_reregister_timeout ?? `${options.agentReregisterTimeoutMs}ms`;
    const share = this.recovered.size / Math.max(1, this.recoveredTotal);
    if (share > options.recoveryAgentRemovalLimit) {
      // As Mesos: the master exits rather than remove that many agents (a human should look; a standby takes over).
      log.error(`Post-recovery agent removal limit exceeded! After ${timeout} there were ${this.recovered.size} (${(share * 100).toFixed(0)}%) agents recovered from the registry that did not re-register: ${[...this.recovered].join(', ')}. The configured removal limit is ${(options.recoveryAgentRemovalLimit * 100).toFixed(0)}%. Please investigate or increase this limit to proceed further`);
      process.exit(1);
    }
    for (const id of this.recovered) {
      const remove = () => {
        if (this.state.agents.has(id)) return; // it came back while waiting for the rate limiter
        log.warn(`Agent ${id} did not re-register within ${timeout} after master failover; marking it unreachable`);
        registry.markUnreachable(id);
        this.sendAgentLost(id);
      };
      if (this.removals) this.removals.acquire(remove);
      else remove();
    }
    this.recovered.clear();
  }

  /** Mesos' LostSlaveMessage: a FAILURE event without executor to every connected framework. */
  private sendAgentLost(agentId: string): void {
    for (const fw of this.state.frameworks.values()) if (fw.connected) this.ctx.sendToFramework(fw, { type: 'FAILURE', failure: { agent_id: { value: agentId } } });
  }

  /**
   * Forgets unreachable agents beyond --registry_max_agent_count (oldest first) or older than
   * --registry_max_agent_age; a pruned agent's tasks are then unknown, and if it comes back it is
   * re-admitted as an unknown agent.
   */
  private registryGc(): void {
    const { registry, options } = this.ctx;
    const unreachable = registry.state.unreachable_agents;
    const cutoff = now() - options.registryMaxAgentAgeMs / 1000;
    const excess = unreachable.length - options.registryMaxAgentCount;
    const prune = new Set(unreachable.filter((a, i) => i < excess || a.timestamp < cutoff).map((a) => a.id));
    if (prune.size === 0) return;
    registry.pruneUnreachable(prune);
    for (const fw of this.state.frameworks.values()) {
      for (const [id, task] of fw.unreachableTasks) if (prune.has(task.agent_id.value)) fw.unreachableTasks.delete(id);
    }
    this.ctx.log.info(`Garbage collected ${prune.size} unreachable agents from the registry`);
  }
}
