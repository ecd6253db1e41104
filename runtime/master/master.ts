// The Mesos master: admits agents, subscribes frameworks, runs the allocator, turns allocations into
// offers, validates ACCEPT operations, forwards tasks to agents and relays reliable status updates.
// Everything here is soft state except the registry (admitted agents, frameworks).
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import { EventStream } from '../common/http';
import { IdSequence } from '../common/ids';
import { guarded, type Logger } from '../common/log';
import { Refusal } from '../common/refusal';
import * as res from '../common/resources';
import type { AgentEvent, AgentCall, StatusUpdate } from '../common/protocol/internal';
import type {
  AgentInfo, ExecutorInfo, Filters, FrameworkInfo, MasterInfo, Offer, Operation, Resource,
  SchedulerEvent, Task, TaskInfo, TaskState, TaskStatus, TaskStatusReason,
} from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { Allocation, AllocationCycle, AllocationTrigger, Allocator } from './allocator/allocator';
import type { QuotaConfig, Registry } from './registry';
import { AllocationDriver, type OfferAnswer } from './allocation';
import { RateLimiter, type Rate } from './rate-limiter';
import { Draining } from './draining';
import { Maintenance, machineOf } from './maintenance';
import { convert, validateReserve, validateUnreserve, withoutReservation } from './reservations';
import { validateExecutorInfo, validateFrameworkInfo, validateTaskInfo } from './validation';
import { frameworkRoles, hasCapability, now, PARTITION_AWARE, type AgentRecord, type FrameworkRecord, type MasterEvents, type OfferRecord } from './state';
import { MASTER_VERSION } from './version';

export interface MasterOptions {
  /** A new id for every run (and every leadership term), as Mesos gives each master process. */
  id: string;
  ip: string;
  port: number;
  hostname: string;
  allocationIntervalMs: number;
  offerTimeoutMs?: number;
  agentPingTimeoutMs: number;
  maxAgentPingTimeouts: number;
  agentReregisterTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxCompletedFrameworks: number;
  maxCompletedTasksPerFramework: number;
  maxUnreachableTasksPerFramework: number;
  registryGcIntervalMs: number;
  registryMaxAgentAgeMs: number;
  registryMaxAgentCount: number;
  /** --recovery_agent_removal_limit as a fraction (1 = 100%). */
  recoveryAgentRemovalLimit: number;
  /** --agent_removal_rate_limit; unset: agents are removed as soon as they fail health checks. */
  agentRemovalRate?: Rate;
  flags: Record<string, string>;
}


export class Master {
  readonly id: string;
  readonly startTime = now();
  readonly info: MasterInfo;
  readonly frameworks = new Map<string, FrameworkRecord>();
  readonly completedFrameworks: FrameworkRecord[] = [];
  readonly agents = new Map<string, AgentRecord>();
  readonly offers = new Map<string, OfferRecord>();
  readonly events = new EventEmitter<MasterEvents>();
  readonly counters = { valid_status_updates: 0, invalid_status_updates: 0, tasks_dropped: 0, tasks_error: 0, tasks_lost: 0, messages_launch_tasks: 0 };
  readonly terminalCounts = new Map<TaskState, number>();
  readonly allocation: AllocationDriver;
  readonly maintenance: Maintenance;
  readonly draining: Draining;

  private readonly frameworkIds: IdSequence;
  private readonly agentIds: IdSequence;
  private readonly offerIds: IdSequence;
  private timers: NodeJS.Timeout[] = [];
  /** Agents admitted before this master started that have not re-registered yet (Mesos' slaves.recovered). */
  private readonly recovered = new Set<string>();
  /** How many agents the registry held when this master started (the base of --recovery_agent_removal_limit). */
  private recoveredTotal = 0;
  private readonly removals?: RateLimiter;
  /** Agents failing health checks that wait for the removal rate limiter. */
  private readonly removing = new Set<string>();

  constructor(
    readonly options: MasterOptions,
    readonly allocator: Allocator,
    readonly registry: Registry,
    private readonly log: Logger,
  ) {
    this.id = options.id;
    // Maintenance and draining see the master only through these calls.
    const removeAgent = (agentId: string, message: string) => this.removeAgent(agentId, message);
    this.maintenance = new Maintenance({
      id: this.id, registry, agents: this.agents, frameworks: this.frameworks, removeAgent,
      sendToFramework: (fw, event) => this.sendToFramework(fw, event),
      rescindAgentOffers: (agentId, why) => this.rescindAgentOffers(agentId, why),
    });
    this.draining = new Draining({
      registry, agents: this.agents, removeAgent,
      deactivateAgent: (agent, why) => this.deactivateAgent(agent, why),
      activateAgent: (agent) => this.activateAgent(agent),
      agentHasTasks: (agentId) => this.agentHasTasks(agentId),
      scheduledMachine: (agent) => this.maintenance.scheduledMachine(agent),
    });
    this.allocation = new AllocationDriver(allocator, options.allocationIntervalMs, log);
    this.allocation.on('decided', ({ cycle, allocations }) => {
      this.makeOffers(cycle, allocations);
      this.maintenance.makeInverseOffers();
    });
    this.frameworkIds = new IdSequence(`${this.id}-`);
    this.agentIds = new IdSequence(`${this.id}-S`, 1);
    this.offerIds = new IdSequence(`${this.id}-O`, 1);
    this.info = masterInfo(options);
    if (options.agentRemovalRate) this.removals = new RateLimiter(options.agentRemovalRate);
  }

  start(): void {
    // Frameworks of the registry must re-subscribe within their failover_timeout, counted from now.
    for (const info of this.registry.state.frameworks) {
      if (info.id && !this.frameworks.has(info.id.value)) this.recoverFramework(info);
    }
    this.allocator.updateWeights(this.registry.state.weights);
    this.updateQuota(this.registry.state.quota_configs);
    this.allocation.start();
    for (const admitted of this.registry.state.admitted_agents) if (admitted.id) this.recovered.add(admitted.id.value);
    this.recoveredTotal = this.recovered.size;
    this.timers.push(setTimeout(guarded(this.log, 'The agent re-registration timeout', () => this.recoveredAgentsTimeout()), this.options.agentReregisterTimeoutMs));
    this.timers.push(setInterval(guarded(this.log, 'Pinging agents', () => this.pingAgents()), this.options.agentPingTimeoutMs));
    this.timers.push(setInterval(guarded(this.log, 'The registry GC', () => this.registryGc()), this.options.registryGcIntervalMs));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    this.allocation.stop();
    this.removals?.stop();
    for (const t of this.timers) clearTimeout(t);
    for (const fw of this.frameworks.values()) { fw.stream?.close(); clearTimeout(fw.failoverTimer); }
    for (const agent of this.agents.values()) agent.stream?.close();
    this.events.emit('stopped');
    for (const offer of this.offers.values()) clearTimeout(offer.timer);
  }

  // ---------------------------------------------------------------- allocation

  requestAllocation(trigger: AllocationTrigger): void {
    this.allocation.request(trigger);
  }

  /** Turns a cycle's allocations into offers, one OFFERS event per framework. */
  private makeOffers(cycle: AllocationCycle, allocations: Allocation[]): void {
    const byFramework = new Map<string, Offer[]>();
    for (const a of allocations) {
      const fw = this.frameworks.get(a.frameworkId);
      const agent = this.agents.get(a.agentId);
      if (!fw || !agent) continue;
      const offer: Offer = {
        id: { value: this.offerIds.take() },
        framework_id: { value: fw.id },
        agent_id: { value: agent.id },
        hostname: agent.info.hostname,
        url: { scheme: 'http', address: { hostname: agent.info.hostname, ip: agent.pid.split('@')[1].split(':')[0], port: agent.info.port ?? 5051 }, path: '/slave(1)' },
        resources: a.resources,
        attributes: agent.info.attributes ?? [],
        executor_ids: [...(fw.executors.get(agent.id)?.keys() ?? [])].map((value) => ({ value })),
        allocation_info: { role: a.role },
      };
      const unavailability = this.maintenance.unavailability(agent);
      if (unavailability) offer.unavailability = unavailability;
      a.decision.offer_id = offer.id.value;
      const record: OfferRecord = { offer, role: a.role };
      if (this.options.offerTimeoutMs) {
        record.timer = setTimeout(guarded(this.log, `Offer ${offer.id.value}'s timeout`, () => this.rescindOffer(offer.id.value, 'offer timeout')), this.options.offerTimeoutMs);
      }
      this.offers.set(offer.id.value, record);
      fw.offers.add(offer.id.value);
      byFramework.set(fw.id, [...(byFramework.get(fw.id) ?? []), offer]);
    }
    for (const [fwId, offers] of byFramework) this.sendToFramework(this.frameworks.get(fwId)!, { type: 'OFFERS', offers: { offers } });
    this.allocation.emit('offersMade', { cycle, offers: [...byFramework.values()].flat() });
  }

  private removeOffer(offerId: string, answer: OfferAnswer['answer'], reason?: string): OfferRecord | undefined {
    const record = this.offers.get(offerId);
    if (!record) return undefined;
    clearTimeout(record.timer);
    this.offers.delete(offerId);
    this.frameworks.get(record.offer.framework_id.value)?.offers.delete(offerId);
    this.allocation.emit('offerAnswered', { offer: record.offer, answer, ...(reason ? { reason } : {}) });
    return record;
  }

  rescindOffer(offerId: string, why: string): void {
    const record = this.removeOffer(offerId, 'rescinded', why);
    if (!record) return;
    this.log.info(`Rescinding offer ${offerId} (${why})`);
    const fw = this.frameworks.get(record.offer.framework_id.value);
    if (fw) this.sendToFramework(fw, { type: 'RESCIND', rescind: { offer_id: record.offer.id } });
    this.allocator.recoverResources(record.offer.framework_id.value, record.offer.agent_id.value, record.offer.resources);
    this.requestAllocation('resources_recovered');
  }

  // ---------------------------------------------------------------- frameworks

  /** Subscribes (or fails over) a framework; an error is refused the way Mesos does, with an ERROR event. */
  subscribe(info: FrameworkInfo, suppressedRoles: string[], stream: EventStream, streamId: string): FrameworkRecord | { error: string } {
    const invalid = validateFrameworkInfo(info, suppressedRoles);
    if (invalid) return { error: invalid };
    const requestedId = info.id?.value;
    if (requestedId && this.completedFrameworks.some((f) => f.id === requestedId)) return { error: 'Framework has been removed' };
    let fw = requestedId ? this.frameworks.get(requestedId) : undefined;
    // Every framework the master holds (subscribed before, or recovered) is known to the allocator.
    const known = fw !== undefined;
    if (fw) {
      if ((info.principal ?? '') !== (fw.info.principal ?? '')) return { error: "Changing framework's principal is not allowed." };
      // Like Mesos, a re-subscription cannot change the user or checkpointing: the old values stay.
      info = { ...info, user: fw.info.user, checkpoint: fw.info.checkpoint };
      this.log.info(`Framework ${fw.id} (${info.name}) re-subscribed`);
      clearTimeout(fw.failoverTimer);
      const old = fw.stream;
      fw.stream = undefined;
      if (old && !old.isClosed) {
        old.send({ type: 'ERROR', error: { message: 'Framework failed over' } } satisfies SchedulerEvent);
        old.close();
      }
      for (const offerId of [...fw.offers]) this.rescindOffer(offerId, 'framework failed over');
      fw.info = { ...info, id: { value: fw.id } };
      fw.reregisteredTime = now();
      fw.recovered = false;
    } else {
      const id = requestedId ?? this.frameworkIds.take();
      fw = {
        id, info: { ...info, id: { value: id } }, connected: true, active: true, recovered: false,
        registeredTime: now(), suppressedRoles: new Set(), tasks: new Map(), unreachableTasks: new Map(), completedTasks: [], offers: new Set(), executors: new Map(),
      };
      this.frameworks.set(id, fw);
      this.log.info(`Framework ${id} (${info.name}) subscribed`);
    }
    fw.stream = stream;
    fw.streamId = streamId;
    stream.heartbeat(this.options.heartbeatIntervalMs);
    fw.connected = true;
    fw.active = true;
    fw.unregisteredTime = undefined;
    fw.suppressedRoles = new Set(suppressedRoles);
    const record = fw;
    stream.onClose(() => { if (record.stream === stream) this.disconnectFramework(record); });
    this.registry.putFramework(fw.info);
    const roles = frameworkRoles(fw.info);
    const used = this.usedByFramework(fw);
    const alloc = { roles, active: true, suppressedRoles: [...fw.suppressedRoles], gpuAware: hasCapability(fw.info, 'GPU_RESOURCES') };
    if (known) {
      this.allocator.updateFramework(fw.id, alloc);
      // Updates the agents resent while the framework was away were dropped: have them sent again now.
      this.updateFrameworkOnAgents(fw);
    } else {
      this.allocator.addFramework(fw.id, alloc, used);
    }
    this.events.emit(known ? 'frameworkUpdated' : 'frameworkAdded', fw);
    this.requestAllocation('framework_added');
    return fw;
  }

  private usedByFramework(fw: FrameworkRecord): Map<string, Resource[]> {
    const used = new Map<string, Resource[]>();
    for (const t of fw.tasks.values()) {
      if (!isTerminalState(t.state)) used.set(t.agent_id.value, res.add(used.get(t.agent_id.value) ?? [], t.resources));
    }
    return used;
  }

  private disconnectFramework(fw: FrameworkRecord): void {
    if (!this.frameworks.has(fw.id)) return;
    this.log.info(`Framework ${fw.id} disconnected; failover_timeout ${fw.info.failover_timeout ?? 0}s`);
    fw.stream = undefined;
    fw.connected = false;
    fw.active = false;
    fw.unregisteredTime = now();
    this.allocator.deactivateFramework(fw.id);
    for (const offerId of [...fw.offers]) this.rescindOffer(offerId, 'framework disconnected');
    this.events.emit('frameworkUpdated', fw);
    this.startFailoverTimer(fw);
  }

  /** A framework not subscribed has failover_timeout to come back before it and its tasks are removed. */
  private startFailoverTimer(fw: FrameworkRecord): void {
    clearTimeout(fw.failoverTimer);
    const timeoutMs = Math.min((fw.info.failover_timeout ?? 0) * 1000, 2 ** 31 - 1);
    fw.failoverTimer = setTimeout(guarded(this.log, `Framework ${fw.id}'s failover timeout`, () => {
      this.log.info(`Framework ${fw.id} failover timeout expired`);
      this.removeFramework(fw);
    }), timeoutMs);
  }

  removeFramework(fw: FrameworkRecord): void {
    if (!this.frameworks.has(fw.id)) return;
    this.log.info(`Removing framework ${fw.id} (${fw.info.name})`);
    clearTimeout(fw.failoverTimer);
    for (const offerId of [...fw.offers]) this.removeOffer(offerId, 'removed', 'framework removed');
    this.maintenance.forgetFramework(fw.id);
    for (const agentId of this.agentsOf(fw)) this.sendToAgent(agentId, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: fw.id } } });
    for (const task of fw.tasks.values()) {
      if (!isTerminalState(task.state)) {
        task.state = 'TASK_KILLED';
        this.countTerminal(task.state);
      }
      this.completeTask(fw, task);
    }
    // Their agents are away: recorded as killed, as Mesos does, without telling anyone.
    for (const task of fw.unreachableTasks.values()) {
      task.state = 'TASK_KILLED';
      this.countTerminal(task.state);
      this.addCompletedTask(fw, task);
    }
    fw.unreachableTasks.clear();
    this.allocator.removeFramework(fw.id);
    this.frameworks.delete(fw.id);
    fw.connected = false;
    fw.active = false;
    fw.unregisteredTime = now();
    const stream = fw.stream;
    fw.stream = undefined;
    stream?.close();
    this.completedFrameworks.push(fw);
    if (this.completedFrameworks.length > this.options.maxCompletedFrameworks) this.completedFrameworks.shift();
    this.registry.removeFramework(fw.id);
    this.events.emit('frameworkRemoved', fw);
    this.requestAllocation('resources_recovered');
  }

  updateFramework(fw: FrameworkRecord, info: FrameworkInfo, suppressedRoles: string[] | undefined): string | undefined {
    const invalid = validateFrameworkInfo(info, suppressedRoles ?? []);
    if (invalid) return `'UpdateFramework' call is not valid: ${invalid}`;
    if ((info.principal ?? '') !== (fw.info.principal ?? '')) return "FrameworkInfo update is not valid: Changing framework's principal is not allowed.";
    if (info.user !== fw.info.user) return `FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported; attempted to update from '${fw.info.user}' to '${info.user}'`;
    if (!!info.checkpoint !== !!fw.info.checkpoint) return "FrameworkInfo update is not valid: Updating 'FrameworkInfo.checkpoint' is unsupported";
    fw.info = { ...info, id: { value: fw.id } };
    if (suppressedRoles) fw.suppressedRoles = new Set(suppressedRoles);
    const roles = frameworkRoles(fw.info);
    this.allocator.updateFramework(fw.id, { roles, active: fw.active, suppressedRoles: [...fw.suppressedRoles], gpuAware: hasCapability(fw.info, 'GPU_RESOURCES') });
    for (const offerId of [...fw.offers]) {
      if (!roles.includes(this.offers.get(offerId)?.role ?? '*')) this.rescindOffer(offerId, 'its role was removed from the framework');
    }
    this.updateFrameworkOnAgents(fw);
    this.registry.putFramework(fw.info);
    this.events.emit('frameworkUpdated', fw);
    this.requestAllocation('framework_activated');
    return undefined;
  }

  /** Agents that run the framework's tasks or executors. */
  private agentsOf(fw: FrameworkRecord): Set<string> {
    return new Set([...fw.tasks.values()].map((t) => t.agent_id.value).concat([...fw.executors.keys()]));
  }

  /** As Mesos' UpdateFrameworkMessage: agents take the new FrameworkInfo and resend its pending status updates now. */
  private updateFrameworkOnAgents(fw: FrameworkRecord): void {
    for (const agentId of this.agentsOf(fw)) {
      if (this.agents.get(agentId)?.stream) this.sendToAgent(agentId, { type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: fw.info } });
    }
  }

  sendToFramework(fw: FrameworkRecord, event: SchedulerEvent): void {
    fw.stream?.send(event);
  }

  // ---------------------------------------------------------------- scheduler calls

  decline(fw: FrameworkRecord, offerIds: string[], filters: Filters | undefined): void {
    for (const id of offerIds) {
      const record = this.offers.get(id);
      if (!record || record.offer.framework_id.value !== fw.id) continue; // Mesos ignores unknown offers here
      this.removeOffer(id, 'declined');
      this.allocator.recoverResources(fw.id, record.offer.agent_id.value, record.offer.resources, refuseSeconds(filters));
    }
    this.requestAllocation('resources_recovered');
  }

  accept(fw: FrameworkRecord, offerIds: string[], operations: Operation[], filters: Filters | undefined): void {
    const offers: OfferRecord[] = [];
    let invalid: string | undefined;
    for (const id of offerIds) {
      const record = this.offers.get(id);
      if (!record) invalid ??= `Offer ${id} is no longer valid`;
      else if (record.offer.framework_id.value !== fw.id) invalid ??= `Offer ${id} has invalid framework ${record.offer.framework_id.value} while framework ${fw.id} is expected`;
      else if (offers.includes(record)) invalid ??= `Duplicate offer ${id} in offer list`;
      else offers.push(record);
    }
    if (!invalid && offers.length === 0) invalid = 'No offers specified';
    if (!invalid && new Set(offers.map((o) => o.offer.agent_id.value)).size > 1) invalid = 'Aggregated offers must belong to one agent';
    if (!invalid && new Set(offers.map((o) => o.role)).size > 1) invalid = 'Aggregated offers must be allocated to the same role';
    for (const o of offers) this.removeOffer(o.offer.id.value, 'accepted');

    const tasks = operations.flatMap((op) => op.type === 'LAUNCH' ? op.launch?.task_infos ?? [] : op.type === 'LAUNCH_GROUP' ? op.launch_group?.task_group.tasks ?? [] : []);
    if (invalid) {
      // Mesos: every task of an ACCEPT with invalid offers is dropped (lost for non-partition-aware frameworks).
      const state: TaskState = hasCapability(fw.info, PARTITION_AWARE) ? 'TASK_DROPPED' : 'TASK_LOST';
      for (const t of tasks) this.sendMasterUpdate(fw, t.task_id.value, t.agent_id?.value, state, 'REASON_INVALID_OFFERS', `Task launched with invalid offers: ${invalid}`);
      for (const o of offers) this.allocator.recoverResources(fw.id, o.offer.agent_id.value, o.offer.resources);
      this.requestAllocation('resources_recovered');
      return;
    }

    const agentId = offers[0].offer.agent_id.value;
    const role = offers[0].role;
    let available = res.add(...offers.map((o) => o.offer.resources));
    const agent = this.agents.get(agentId);
    for (const op of operations) {
      if (op.type === 'LAUNCH') {
        for (const task of op.launch?.task_infos ?? []) {
          const error = this.validateTask(fw, task, agentId, available);
          if (error) { this.taskError(fw, task, 'REASON_TASK_INVALID', error); continue; }
          available = res.subtract(available, res.allocate(taskResources(task), role));
          this.launchTask(fw, agent!, task, role);
        }
      } else if (op.type === 'LAUNCH_GROUP' && op.launch_group) {
        const { executor, task_group } = op.launch_group;
        const needed = res.add(executor.resources ?? [], ...task_group.tasks.map((t) => t.resources ?? []));
        const error = validateExecutorInfo(executor, fw.id, true)
          ?? (task_group.tasks.length === 0 ? "'task_group.tasks' must not be empty" : undefined)
          ?? task_group.tasks.map((t) => this.validateTask(fw, { ...t, executor }, agentId, undefined, true)).find(Boolean)
          ?? (res.contains(res.unallocate(available), res.unallocate(needed)) ? undefined : `Task group uses more resources ${res.formatResources(needed)} than available ${res.formatResources(available)}`);
        if (error) {
          for (const t of task_group.tasks) this.taskError(fw, t, 'REASON_TASK_GROUP_INVALID', error);
          continue;
        }
        available = res.subtract(available, res.allocate(needed, role));
        this.launchTaskGroup(fw, agent!, { ...executor, framework_id: { value: fw.id } }, task_group.tasks, role);
      } else if ((op.type === 'RESERVE' && op.reserve) || (op.type === 'UNRESERVE' && op.unreserve)) {
        const requested = res.unallocate((op.reserve ?? op.unreserve)!.resources ?? []);
        const error = op.type === 'RESERVE' ? validateReserve(requested, role, fw.info.principal) : validateUnreserve(requested);
        const [from, to] = op.type === 'RESERVE' ? [withoutReservation(requested), requested] : [requested, withoutReservation(requested)];
        const converted = error ? { error } : convert(available, res.allocate(from, role), res.allocate(to, role));
        if ('error' in converted) {
          this.log.warn(`Framework ${fw.id}: ${op.type} dropped: ${converted.error}`);
          continue;
        }
        available = converted;
        this.applyReservation(agentId, from, to, fw.id, role);
      } else {
        this.log.warn(`Framework ${fw.id}: offer operation ${op.type} is not supported; ignored`);
      }
    }
    this.allocator.recoverResources(fw.id, agentId, available, refuseSeconds(filters));
    this.requestAllocation('resources_recovered');
  }

  /** A reservation change on an agent: its total changes here, in the allocator and in its checkpoint. */
  private applyReservation(agentId: string, from: Resource[], to: Resource[], frameworkId?: string, role?: string): void {
    const agent = this.agents.get(agentId)!;
    agent.total = res.add(res.subtract(agent.total, from), to);
    if (frameworkId) this.allocator.updateAllocation(frameworkId, agentId, res.allocate(from, role!), res.allocate(to, role!));
    else this.allocator.updateAgent(agentId, agent.total);
    this.sendToAgent(agentId, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.total } });
    this.log.info(`Agent ${agentId}: ${res.formatResources(from)} became ${res.formatResources(to)}`);
  }

  /** Operator RESERVE_RESOURCES / UNRESERVE_RESOURCES on an agent's unallocated resources. */
  operatorReservation(kind: 'RESERVE' | 'UNRESERVE', agentId: string, resources: Resource[]): void {
    if (!this.agents.has(agentId)) throw new Refusal('invalid', `Agent ${agentId} is not registered`);
    const error = kind === 'RESERVE' ? validateReserve(resources, undefined, undefined) : validateUnreserve(resources);
    if (error) throw new Refusal('invalid', error);
    const [from, to] = kind === 'RESERVE' ? [withoutReservation(resources), resources] : [resources, withoutReservation(resources)];
    // Offered resources are not available: rescind this agent's offers first, as Mesos does.
    for (const offer of [...this.offers.values()]) if (offer.offer.agent_id.value === agentId) this.rescindOffer(offer.offer.id.value, `${kind} on the agent`);
    const converted = convert(this.allocator.available(agentId), from, to);
    if ('error' in converted) throw new Refusal('conflict', converted.error);
    this.applyReservation(agentId, from, to);
    this.requestAllocation('resources_recovered');
  }

  private validateTask(fw: FrameworkRecord, task: TaskInfo, agentId: string, available: Resource[] | undefined, inGroup = false): string | undefined {
    const error = validateTaskInfo(task, inGroup);
    if (error) return error;
    if (fw.tasks.has(task.task_id.value)) return `Task ${task.task_id.value} already exists`;
    if (task.agent_id.value !== agentId) return `Task uses agent ${task.agent_id.value} but the offer is for agent ${agentId}`;
    if (task.executor && !inGroup) {
      const err = validateExecutorInfo(task.executor, fw.id, false);
      if (err) return err;
      const known = fw.executors.get(agentId)?.get(task.executor.executor_id.value);
      if (known && JSON.stringify(known.command) !== JSON.stringify(task.executor.command)) {
        return `ExecutorInfo for ${task.executor.executor_id.value} differs from the one already running`;
      }
    }
    if (available && !res.contains(res.unallocate(available), res.unallocate(taskResources(task)))) {
      return `Task ${task.task_id.value} uses more resources ${res.formatResources(taskResources(task))} than available ${res.formatResources(available)}`;
    }
    return undefined;
  }

  private taskError(fw: FrameworkRecord, task: TaskInfo, reason: TaskStatusReason, message: string): void {
    this.log.warn(`Framework ${fw.id}: task ${task.task_id?.value} refused: ${message}`);
    this.sendMasterUpdate(fw, task.task_id?.value ?? '', task.agent_id?.value, 'TASK_ERROR', reason, message);
  }

  private newTask(fw: FrameworkRecord, task: TaskInfo, role: string, executorId?: string): Task {
    return {
      name: task.name,
      task_id: task.task_id,
      framework_id: { value: fw.id },
      ...(executorId ? { executor_id: { value: executorId } } : {}),
      agent_id: task.agent_id,
      state: 'TASK_STAGING',
      resources: res.allocate(res.unallocate(taskResources(task)), role),
      statuses: [],
      ...(task.labels ? { labels: task.labels } : {}),
      ...(task.discovery ? { discovery: task.discovery } : {}),
      ...(task.container ? { container: task.container } : {}),
      ...(task.kill_policy ? { kill_policy: task.kill_policy } : {}),
      ...(task.health_check ? { health_check: task.health_check } : {}),
      user: task.command?.user ?? fw.info.user,
    };
  }

  private launchTask(fw: FrameworkRecord, agent: AgentRecord, task: TaskInfo, role: string): void {
    const record = this.newTask(fw, task, role, task.executor?.executor_id.value);
    fw.tasks.set(task.task_id.value, record);
    if (task.executor) this.trackExecutor(fw, agent.id, task.executor);
    this.counters.messages_launch_tasks++;
    this.events.emit('taskAdded', record);
    const executor = task.executor ? { ...task.executor, framework_id: { value: fw.id } } : undefined;
    this.sendToAgent(agent.id, { type: 'RUN_TASK', run_task: { framework_info: fw.info, task: { ...task, ...(executor ? { executor } : {}) } } });
  }

  private launchTaskGroup(fw: FrameworkRecord, agent: AgentRecord, executor: ExecutorInfo, tasks: TaskInfo[], role: string): void {
    this.trackExecutor(fw, agent.id, executor);
    for (const t of tasks) {
      const record = this.newTask(fw, t, role, executor.executor_id.value);
      fw.tasks.set(t.task_id.value, record);
      this.events.emit('taskAdded', record);
    }
    this.counters.messages_launch_tasks++;
    this.sendToAgent(agent.id, { type: 'RUN_TASK_GROUP', run_task_group: { framework_info: fw.info, executor_info: executor, task_group: { tasks } } });
  }

  private trackExecutor(fw: FrameworkRecord, agentId: string, executor: ExecutorInfo): void {
    const byId = fw.executors.get(agentId) ?? new Map<string, ExecutorInfo>();
    byId.set(executor.executor_id.value, executor);
    fw.executors.set(agentId, byId);
  }

  kill(fw: FrameworkRecord, taskId: string, agentId: string | undefined, killPolicy: unknown): void {
    const task = fw.tasks.get(taskId);
    if (!task) {
      // Unknown task: answer as explicit reconciliation does, so the framework learns its fate.
      this.reconcile(fw, [{ task_id: { value: taskId }, ...(agentId ? { agent_id: { value: agentId } } : {}) }]);
      return;
    }
    this.sendToAgent(task.agent_id.value, { type: 'KILL_TASK', kill_task: { framework_id: { value: fw.id }, task_id: task.task_id, ...(killPolicy ? { kill_policy: killPolicy } : {}) } });
  }

  shutdownExecutor(fw: FrameworkRecord, executorId: string, agentId: string): void {
    this.sendToAgent(agentId, { type: 'SHUTDOWN_EXECUTOR', shutdown_executor: { framework_id: { value: fw.id }, executor_id: { value: executorId } } });
  }

  acknowledge(fw: FrameworkRecord, agentId: string, taskId: string, uuid: string): void {
    const task = fw.tasks.get(taskId);
    if (task && task.status_update_uuid === uuid && isTerminalState(task.status_update_state ?? 'TASK_STAGING')) {
      this.completeTask(fw, task);
      this.draining.check(agentId);
    }
    this.sendToAgent(agentId, { type: 'ACKNOWLEDGE', acknowledge: { framework_id: { value: fw.id }, task_id: { value: taskId }, uuid } });
  }

  /** Explicit (tasks given) or implicit (none given) reconciliation, per docs/reconciliation.md. */
  reconcile(fw: FrameworkRecord, tasks: Array<{ task_id: { value: string }; agent_id?: { value: string } }>): void {
    const partitionAware = hasCapability(fw.info, PARTITION_AWARE);
    const send = (status: TaskStatus) => this.sendToFramework(fw, { type: 'UPDATE', update: { status } });
    if (tasks.length === 0) {
      for (const task of fw.tasks.values()) send(this.reconciliationStatus(task));
      return;
    }
    // Admitted agents that have not re-registered since this master started may still report the task.
    const pending = new Set(this.registry.state.admitted_agents.map((a) => a.id?.value ?? '').filter((id) => !this.agents.has(id)));
    const unreachable = new Map(this.registry.state.unreachable_agents.map((a) => [a.id, a.timestamp]));
    for (const { task_id, agent_id } of tasks) {
      const task = fw.tasks.get(task_id.value);
      if (task) { send(this.reconciliationStatus(task)); continue; }
      const agentId = agent_id?.value;
      const base = { task_id, source: 'SOURCE_MASTER' as const, reason: 'REASON_RECONCILIATION' as const, ...(agent_id ? { agent_id } : {}), timestamp: now() };
      if (agentId && this.agents.has(agentId)) {
        send({ ...base, state: partitionAware ? 'TASK_GONE' : 'TASK_LOST', message: 'Reconciliation: Task is unknown to the agent' });
      } else if (agentId ? pending.has(agentId) : pending.size > 0) {
        continue; // no answer yet: the agent may still come back with it
      } else if (agentId && this.draining.isGone(agentId)) {
        send({ ...base, state: partitionAware ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST', message: 'Reconciliation: Task is gone' });
      } else if (agentId && unreachable.has(agentId)) {
        send({
          ...base, state: partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST', message: 'Reconciliation: Task is unreachable',
          unreachable_time: { nanoseconds: Math.round(unreachable.get(agentId)! * 1e9) },
        });
      } else {
        send({ ...base, state: partitionAware ? 'TASK_UNKNOWN' : 'TASK_LOST', message: 'Reconciliation: Task is unknown' });
      }
    }
  }

  /** The latest state the framework was told about (status_update_state), as Mesos reports it. */
  private reconciliationStatus(task: Task): TaskStatus {
    return this.masterStatus(task, task.status_update_state ?? task.state, 'REASON_RECONCILIATION', 'Reconciliation: Latest task state');
  }

  /** A status the master sends about a task it knows (not acknowledged: it carries no uuid). */
  private masterStatus(task: Task, state: TaskState, reason: TaskStatusReason, message: string): TaskStatus {
    const last = task.statuses[task.statuses.length - 1];
    return {
      task_id: task.task_id, state, source: 'SOURCE_MASTER', reason, message, agent_id: task.agent_id,
      ...(task.executor_id ? { executor_id: task.executor_id } : {}),
      ...(last?.healthy !== undefined ? { healthy: last.healthy } : {}),
      ...(last?.container_status ? { container_status: last.container_status } : {}),
      timestamp: now(),
    };
  }

  frameworkMessage(fw: FrameworkRecord, agentId: string, executorId: string, data: string): void {
    this.sendToAgent(agentId, { type: 'FRAMEWORK_MESSAGE', framework_message: { framework_id: { value: fw.id }, executor_id: { value: executorId }, data } });
  }

  suppress(fw: FrameworkRecord, roles: string[]): void {
    for (const role of roles.length ? roles : frameworkRoles(fw.info)) fw.suppressedRoles.add(role);
    this.allocator.suppressOffers(fw.id, roles);
  }

  revive(fw: FrameworkRecord, roles: string[]): void {
    for (const role of roles.length ? roles : frameworkRoles(fw.info)) fw.suppressedRoles.delete(role);
    this.allocator.reviveOffers(fw.id, roles);
    this.requestAllocation('revive');
  }

  /** A status update generated by the master itself (no agent involved, nothing to acknowledge). */
  private sendMasterUpdate(fw: FrameworkRecord, taskId: string, agentId: string | undefined, state: TaskState, reason: TaskStatusReason, message: string): void {
    this.countTerminal(state);
    this.sendToFramework(fw, {
      type: 'UPDATE',
      update: { status: { task_id: { value: taskId }, state, reason, message, source: 'SOURCE_MASTER', ...(agentId ? { agent_id: { value: agentId } } : {}), timestamp: now() } },
    });
  }

  private countTerminal(state: TaskState): void {
    if (isTerminalState(state)) this.terminalCounts.set(state, (this.terminalCounts.get(state) ?? 0) + 1);
  }

  private completeTask(fw: FrameworkRecord, task: Task): void {
    if (fw.tasks.delete(task.task_id.value)) this.addCompletedTask(fw, task);
  }

  private addCompletedTask(fw: FrameworkRecord, task: Task): void {
    fw.completedTasks.push(task);
    if (fw.completedTasks.length > this.options.maxCompletedTasksPerFramework) fw.completedTasks.shift();
  }

  // ---------------------------------------------------------------- agents

  handleAgentCall(call: AgentCall, stream?: EventStream): string | undefined {
    switch (call.type) {
      case 'REGISTER':
        return this.registerAgent(undefined, call.pid, call.register.agent_info, call.register.resources, [], [], stream!);
      case 'REREGISTER': {
        const r = call.reregister;
        return this.registerAgent(r.agent_info.id.value, call.pid, r.agent_info, r.resources, r.tasks, r.frameworks, stream!);
      }
      case 'STATUS_UPDATE':
        return this.statusUpdate(call.agent_id.value, call.status_update);
      case 'EXECUTOR_MESSAGE': {
        const m = call.executor_message;
        const fw = this.frameworks.get(m.framework_id.value);
        if (fw) this.sendToFramework(fw, { type: 'MESSAGE', message: { agent_id: call.agent_id, executor_id: m.executor_id, data: m.data } });
        return undefined;
      }
      case 'EXITED_EXECUTOR': {
        const e = call.exited_executor;
        const fw = this.frameworks.get(e.framework_id.value);
        if (!fw) return undefined;
        fw.executors.get(call.agent_id.value)?.delete(e.executor_id.value);
        this.sendToFramework(fw, { type: 'FAILURE', failure: { agent_id: call.agent_id, executor_id: e.executor_id, status: e.status } });
        return undefined;
      }
      case 'PONG': {
        const agent = this.agents.get(call.agent_id.value);
        if (agent) { agent.awaitingPong = false; agent.missedPings = 0; }
        return undefined;
      }
      case 'BATCH':
        for (const c of call.batch.calls) this.handleAgentCall(c);
        return undefined;
    }
  }

  private registerAgent(id: string | undefined, pid: string, info: AgentInfo, total: Resource[], tasks: Task[], frameworks: FrameworkInfo[], stream: EventStream): undefined {
    if (id && this.draining.isGone(id)) {
      this.log.warn(`Refusing agent ${id} at ${pid}: it has been marked gone`);
      stream.send({ type: 'SHUTDOWN', shutdown: { message: 'Agent has been marked gone' } } satisfies AgentEvent);
      stream.close();
      return undefined;
    }
    if (this.maintenance.mode(machineOf(info.hostname, pid)) === 'DOWN') {
      this.log.warn(`Refusing agent at ${pid} (${info.hostname}): its machine is in maintenance (DOWN)`);
      stream.send({ type: 'SHUTDOWN', shutdown: { message: 'Agent attempted to register while its machine is in maintenance (DOWN)' } } satisfies AgentEvent);
      stream.close();
      return undefined;
    }
    const reregistering = id !== undefined;
    const existing = id ? this.agents.get(id) : undefined;
    if (existing) {
      // The agent reconnected (its stream broke or it restarted): forget what we knew, rebuild from its report.
      const old = existing.stream;
      existing.stream = undefined;
      old?.close();
      this.forgetAgent(existing, 'agent re-registered');
    }
    const agentId = id ?? this.agentIds.take();
    const agent: AgentRecord = {
      id: agentId, info: { ...info, id: { value: agentId } }, total: res.add(total), pid,
      stream, connected: true, active: true, version: MASTER_VERSION, registeredTime: existing?.registeredTime ?? now(),
      ...(reregistering ? { reregisteredTime: now() } : {}), awaitingPong: false, missedPings: 0,
    };
    const wasUnreachable = this.registry.state.unreachable_agents.some((a) => a.id === agentId);
    // Mesos 1.5+: an agent back from unreachable (or one this master never knew) brings its tasks back,
    // whoever runs them; frameworks hear each task's state again, before they would reconcile.
    const announce = reregistering && !existing && !this.recovered.has(agentId)
      ? (wasUnreachable ? 'Unreachable agent re-registered' : 'Unknown agent re-registered') : undefined;
    this.recovered.delete(agentId);
    this.agents.set(agentId, agent);
    this.registry.admitAgent(agent.info);
    stream.onClose(() => { if (agent.stream === stream) this.disconnectAgent(agent); });

    const used = new Map<string, Resource[]>();
    const shutdown = new Set<string>();
    const returned = new Set(tasks.map((t) => t.task_id.value));
    for (const task of tasks) {
      const frameworkId = task.framework_id.value;
      // A framework removed here is shut down on the agent, its tasks not brought back.
      if (this.completedFrameworks.some((f) => f.id === frameworkId)) { shutdown.add(frameworkId); continue; }
      const fw = this.frameworks.get(frameworkId)
        ?? this.recoverFramework(frameworks.find((f) => f.id?.value === frameworkId) ?? { user: 'unknown', name: 'unknown', id: task.framework_id });
      if (announce) this.sendToFramework(fw, { type: 'UPDATE', update: { status: this.masterStatus(task, task.state, 'REASON_AGENT_REREGISTERED', announce) } });
      if (!fw.tasks.has(task.task_id.value)) fw.tasks.set(task.task_id.value, task);
      if (!isTerminalState(task.state)) used.set(fw.id, res.add(used.get(fw.id) ?? [], res.unallocate(task.resources)));
    }
    // Every task of this agent is reachable again; one that comes back is no longer a completed one.
    for (const fw of this.frameworks.values()) {
      for (const [id, task] of fw.unreachableTasks) if (task.agent_id.value === agentId) fw.unreachableTasks.delete(id);
      if (announce) fw.completedTasks = fw.completedTasks.filter((t) => t.agent_id.value !== agentId || !returned.has(t.task_id.value));
    }
    this.allocator.addAgent(agentId, agent.total, used);
    stream.send({ type: 'REGISTERED', registered: { agent_id: { value: agentId }, master_info: this.info } } satisfies AgentEvent);
    for (const id of shutdown) stream.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: id } } } satisfies AgentEvent);
    this.log.info(`Agent ${agentId} at ${agent.pid} (${info.hostname}) ${reregistering ? 're-registered' : 'registered'} with ${res.formatResources(total)}${wasUnreachable ? ' after being unreachable' : ''}`);
    this.draining.agentRegistered(agent);
    this.events.emit('agentAdded', agent);
    this.requestAllocation('agent_added');
    return undefined;
  }

  /** A framework known only from an agent's report after a master restart, until it re-subscribes. */
  private recoverFramework(info: FrameworkInfo): FrameworkRecord {
    const id = info.id!.value;
    const fw: FrameworkRecord = {
      id, info, connected: false, active: false, recovered: true, registeredTime: now(), suppressedRoles: new Set(),
      tasks: new Map(), unreachableTasks: new Map(), completedTasks: [], offers: new Set(), executors: new Map(),
    };
    this.frameworks.set(id, fw);
    this.allocator.addFramework(id, { roles: frameworkRoles(info), active: false, gpuAware: hasCapability(info, 'GPU_RESOURCES') }, new Map());
    this.startFailoverTimer(fw);
    return fw;
  }

  rescindAgentOffers(agentId: string, why: string): void {
    for (const offer of [...this.offers.values()]) if (offer.offer.agent_id.value === agentId) this.rescindOffer(offer.offer.id.value, why);
  }

  private forgetAgent(agent: AgentRecord, why: string): void {
    this.rescindAgentOffers(agent.id, why);
    this.maintenance.forgetAgent(agent.id);
    for (const fw of this.frameworks.values()) {
      for (const task of [...fw.tasks.values()]) if (task.agent_id.value === agent.id) fw.tasks.delete(task.task_id.value);
    }
    this.allocator.removeAgent(agent.id);
  }

  /** No more offers for the agent (deactivated or draining); its tasks run on. */
  deactivateAgent(agent: AgentRecord, why: string): void {
    agent.active = false;
    this.allocator.deactivateAgent(agent.id);
    this.rescindAgentOffers(agent.id, why);
  }

  activateAgent(agent: AgentRecord): void {
    agent.active = true;
    this.allocator.activateAgent(agent.id);
    this.requestAllocation('agent_activated');
  }

  agentHasTasks(agentId: string): boolean {
    for (const fw of this.frameworks.values()) for (const task of fw.tasks.values()) if (task.agent_id.value === agentId) return true;
    return false;
  }

  private disconnectAgent(agent: AgentRecord): void {
    this.log.warn(`Agent ${agent.id} at ${agent.pid} disconnected`);
    agent.stream = undefined;
    agent.connected = false;
    agent.active = false;
    this.allocator.deactivateAgent(agent.id);
    for (const offer of [...this.offers.values()]) if (offer.offer.agent_id.value === agent.id) this.rescindOffer(offer.offer.id.value, 'agent disconnected');
  }

  private pingAgents(): void {
    for (const agent of [...this.agents.values()]) {
      if (agent.awaitingPong || !agent.connected) agent.missedPings++;
      if (agent.missedPings >= this.options.maxAgentPingTimeouts) this.removeUnhealthy(agent);
      // One waiting for the removal rate limiter is still pinged: if it answers, it is spared.
      if (this.agents.get(agent.id) !== agent) continue;
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
      if (this.agents.get(agent.id) === agent && agent.missedPings >= this.options.maxAgentPingTimeouts) this.markUnreachable(agent);
    });
  }

  /**
   * An agent that stopped answering pings: its tasks are reported unreachable to partition-aware frameworks,
   * lost to the others, and kept as unreachable tasks until the agent comes back.
   */
  private markUnreachable(agent: AgentRecord): void {
    this.log.warn(`Agent ${agent.id} missed ${agent.missedPings} pings; marking it unreachable`);
    const unreachableTime = { nanoseconds: Math.round(now() * 1e9) };
    this.evictAgent(agent, (fw, task) => {
      const state: TaskState = hasCapability(fw.info, PARTITION_AWARE) ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      task.state = state;
      this.countTerminal(state);
      this.sendToFramework(fw, { type: 'UPDATE', update: { status: { ...this.masterStatus(task, state, 'REASON_AGENT_REMOVED', 'health check timed out'), unreachable_time: unreachableTime } } });
      fw.tasks.delete(task.task_id.value);
      fw.unreachableTasks.set(task.task_id.value, task);
      const oldest = fw.unreachableTasks.keys().next().value;
      if (fw.unreachableTasks.size > this.options.maxUnreachableTasksPerFramework && oldest) fw.unreachableTasks.delete(oldest);
    });
    this.registry.markUnreachable(agent.id);
  }

  /**
   * The operator removed the agent (its machine went DOWN, or it was marked gone; the caller has recorded
   * which in the registry): a registered agent is told to shut down and forgotten. Its tasks, and those
   * kept from when it was unreachable, are gone (lost, to frameworks that are not partition-aware).
   */
  removeAgent(agentId: string, message: string): void {
    const gone = (fw: FrameworkRecord, task: Task) => {
      const aware = hasCapability(fw.info, PARTITION_AWARE);
      task.state = aware ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST';
      this.countTerminal(task.state);
      this.sendToFramework(fw, { type: 'UPDATE', update: { status: this.masterStatus(task, task.state, aware ? 'REASON_AGENT_REMOVED_BY_OPERATOR' : 'REASON_AGENT_REMOVED', message) } });
    };
    const agent = this.agents.get(agentId);
    if (agent) {
      this.log.warn(`Removing agent ${agent.id} at ${agent.pid}: ${message}`);
      agent.stream?.send({ type: 'SHUTDOWN', shutdown: { message } } satisfies AgentEvent);
      this.evictAgent(agent, (fw, task) => { gone(fw, task); this.completeTask(fw, task); });
    }
    for (const fw of this.frameworks.values()) {
      for (const task of [...fw.unreachableTasks.values()]) {
        if (task.agent_id.value !== agentId) continue;
        fw.unreachableTasks.delete(task.task_id.value);
        gone(fw, task);
        this.addCompletedTask(fw, task);
      }
    }
  }

  /** Takes an agent out of the cluster: each of its tasks goes through `settle`, then frameworks hear it is lost. */
  private evictAgent(agent: AgentRecord, settle: (fw: FrameworkRecord, task: Task) => void): void {
    for (const fw of this.frameworks.values()) {
      for (const task of [...fw.tasks.values()]) if (task.agent_id.value === agent.id) settle(fw, task);
    }
    this.sendAgentLost(agent.id);
    this.forgetAgent(agent, 'agent removed');
    this.agents.delete(agent.id);
    agent.stream?.close();
    this.events.emit('agentRemoved', agent);
  }

  /** Agents of the registry that did not re-register within --agent_reregister_timeout after this master took over. */
  private recoveredAgentsTimeout(): void {
    const timeout = this.options.flags.agent_reregister_timeout ?? `${this.options.agentReregisterTimeoutMs}ms`;
    const share = this.recovered.size / Math.max(1, this.recoveredTotal);
    if (share > this.options.recoveryAgentRemovalLimit) {
      // As Mesos: the master exits rather than remove that many agents (a human should look; a standby takes over).
      this.log.error(`Post-recovery agent removal limit exceeded! After ${timeout} there were ${this.recovered.size} (${(share * 100).toFixed(0)}%) agents recovered from the registry that did not re-register: ${[...this.recovered].join(', ')}. The configured removal limit is ${(this.options.recoveryAgentRemovalLimit * 100).toFixed(0)}%. Please investigate or increase this limit to proceed further`);
      process.exit(1);
    }
    for (const id of this.recovered) {
      const remove = () => {
        if (this.agents.has(id)) return; // it came back while waiting for the rate limiter
        this.log.warn(`Agent ${id} did not re-register within ${timeout} after master failover; marking it unreachable`);
        this.registry.markUnreachable(id);
        this.sendAgentLost(id);
      };
      if (this.removals) this.removals.acquire(remove);
      else remove();
    }
    this.recovered.clear();
  }

  /** Mesos' LostSlaveMessage: a FAILURE event without executor to every connected framework. */
  private sendAgentLost(agentId: string): void {
    for (const fw of this.frameworks.values()) if (fw.connected) this.sendToFramework(fw, { type: 'FAILURE', failure: { agent_id: { value: agentId } } });
  }

  /**
   * Forgets unreachable agents beyond --registry_max_agent_count (oldest first) or older than
   * --registry_max_agent_age; a pruned agent's tasks are then unknown, and if it comes back it is
   * re-admitted as an unknown agent.
   */
  private registryGc(): void {
    const unreachable = this.registry.state.unreachable_agents;
    const cutoff = now() - this.options.registryMaxAgentAgeMs / 1000;
    const excess = unreachable.length - this.options.registryMaxAgentCount;
    const prune = new Set(unreachable.filter((a, i) => i < excess || a.timestamp < cutoff).map((a) => a.id));
    if (prune.size === 0) return;
    this.registry.pruneUnreachable(prune);
    for (const fw of this.frameworks.values()) {
      for (const [id, task] of fw.unreachableTasks) if (prune.has(task.agent_id.value)) fw.unreachableTasks.delete(id);
    }
    this.log.info(`Garbage collected ${prune.size} unreachable agents from the registry`);
  }

  sendToAgent(agentId: string, event: AgentEvent): void {
    const agent = this.agents.get(agentId);
    if (agent?.stream) agent.stream.send(event);
    else this.log.warn(`Not sending ${event.type} to agent ${agentId}: not connected`);
  }

  private statusUpdate(agentId: string, update: StatusUpdate): string | undefined {
    const fw = this.frameworks.get(update.framework_id.value);
    const status = update.status;
    if (!fw) {
      this.counters.invalid_status_updates++;
      // The framework is gone: acknowledge on its behalf so the agent stops retrying (as Mesos does).
      this.sendToAgent(agentId, { type: 'ACKNOWLEDGE', acknowledge: { framework_id: update.framework_id, task_id: status.task_id, uuid: update.uuid } });
      return undefined;
    }
    this.counters.valid_status_updates++;
    const task = fw.tasks.get(status.task_id.value);
    if (task) {
      const latest = update.latest_state ?? status.state;
      const wasTerminal = isTerminalState(task.state);
      task.state = latest;
      task.status_update_state = status.state;
      task.status_update_uuid = update.uuid;
      // As Mesos: the master keeps a task's statuses without their data (the framework got it once).
      task.statuses.push({ ...status, uuid: undefined, data: undefined } as TaskStatus);
      if (task.statuses.length > 10) task.statuses.splice(0, task.statuses.length - 10);
      if (!wasTerminal && isTerminalState(latest)) {
        this.countTerminal(latest);
        this.allocator.recoverResources(fw.id, agentId, task.resources);
        this.requestAllocation('resources_recovered');
      }
      this.events.emit('taskUpdated', task, status);
    }
    this.sendToFramework(fw, { type: 'UPDATE', update: { status: { ...status, uuid: update.uuid, agent_id: { value: agentId } } } });
    return undefined;
  }

  // ---------------------------------------------------------------- weights and quota

  updateWeights(weights: Record<string, number>): void {
    this.registry.putWeights(weights);
    this.allocator.updateWeights(weights);
    this.requestAllocation('weights_updated');
  }

  updateQuota(configs: QuotaConfig[]): void {
    for (const config of configs) {
      this.registry.putQuota(config);
      const scalars = (m: QuotaConfig['guarantees']) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v.value]));
      const empty = !Object.keys(config.guarantees ?? {}).length && !Object.keys(config.limits ?? {}).length;
      this.allocator.updateQuota(config.role, empty ? undefined : { guarantees: scalars(config.guarantees), limits: scalars(config.limits) });
    }
    this.requestAllocation('quota_updated');
  }

  // ---------------------------------------------------------------- operator view

  clusterTotal(): Resource[] {
    return res.add(...[...this.agents.values()].filter((a) => a.active).map((a) => a.total));
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

/** Filters.refuse_seconds, defaulting to 5 (as Mesos does for unset and negative values). */
function refuseSeconds(filters: Filters | undefined): number {
  const seconds = filters?.refuse_seconds;
  return seconds === undefined || seconds < 0 ? 5 : seconds;
}

function taskResources(task: TaskInfo): Resource[] {
  return res.add(task.resources ?? [], task.executor?.resources ?? []);
}

function ipToInt(ip: string): number {
  // MasterInfo.ip is the IPv4 address in network byte order read as a little-endian uint32, as Mesos writes it.
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return 0;
  return ((parts[3] << 24) >>> 0) + (parts[2] << 16) + (parts[1] << 8) + parts[0];
}

export const defaultHostname = (ip: string) => (ip === '0.0.0.0' ? os.hostname() : ip);
