import type { Resource } from '../../../common/protocol/v1';

/** The scalar resources shares are computed over (as Mesos' sorters do). */
export const SHARED_SCALARS = ['cpus', 'mem', 'disk', 'gpus'] as const;

/** Orders clients (roles, or frameworks within a role) for allocation, as Mesos' Sorter interface. */
export interface Sorter {
  /** Adds a client, or updates the weight of one already there. */
  add(client: string, weight?: number): void;
  remove(client: string): void;
  has(client: string): boolean;
  allocated(client: string, resources: Resource[]): void;
  unallocated(client: string, resources: Resource[]): void;
  /** The same, with the shared scalars already summed (the allocator's hot path). */
  allocatedScalars(client: string, scalars: Map<string, number>, sign: 1 | -1): void;
  /** The pool all shares are computed against (the cluster total). */
  setTotal(resources: Resource[]): void;
  share(client: string): number;
  /** Clients in allocation order. The array is the sorter's own: read it, do not keep it across changes. */
  sort(): readonly string[];
}

/** Sums the shared scalars of a resource list. */
export function sharedScalars(resources: Resource[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of resources) {
    if (r.type === 'SCALAR' && (SHARED_SCALARS as readonly string[]).includes(r.name)) out.set(r.name, (out.get(r.name) ?? 0) + (r.scalar?.value ?? 0));
  }
  return out;
}
