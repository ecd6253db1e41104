// Offers (Mesos' Master::offer, accept, decline, rescindOffer, removeOffer): a cycle's allocations
// become offers, one OFFERS event per framework; an outstanding offer then ends accepted, declined,
// rescinded (offer timeout, failover, its agent gone or changed, its role removed) or removed with its
// framework, and the allocation driver's listeners hear each of these. ACCEPT checks its offers
// (validation.ts), applies its operations in order to what they offer, LAUNCH and LAUNCH_GROUP
// (tasks.ts), RESERVE and UNRESERVE (reservations.ts), and gives what is left back to the allocator.
import { IdSequence } from '../common/ids';
import { guarded } from '../common/log';
import * as res from '../common/resources';
import type { Filters, Offer, Operation, Resource } from '../common/protocol/v1';
import type { Allocation, AllocationCycle } from './allocator/allocator';
import type { AllocationDriver, OfferAnswer, OfferRemovalCause } from './allocation';
import type { Maintenance } from './maintenance';
import type { Reservations } from './reservations';
import type { FrameworkRecord, MasterContext, MasterState, OfferRecord } from './state';
import type { Tasks } from './tasks';
import { validateOffers } from './validation';

export interface OffersPeers {
  allocation: AllocationDriver;
  tasks: Pick<Tasks, 'launch' | 'launchGroup' | 'dropInvalid'>;
  reservations: Pick<Reservations, 'offerOperation'>;
  maintenance: Pick<Maintenance, 'unavailability'>;
}

/** Filters.refuse_seconds, defaulting to 5 (as Mesos does for unset and negative values). */
function refuseSeconds(filters: Filters | undefined): number {
  const seconds = filters?.refuse_seconds;
  return seconds === undefined || seconds < 0 ? 5 : seconds;
}

export class Offers {
  private readonly state: MasterState;
  private readonly ids: IdSequence;

  constructor(private readonly ctx: MasterContext, private readonly peers: OffersPeers) {
    this.state = ctx.state;
    this.ids = new IdSequence(`${ctx.options.id}-O`, 1);
  }

  /** Turns a cycle's allocations into offers, one OFFERS event per framework; then offersMade, every cycle. */
  make(cycle: AllocationCycle, allocations: Allocation[]): void {
    const byFramework = new Map<FrameworkRecord, Offer[]>();
    for (const a of allocations) {
      const fw = this.state.frameworks.get(a.frameworkId);
      const agent = this.state.agents.get(a.agentId);
      if (!fw || !agent) continue;
      const offer: Offer = {
        id: { value: this.ids.take() },
        framework_id: { value: fw.id },
        agent_id: { value: agent.id },
        hostname: agent.info.hostname,
        url: { scheme: 'http', address: { hostname: agent.info.hostname, ip: agent.pid.split('@')[1].split(':')[0], port: agent.info.port ?? 5051 }, path: '/slave(1)' },
        resources: a.resources,
        attributes: agent.info.attributes ?? [],
        executor_ids: [...(fw.executors.get(agent.id)?.keys() ?? [])].map((value) => ({ value })),
        allocation_info: { role: a.role },
      };
      const unavailability = this.peers.maintenance.unavailability(agent);
      if (unavailability) offer.unavailability = unavailability;
      a.decision.offer_id = offer.id.value;
      const record: OfferRecord = { offer, role: a.role };
      const { offerTimeoutMs } = this.ctx.options;
      if (offerTimeoutMs) record.timer = setTimeout(guarded(this.ctx.log, `Offer ${offer.id.value}'s timeout`, () => this.rescind(offer.id.value, 'OFFER_TIMEOUT')), offerTimeoutMs);
      this.state.offers.set(offer.id.value, record);
      fw.offers.add(offer.id.value);
      const offers = byFramework.get(fw);
      if (offers) offers.push(offer);
      else byFramework.set(fw, [offer]);
    }
    for (const [fw, offers] of byFramework) this.ctx.sendToFramework(fw, { type: 'OFFERS', offers: { offers } });
    this.peers.allocation.emit('offersMade', { cycle, offers: [...byFramework.values()].flat() });
  }

  /** The offer is no longer outstanding (its resources are not recovered here). */
  remove(offerId: string, answer: OfferAnswer['answer'], details: Omit<OfferAnswer, 'offer' | 'answer'> = {}): OfferRecord | undefined {
    const record = this.state.offers.get(offerId);
    if (!record) return undefined;
    clearTimeout(record.timer);
    this.state.offers.delete(offerId);
    this.state.frameworks.get(record.offer.framework_id.value)?.offers.delete(offerId);
    this.peers.allocation.emit('offerAnswered', { offer: record.offer, answer, ...details });
    return record;
  }

  /** Takes the offer back: the framework hears RESCIND, the allocator gets its resources. */
  rescind(offerId: string, cause: OfferRemovalCause): void {
    const record = this.remove(offerId, 'rescinded', { cause });
    if (!record) return;
    this.ctx.log.info(`Rescinding offer ${offerId} (${cause})`);
    const fw = this.state.frameworks.get(record.offer.framework_id.value);
    if (fw) this.ctx.sendToFramework(fw, { type: 'RESCIND', rescind: { offer_id: record.offer.id } });
    this.ctx.allocator.recoverResources(record.offer.framework_id.value, record.offer.agent_id.value, record.offer.resources);
    this.ctx.requestAllocation('resources_recovered');
  }

  rescindAgentOffers(agentId: string, cause: OfferRemovalCause): void {
    for (const offer of [...this.state.offers.values()]) if (offer.offer.agent_id.value === agentId) this.rescind(offer.offer.id.value, cause);
  }

  decline(fw: FrameworkRecord, offerIds: string[], filters: Filters | undefined): void {
    const seconds = refuseSeconds(filters);
    for (const id of offerIds) {
      const record = this.state.offers.get(id);
      if (!record || record.offer.framework_id.value !== fw.id) continue; // Mesos ignores unknown offers here
      this.remove(id, 'declined', { refuseSeconds: seconds });
      this.ctx.allocator.recoverResources(fw.id, record.offer.agent_id.value, record.offer.resources, seconds);
    }
    this.ctx.requestAllocation('resources_recovered');
  }

  accept(fw: FrameworkRecord, offerIds: string[], operations: Operation[], filters: Filters | undefined): void {
    const { offers, error } = validateOffers(fw, offerIds, this.state.offers);
    const tasks = operations.flatMap((op) => op.type === 'LAUNCH' ? op.launch?.task_infos ?? [] : op.type === 'LAUNCH_GROUP' ? op.launch_group?.task_group.tasks ?? [] : []);
    for (const o of offers) this.remove(o.offer.id.value, 'accepted', { taskIds: tasks.map((t) => t.task_id.value) });
    if (error) {
      // Mesos: every task of an ACCEPT with invalid offers is dropped (lost for non-partition-aware frameworks).
      this.peers.tasks.dropInvalid(fw, tasks, error);
      for (const o of offers) this.ctx.allocator.recoverResources(fw.id, o.offer.agent_id.value, o.offer.resources);
      this.ctx.requestAllocation('resources_recovered');
      return;
    }
    const agentId = offers[0].offer.agent_id.value;
    const role = offers[0].role;
    let available = res.add(...offers.map((o) => o.offer.resources));
    for (const op of operations) available = this.apply(fw, op, agentId, role, available);
    this.ctx.allocator.recoverResources(fw.id, agentId, available, refuseSeconds(filters));
    this.ctx.requestAllocation('resources_recovered');
  }

  /** One operation of an ACCEPT, on what its offers still hold; returns what is left. */
  private apply(fw: FrameworkRecord, op: Operation, agentId: string, role: string, available: Resource[]): Resource[] {
    const { tasks, reservations } = this.peers;
    if (op.type === 'LAUNCH') {
      for (const task of op.launch?.task_infos ?? []) available = tasks.launch(fw, agentId, task, role, available);
      return available;
    }
    if (op.type === 'LAUNCH_GROUP' && op.launch_group) {
      return tasks.launchGroup(fw, agentId, op.launch_group.executor, op.launch_group.task_group.tasks, role, available);
    }
    if (op.type === 'RESERVE' && op.reserve) return reservations.offerOperation(fw, 'RESERVE', op.reserve.resources ?? [], agentId, role, available);
    if (op.type === 'UNRESERVE' && op.unreserve) return reservations.offerOperation(fw, 'UNRESERVE', op.unreserve.resources ?? [], agentId, role, available);
    this.ctx.log.warn(`Framework ${fw.id}: offer operation ${op.type} is not supported; ignored`);
    return available;
  }
}
