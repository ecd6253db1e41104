import type { Resource } from '../../../common/protocol/v1';

/** Orders clients (roles, or frameworks within a role) for allocation, as Mesos' Sorter interface. */
export interface Sorter {
  add(client: string, weight?: number): void;
  remove(client: string): void;
  has(client: string): boolean;
  allocated(client: string, resources: Resource[]): void;
  unallocated(client: string, resources: Resource[]): void;
  /** The pool all shares are computed against (the cluster total). */
  setTotal(resources: Resource[]): void;
  share(client: string): number;
  sort(): string[];
}
