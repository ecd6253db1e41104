// Mesos' random sorter: every sort() is a fresh weighted random order (a client of weight 2 is twice
// as likely to come first as one of weight 1); allocations do not matter.
import type { Resource } from '../../../common/protocol/v1';
import type { Sorter } from './sorter';

export class RandomSorter implements Sorter {
  private readonly weights = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  add(client: string, weight = 1): void {
    this.weights.set(client, weight);
  }

  remove(client: string): void {
    this.weights.delete(client);
  }

  has(client: string): boolean {
    return this.weights.has(client);
  }

  allocated(_client: string, _resources: Resource[]): void {}
  allocatedScalars(_client: string, _scalars: Map<string, number>, _sign: 1 | -1): void {}
  unallocated(_client: string, _resources: Resource[]): void {}
  setTotal(_resources: Resource[]): void {}

  share(_client: string): number {
    return 0;
  }

  sort(): readonly string[] {
    // Weighted shuffle: order by u^(1/w) descending (Efraimidis-Spirakis).
    return [...this.weights]
      .map(([name, weight]) => ({ name, key: Math.pow(this.random(), 1 / weight) }))
      .sort((a, b) => b.key - a.key)
      .map((c) => c.name);
  }
}
