// Dynamic reservations (RESERVE / UNRESERVE offer operations and operator calls): validation and the
// conversion between unreserved resources and resources reserved to a role.
import * as res from '../common/resources';
import type { Resource } from '../common/protocol/v1';

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
