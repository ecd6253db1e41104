// The operator API's SUBSCRIBE stream: what the master and its allocation driver emit, sent to every
// subscriber as v1 master Events. Subscribers that asked for ?allocation_cycles=true (a Mesolite
// extension, opt-in so strict Mesos clients never see an unknown event type) also get a summary of
// every cycle (`held` when a controller holds it) and hear when and why an offer goes (accepted,
// declined, rescinded, removed): Mesos has no event for that.
import type { EventStream } from '../../common/http';
import { summarize } from '../allocator/trace';
import type { OfferAnswer } from '../allocation';
import type { Master } from '../master';
import { agentV1, frameworkV1, getState } from './state';

export class OperatorSubscribers {
  private readonly subscribers = new Set<EventStream>();
  private readonly cycleSubscribers = new Set<EventStream>();

  constructor(private readonly master: Master) {
    const { events, allocation } = master;
    events
      .on('frameworkAdded', (fw) => this.publish('FRAMEWORK_ADDED', () => ({ framework: frameworkV1(master, fw) })))
      .on('frameworkUpdated', (fw) => this.publish('FRAMEWORK_UPDATED', () => ({ framework: frameworkV1(master, fw) })))
      .on('frameworkRemoved', (fw) => this.publish('FRAMEWORK_REMOVED', () => ({ framework_info: fw.info })))
      .on('agentAdded', (agent) => this.publish('AGENT_ADDED', () => ({ agent: agentV1(master, agent) })))
      .on('agentRemoved', (agent) => this.publish('AGENT_REMOVED', () => ({ agent_id: { value: agent.id } })))
      .on('taskAdded', (task) => this.publish('TASK_ADDED', () => ({ task })))
      .on('taskUpdated', (task, status) => this.publish('TASK_UPDATED', () => ({ framework_id: task.framework_id, status: { ...status, uuid: undefined }, state: task.state })))
      .on('stopped', () => { for (const sub of this.subscribers) sub.close(); });
    allocation
      .on('offersMade', ({ cycle }) => this.publishCycles(() => ({
        type: 'MESOLITE_ALLOCATION_CYCLE',
        mesolite_allocation_cycle: { ...summarize(cycle), ...(allocation.held === cycle.cycle ? { held: true } : {}) },
      })))
      .on('offerAnswered', (answer) => this.publishCycles(() => ({ type: 'MESOLITE_OFFER_REMOVED', mesolite_offer_removed: offerRemoved(answer) })));
  }

  /** A new subscriber gets SUBSCRIBED with the whole state, then every event, with a HEARTBEAT every interval from then on (as Mesos' heartbeater). */
  subscribe(stream: EventStream, allocationCycles: boolean): void {
    const { heartbeatIntervalMs } = this.master.options;
    stream.send({ type: 'SUBSCRIBED', subscribed: { get_state: getState(this.master), heartbeat_interval_seconds: heartbeatIntervalMs / 1000 } });
    stream.heartbeat(heartbeatIntervalMs);
    this.subscribers.add(stream);
    if (allocationCycles) this.cycleSubscribers.add(stream);
    stream.onClose(() => { this.subscribers.delete(stream); this.cycleSubscribers.delete(stream); });
  }

  /** The payload is built only when someone listens (a framework view walks its tasks). */
  private publish(type: string, payload: () => Record<string, unknown>): void {
    if (this.subscribers.size === 0) return;
    const event = { type, [type.toLowerCase()]: payload() };
    for (const sub of this.subscribers) sub.send(event);
  }

  private publishCycles(event: () => Record<string, unknown>): void {
    if (this.cycleSubscribers.size === 0) return;
    const built = event();
    for (const sub of this.cycleSubscribers) sub.send(built);
  }
}

/** MESOLITE_OFFER_REMOVED: which offer went, and why. */
function offerRemoved({ offer: { id, framework_id, agent_id }, answer, cause, refuseSeconds, taskIds }: OfferAnswer): Record<string, unknown> {
  return {
    offer_id: id, framework_id, agent_id, reason: answer.toUpperCase(),
    ...(cause ? { cause } : {}),
    ...(refuseSeconds !== undefined ? { refuse_seconds: refuseSeconds } : {}),
    ...(taskIds ? { task_ids: taskIds.map((value) => ({ value })) } : {}),
  };
}
