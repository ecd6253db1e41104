// Dynamic reservations (RESERVE / UNRESERVE offer operations and operator calls): validation, the
// conversion between unreserved resources and resources reserved to a role, and applying it to an
// agent (its total, the allocator's view, and the agent's checkpoint).
import { Refusal } from '../common/refusal';
import * as res from '../common/resources';
import type { Resource } from '../common/protocol/v1';
import type { OfferRemovalCause } from './allocation';
import type { FrameworkRecord, MasterContext } from './state';

type Kind = 'RESERVE' | 'UNRESERVE';

/** The same resources with their last (dynamic) reservation removed. */
export function withoutReservation(resources: Resource[]): Resource[] {
  return resources.map((r) => {
    const { reservations, role: _role, ...rest } = r;
    const remaining = (reservations ?? []).slice(0, -1);
    return remaining.length ? { ...rest, reservations: remaining } : rest;
  });
}

/** Checks a RESERVE request: every resource gets a DYNAMIC reservation to `role` (when given). */
export function validateReserve(resources: Resource[], role: string | undefined, principal: string | undefined): string | undefined {
  if (resources.length === 0) return "'reserve.resources' must not be empty";
  for (const r of resources) {
    const last = r.reservations?.[r.reservations.length - 1];
    if (!last || last.type !== 'DYNAMIC' || !last.role) return `Resource '${r.name}' must carry a DYNAMIC reservation with a role in 'reservations'`;
    if (role !== undefined && last.role !== role) return `Resource '${r.name}' is reserved to role '${last.role}', but the offer was allocated to role '${role}'`;
    if (last.principal !== undefined && principal !== undefined && last.principal !== principal) {
      return `A reservation's principal '${last.principal}' does not match the framework's principal '${principal}'`;
    }
  }
  return undefined;
}

export function validateUnreserve(resources: Resource[]): string | undefined {
  if (resources.length === 0) return "'unreserve.resources' must not be empty";
  for (const r of resources) {
    const last = r.reservations?.[r.reservations.length - 1];
    if (!last || last.type !== 'DYNAMIC') return `Resource '${r.name}' is not dynamically reserved`;
  }
  return undefined;
}

/**
 * Applies a RESERVE (or UNRESERVE) to `pool`: `from` leaves it, `to` joins it. Returns the new pool,
 * or an error when `from` is not in the pool.
 */
export function convert(pool: Resource[], from: Resource[], to: Resource[]): Resource[] | { error: string } {
  if (!res.contains(res.unallocate(pool), res.unallocate(from))) {
    return { error: `Insufficient resources: ${res.formatResources(from)} are not available in ${res.formatResources(pool)}` };
  }
  return res.add(res.subtract(pool, from), to);
}

/** What a RESERVE (or UNRESERVE) turns into what. */
function conversion(kind: Kind, resources: Resource[]): [from: Resource[], to: Resource[]] {
  return kind === 'RESERVE' ? [withoutReservation(resources), resources] : [resources, withoutReservation(resources)];
}

export class Reservations {
  constructor(private readonly ctx: MasterContext, private readonly rescindAgentOffers: (agentId: string, cause: OfferRemovalCause) => void) {}

  /** RESERVE / UNRESERVE in an ACCEPT, on the offered resources; returns them converted, or unchanged when the operation is dropped. */
  offerOperation(fw: FrameworkRecord, kind: Kind, resources: Resource[], agentId: string, role: string, available: Resource[]): Resource[] {
    const requested = res.unallocate(resources);
    const error = kind === 'RESERVE' ? validateReserve(requested, role, fw.info.principal) : validateUnreserve(requested);
    const [from, to] = conversion(kind, requested);
    const converted = error ? { error } : convert(available, res.allocate(from, role), res.allocate(to, role));
    if ('error' in converted) {
      this.ctx.log.warn(`Framework ${fw.id}: ${kind} dropped: ${converted.error}`);
      return available;
    }
    this.apply(agentId, from, to, { frameworkId: fw.id, role });
    return converted;
  }

  /** Operator RESERVE_RESOURCES / UNRESERVE_RESOURCES on an agent's unallocated resources. */
  operatorCall(kind: Kind, agentId: string, resources: Resource[]): void {
    if (!this.ctx.state.agents.has(agentId)) throw new Refusal('invalid', `Agent ${agentId} is not registered`);
    const error = kind === 'RESERVE' ? validateReserve(resources, undefined, undefined) : validateUnreserve(resources);
    if (error) throw new Refusal('invalid', error);
    const [from, to] = conversion(kind, resources);
    // Offered resources are not available: rescind this agent's offers first, as Mesos does.
    this.rescindAgentOffers(agentId, 'AGENT_RESERVATIONS_CHANGED');
    const converted = convert(this.ctx.allocator.available(agentId), from, to);
    if ('error' in converted) throw new Refusal('conflict', converted.error);
    this.apply(agentId, from, to);
    this.ctx.requestAllocation('resources_recovered');
  }

  /** The agent's total changes here, in the allocator (for a framework's offer: its allocation) and in its checkpoint. */
  private apply(agentId: string, from: Resource[], to: Resource[], offered?: { frameworkId: string; role: string }): void {
    const agent = this.ctx.state.agents.get(agentId)!;
    agent.total = res.add(res.subtract(agent.total, from), to);
    if (offered) this.ctx.allocator.updateAllocation(offered.frameworkId, agentId, res.allocate(from, offered.role), res.allocate(to, offered.role));
    else this.ctx.allocator.updateAgent(agentId, agent.total);
    this.ctx.sendToAgent(agentId, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.total } });
    this.ctx.log.info(`Agent ${agentId}: ${res.formatResources(from)} became ${res.formatResources(to)}`);
  }
}
