// Dominant Resource Fairness: a client's share is the largest fraction it holds of any scalar
// resource in the pool, divided by its weight; the lowest share goes first (ties by name).
import type { Resource } from '../../../common/protocol/v1';
import type { Sorter } from './sorter';

const SHARED_SCALARS = ['cpus', 'mem', 'disk', 'gpus'];

function scalars(resources: Resource[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of resources) {
    if (r.type === 'SCALAR' && SHARED_SCALARS.includes(r.name)) out.set(r.name, (out.get(r.name) ?? 0) + (r.scalar?.value ?? 0));
  }
  return out;
}

interface Client { weight: number; allocation: Map<string, number> }

export class DRFSorter implements Sorter {
  private readonly clients = new Map<string, Client>();
  private total = new Map<string, number>();

  add(client: string, weight = 1): void {
    const existing = this.clients.get(client);
    if (existing) existing.weight = weight;
    else this.clients.set(client, { weight, allocation: new Map() });
  }

  remove(client: string): void {
    this.clients.delete(client);
  }

  has(client: string): boolean {
    return this.clients.has(client);
  }

  allocated(client: string, resources: Resource[]): void {
    this.adjust(client, resources, 1);
  }

  unallocated(client: string, resources: Resource[]): void {
    this.adjust(client, resources, -1);
  }

  setTotal(resources: Resource[]): void {
    this.total = scalars(resources);
  }

  share(client: string): number {
    const c = this.clients.get(client);
    if (!c) return 0;
    let dominant = 0;
    for (const [name, amount] of c.allocation) {
      const total = this.total.get(name) ?? 0;
      if (total > 0) dominant = Math.max(dominant, amount / total);
    }
    return dominant / c.weight;
  }

  sort(): string[] {
    const shares = new Map([...this.clients.keys()].map((k) => [k, this.share(k)]));
    return [...this.clients.keys()].sort((a, b) => (shares.get(a)! - shares.get(b)!) || (a < b ? -1 : a > b ? 1 : 0));
  }

  private adjust(client: string, resources: Resource[], sign: 1 | -1): void {
    const c = this.clients.get(client);
    if (!c) return;
    for (const [name, amount] of scalars(resources)) {
      const next = (c.allocation.get(name) ?? 0) + sign * amount;
      if (next <= 1e-9) c.allocation.delete(name);
      else c.allocation.set(name, next);
    }
  }
}
