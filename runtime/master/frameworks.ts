// Frameworks (Mesos' framework.cpp and the framework half of master.cpp): SUBSCRIBE, with failover of
// a framework that subscribes again; disconnection and the failover_timeout that follows it; removal
// (TEARDOWN, or the timeout expired); UPDATE_FRAMEWORK; SUPPRESS and REVIVE; and frameworks known only
// from the registry or an agent's report after a master failover, until they subscribe again.
import type { EventStream } from '../common/http';
import { IdSequence } from '../common/ids';
import { guarded } from '../common/log';
import { Refusal } from '../common/refusal';
import type { FrameworkInfo, SchedulerEvent } from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { AllocatorFramework } from './allocator/allocator';
import type { Maintenance } from './maintenance';
import type { Offers } from './offers';
import { countTerminal, frameworkRoles, hasCapability, now, type FrameworkRecord, type MasterContext, type MasterState } from './state';
import type { Tasks } from './tasks';
import { validateFrameworkInfo } from './validation';

export interface FrameworksPeers {
  offers: Pick<Offers, 'rescind' | 'remove'>;
  tasks: Pick<Tasks, 'complete' | 'addCompleted'>;
  maintenance: Pick<Maintenance, 'forgetFramework'>;
}

/** The framework as the allocator sees it. */
function allocatorFramework(fw: FrameworkRecord): AllocatorFramework {
  return { roles: frameworkRoles(fw.info), active: fw.active, suppressedRoles: [...fw.suppressedRoles], gpuAware: hasCapability(fw.info, 'GPU_RESOURCES') };
}

function newRecord(info: FrameworkInfo, id: string, subscribed: boolean): FrameworkRecord {
  return {
    id, info, connected: subscribed, active: subscribed, recovered: !subscribed, registeredTime: now(), suppressedRoles: new Set(),
    tasks: new Map(), unreachableTasks: new Map(), completedTasks: [], offers: new Set(), executors: new Map(),
  };
}

export class Frameworks {
  private readonly state: MasterState;
  private readonly ids: IdSequence;

  constructor(private readonly ctx: MasterContext, private readonly peers: FrameworksPeers) {
    this.state = ctx.state;
    this.ids = new IdSequence(`${ctx.options.id}-`);
  }

  /**
   * SUBSCRIBE: a new framework, or one the master knows subscribing again (failover). Throws a Refusal
   * when Mesos refuses it; the scheduler API answers that with an ERROR event.
   */
  subscribe(info: FrameworkInfo, suppressedRoles: string[], stream: EventStream, streamId: string): FrameworkRecord {
    const invalid = validateFrameworkInfo(info, suppressedRoles);
    if (invalid) throw new Refusal('invalid', invalid);
    const requestedId = info.id?.value;
    if (requestedId && this.state.completedFrameworks.some((f) => f.id === requestedId)) throw new Refusal('forbidden', 'Framework has been removed');
    // Every framework the master holds (subscribed before, or recovered) is known to the allocator; a new
    // one has no tasks yet (those of a recovered one are known, through it, to the allocator already).
    const known = requestedId ? this.state.frameworks.get(requestedId) : undefined;
    if (known && (info.principal ?? '') !== (known.info.principal ?? '')) throw new Refusal('forbidden', "Changing framework's principal is not allowed.");
    const fw = known ? this.failover(known, info) : this.add(info, requestedId ?? this.ids.take());
    fw.stream = stream;
    fw.streamId = streamId;
    stream.heartbeat(this.ctx.options.heartbeatIntervalMs);
    fw.connected = true;
    fw.active = true;
    fw.unregisteredTime = undefined;
    fw.suppressedRoles = new Set(suppressedRoles);
    stream.onClose(() => { if (fw.stream === stream) this.disconnect(fw); });
    this.ctx.registry.putFramework(fw.info);
    if (known) {
      this.ctx.allocator.updateFramework(fw.id, allocatorFramework(fw));
      // Updates the agents resent while the framework was away were dropped: have them sent again now.
      this.updateOnAgents(fw);
    } else {
      this.ctx.allocator.addFramework(fw.id, allocatorFramework(fw), new Map());
    }
    this.ctx.events.emit(known ? 'frameworkUpdated' : 'frameworkAdded', fw);
    this.ctx.requestAllocation('framework_added');
    return fw;
  }

  private add(info: FrameworkInfo, id: string): FrameworkRecord {
    const fw = newRecord({ ...info, id: { value: id } }, id, true);
    this.state.frameworks.set(id, fw);
    this.ctx.log.info(`Framework ${id} (${info.name}) subscribed`);
    return fw;
  }

  /** The framework subscribed again: its old stream hears it failed over, its offers are rescinded. */
  private failover(fw: FrameworkRecord, info: FrameworkInfo): FrameworkRecord {
    // Like Mesos, a re-subscription cannot change the user or checkpointing: the old values stay.
    const kept = { ...info, user: fw.info.user, checkpoint: fw.info.checkpoint };
    this.ctx.log.info(`Framework ${fw.id} (${kept.name}) re-subscribed`);
    clearTimeout(fw.failoverTimer);
    const old = fw.stream;
    fw.stream = undefined;
    if (old && !old.isClosed) {
      old.send({ type: 'ERROR', error: { message: 'Framework failed over' } } satisfies SchedulerEvent);
      old.close();
    }
    for (const offerId of [...fw.offers]) this.peers.offers.rescind(offerId, 'FRAMEWORK_FAILED_OVER');
    fw.info = { ...kept, id: { value: fw.id } };
    fw.reregisteredTime = now();
    fw.recovered = false;
    return fw;
  }

  private disconnect(fw: FrameworkRecord): void {
    if (!this.state.frameworks.has(fw.id)) return;
    this.ctx.log.info(`Framework ${fw.id} disconnected; failover_timeout ${fw.info.failover_timeout ?? 0}s`);
    fw.stream = undefined;
    fw.connected = false;
    fw.active = false;
    fw.unregisteredTime = now();
    this.ctx.allocator.deactivateFramework(fw.id);
    for (const offerId of [...fw.offers]) this.peers.offers.rescind(offerId, 'FRAMEWORK_DISCONNECTED');
    this.ctx.events.emit('frameworkUpdated', fw);
    this.startFailoverTimer(fw);
  }

  /** A framework not subscribed has failover_timeout to come back before it and its tasks are removed. */
  private startFailoverTimer(fw: FrameworkRecord): void {
    clearTimeout(fw.failoverTimer);
    const timeoutMs = Math.min((fw.info.failover_timeout ?? 0) * 1000, 2 ** 31 - 1);
    fw.failoverTimer = setTimeout(guarded(this.ctx.log, `Framework ${fw.id}'s failover timeout`, () => {
      this.ctx.log.info(`Framework ${fw.id} failover timeout expired`);
      this.remove(fw);
    }), timeoutMs);
  }

  /** TEARDOWN, or failover_timeout expired: its tasks are killed, its executors shut down, and it is completed. */
  remove(fw: FrameworkRecord): void {
    if (!this.state.frameworks.has(fw.id)) return;
    this.ctx.log.info(`Removing framework ${fw.id} (${fw.info.name})`);
    clearTimeout(fw.failoverTimer);
    for (const offerId of [...fw.offers]) this.peers.offers.remove(offerId, 'removed', { cause: 'FRAMEWORK_REMOVED' });
    this.peers.maintenance.forgetFramework(fw.id);
    for (const agentId of this.agentsOf(fw)) this.ctx.sendToAgent(agentId, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: fw.id } } });
    for (const task of fw.tasks.values()) {
      if (!isTerminalState(task.state)) {
        task.state = 'TASK_KILLED';
        countTerminal(this.state, task.state);
      }
      this.peers.tasks.complete(fw, task);
    }
    // Their agents are away: recorded as killed, as Mesos does, without telling anyone.
    for (const task of fw.unreachableTasks.values()) {
      task.state = 'TASK_KILLED';
      countTerminal(this.state, task.state);
      this.peers.tasks.addCompleted(fw, task);
    }
    fw.unreachableTasks.clear();
    this.ctx.allocator.removeFramework(fw.id);
    this.state.frameworks.delete(fw.id);
    fw.connected = false;
    fw.active = false;
    fw.unregisteredTime = now();
    const stream = fw.stream;
    fw.stream = undefined;
    stream?.close();
    this.state.completedFrameworks.push(fw);
    if (this.state.completedFrameworks.length > this.ctx.options.maxCompletedFrameworks) this.state.completedFrameworks.shift();
    this.ctx.registry.removeFramework(fw.id);
    this.ctx.events.emit('frameworkRemoved', fw);
    this.ctx.requestAllocation('resources_recovered');
  }

  /** UPDATE_FRAMEWORK: the new FrameworkInfo, unless it changes what Mesos keeps fixed (a Refusal says what). */
  update(fw: FrameworkRecord, info: FrameworkInfo, suppressedRoles: string[] | undefined): void {
    const invalid = validateFrameworkInfo(info, suppressedRoles ?? []);
    if (invalid) throw new Refusal('invalid', `'UpdateFramework' call is not valid: ${invalid}`);
    if ((info.principal ?? '') !== (fw.info.principal ?? '')) throw new Refusal('invalid', "FrameworkInfo update is not valid: Changing framework's principal is not allowed.");
    if (info.user !== fw.info.user) throw new Refusal('invalid', `FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported; attempted to update from '${fw.info.user}' to '${info.user}'`);
    if (!!info.checkpoint !== !!fw.info.checkpoint) throw new Refusal('invalid', "FrameworkInfo update is not valid: Updating 'FrameworkInfo.checkpoint' is unsupported");
    fw.info = { ...info, id: { value: fw.id } };
    if (suppressedRoles) fw.suppressedRoles = new Set(suppressedRoles);
    const roles = frameworkRoles(fw.info);
    this.ctx.allocator.updateFramework(fw.id, allocatorFramework(fw));
    for (const offerId of [...fw.offers]) {
      if (!roles.includes(this.state.offers.get(offerId)?.role ?? '*')) this.peers.offers.rescind(offerId, 'FRAMEWORK_ROLE_REMOVED');
    }
    this.updateOnAgents(fw);
    this.ctx.registry.putFramework(fw.info);
    this.ctx.events.emit('frameworkUpdated', fw);
    this.ctx.requestAllocation('framework_activated');
  }

  /** A framework known only from the registry or an agent's report after a master failover, until it subscribes again. */
  recover(info: FrameworkInfo): FrameworkRecord {
    const fw = newRecord(info, info.id!.value, false);
    this.state.frameworks.set(fw.id, fw);
    this.ctx.allocator.addFramework(fw.id, allocatorFramework(fw), new Map());
    this.startFailoverTimer(fw);
    return fw;
  }

  suppress(fw: FrameworkRecord, roles: string[]): void {
    for (const role of roles.length ? roles : frameworkRoles(fw.info)) fw.suppressedRoles.add(role);
    this.ctx.allocator.suppressOffers(fw.id, roles);
  }

  revive(fw: FrameworkRecord, roles: string[]): void {
    for (const role of roles.length ? roles : frameworkRoles(fw.info)) fw.suppressedRoles.delete(role);
    this.ctx.allocator.reviveOffers(fw.id, roles);
    this.ctx.requestAllocation('revive');
  }

  /** Agents that run the framework's tasks or executors. */
  private agentsOf(fw: FrameworkRecord): Set<string> {
    return new Set([...fw.tasks.values()].map((t) => t.agent_id.value).concat([...fw.executors.keys()]));
  }

  /** As Mesos' UpdateFrameworkMessage: agents take the new FrameworkInfo and resend its pending status updates now. */
  private updateOnAgents(fw: FrameworkRecord): void {
    for (const agentId of this.agentsOf(fw)) {
      if (this.state.agents.get(agentId)?.stream) this.ctx.sendToAgent(agentId, { type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: fw.info } });
    }
  }
}
