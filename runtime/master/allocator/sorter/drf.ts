// Dominant Resource Fairness: a client's share is the largest fraction it holds of any shared scalar
// in the pool, divided by its weight; the lowest share goes first (ties by name). The order is kept
// incrementally: an allocation moves one client, it does not re-sort everyone.
import type { Resource } from '../../../common/protocol/v1';
import { sharedScalars, type Sorter } from './sorter';

interface Client { name: string; weight: number; allocation: Map<string, number>; share: number }

const before = (a: Client, b: Client) => a.share < b.share || (a.share === b.share && a.name < b.name);

export class DRFSorter implements Sorter {
  private readonly clients = new Map<string, Client>();
  private total = new Map<string, number>();
  private order: Client[] = [];
  private names: string[] = [];
  private dirty = false;

  add(client: string, weight = 1): void {
    const existing = this.clients.get(client);
    if (existing) {
      existing.weight = weight;
      this.refresh(existing);
      return;
    }
    const c: Client = { name: client, weight, allocation: new Map(), share: 0 };
    this.clients.set(client, c);
    this.insert(c);
  }

  remove(client: string): void {
    const c = this.clients.get(client);
    if (!c) return;
    this.clients.delete(client);
    this.take(c);
  }

  has(client: string): boolean {
    return this.clients.has(client);
  }

  allocated(client: string, resources: Resource[]): void {
    this.allocatedScalars(client, sharedScalars(resources), 1);
  }

  unallocated(client: string, resources: Resource[]): void {
    this.allocatedScalars(client, sharedScalars(resources), -1);
  }

  setTotal(resources: Resource[]): void {
    this.total = sharedScalars(resources);
    this.dirty = true; // every share changes: re-sort once, when next asked
  }

  share(client: string): number {
    const c = this.clients.get(client);
    if (!c) return 0;
    if (this.dirty) this.resort();
    return c.share;
  }

  /** Allocations per client, for reports (role shares in metrics and traces). */
  allocation(client: string): ReadonlyMap<string, number> {
    return this.clients.get(client)?.allocation ?? new Map();
  }

  sort(): readonly string[] {
    if (this.dirty) this.resort();
    return this.names;
  }

  private compute(c: Client): number {
    let dominant = 0;
    for (const [name, amount] of c.allocation) {
      const total = this.total.get(name) ?? 0;
      if (total > 0) dominant = Math.max(dominant, amount / total);
    }
    return dominant / c.weight;
  }

  allocatedScalars(client: string, scalars: Map<string, number>, sign: 1 | -1): void {
    const c = this.clients.get(client);
    if (!c) return;
    for (const [name, amount] of scalars) {
      const next = (c.allocation.get(name) ?? 0) + sign * amount;
      if (next <= 1e-9) c.allocation.delete(name);
      else c.allocation.set(name, next);
    }
    this.refresh(c);
  }

  private refresh(c: Client): void {
    if (this.dirty) return;
    this.take(c);
    c.share = this.compute(c);
    this.insert(c);
  }

  /** Where c's (share, name) belongs in the order, by binary search. */
  private lowerBound(c: Client): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.order[mid], c)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Finds c: the order is sorted by exactly its current share and name, unless a re-sort is pending. */
  private position(c: Client): number {
    if (this.dirty) return this.order.indexOf(c);
    const i = this.lowerBound(c);
    return this.order[i] === c ? i : this.order.indexOf(c);
  }

  private take(c: Client): void {
    const i = this.position(c);
    if (i >= 0) {
      this.order.splice(i, 1);
      this.names.splice(i, 1);
    }
  }

  private insert(c: Client): void {
    if (this.dirty) {
      this.order.push(c);
      this.names.push(c.name);
      return;
    }
    const i = this.lowerBound(c);
    this.order.splice(i, 0, c);
    this.names.splice(i, 0, c.name);
  }

  private resort(): void {
    this.dirty = false;
    for (const c of this.order) c.share = this.compute(c);
    this.order.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    this.names = this.order.map((c) => c.name);
  }
}
