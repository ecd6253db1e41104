// The allocator interface the master drives (after Mesos' mesos::allocator::Allocator). Implementations
// are pure: no I/O, time from an injected clock; the master decides when a cycle runs.
import type { Resource } from '../../common/protocol/v1';
import type { AllocationCycle, AllocationTrigger, Decision } from './trace';

export type { AllocationCycle, AllocationTrigger, Decision } from './trace';

export interface Allocation {
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resource[];
  /** The trace entry of this offer; the master fills in the offer id. */
  decision: Extract<Decision, { decision: 'offered' }>;
}

export interface AllocatorFramework {
  roles: string[];
  active: boolean;
  suppressedRoles?: string[];
  /** The GPU_RESOURCES capability. */
  gpuAware?: boolean;
}

/** Quota of a role: scalar guarantees (satisfied before fair sharing) and limits (never exceeded). */
export interface Quota {
  guarantees: Record<string, number>;
  limits: Record<string, number>;
}

export interface Allocator {
  addFramework(id: string, framework: AllocatorFramework, used: Map<string, Resource[]>): void;
  updateFramework(id: string, framework: AllocatorFramework): void;
  removeFramework(id: string): void;
  activateFramework(id: string): void;
  deactivateFramework(id: string): void;

  /** `used` maps framework id to what its tasks and outstanding offers hold on the agent. */
  addAgent(id: string, total: Resource[], used: Map<string, Resource[]>): void;
  /** The agent's total changed (a reservation was made or removed). */
  updateAgent(id: string, total: Resource[]): void;
  removeAgent(id: string): void;
  activateAgent(id: string): void;
  deactivateAgent(id: string): void;

  /** A framework's offered resources changed form (RESERVE / UNRESERVE): `from` becomes `to`, here and in the agent's total. */
  updateAllocation(frameworkId: string, agentId: string, from: Resource[], to: Resource[]): void;

  /** Gives back offered or used resources; a positive refuseSeconds filters them for the framework. */
  recoverResources(frameworkId: string, agentId: string, resources: Resource[], refuseSeconds?: number): void;
  suppressOffers(frameworkId: string, roles: string[]): void;
  reviveOffers(frameworkId: string, roles: string[]): void;

  updateWeights(weights: Record<string, number>): void;
  updateQuota(role: string, quota: Quota | undefined): void;

  /** Resources of the agent not allocated to anyone (for operator reservations). */
  available(agentId: string): Resource[];
  /** Dominant shares, for metrics. */
  roleShares(): Map<string, number>;

  /** Runs one allocation cycle now. */
  allocate(trigger: AllocationTrigger): { allocations: Allocation[]; cycle: AllocationCycle };
}
