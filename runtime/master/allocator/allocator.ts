// The allocator interface the master drives (after Mesos' mesos::allocator::Allocator). Implementations
// are pure: no I/O, time from an injected clock; the master decides when a cycle runs.
import type { Resource } from '../../common/protocol/v1';

export type AllocationTrigger = 'interval' | 'framework_added' | 'framework_activated' | 'agent_added' | 'agent_activated' | 'revive' | 'resources_recovered' | 'step';

export type Decision =
  | { agent_id: string; framework_id: string; role: string; decision: 'offered'; resources: Resource[] }
  | { agent_id: string; framework_id: string; role: string; decision: 'filtered'; until: number }
  | { agent_id: string; framework_id: string; role: string; decision: 'suppressed' | 'nothing_left' | 'inactive' };

export interface AllocationCycle {
  cycle: number;
  trigger: AllocationTrigger;
  started_at: number;
  duration_ms: number;
  decisions: Decision[];
}

export interface Allocation {
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resource[];
}

export interface AllocatorFramework {
  roles: string[];
  active: boolean;
  suppressedRoles?: string[];
}

export interface Allocator {
  addFramework(id: string, framework: AllocatorFramework, used: Map<string, Resource[]>): void;
  updateFramework(id: string, framework: AllocatorFramework): void;
  removeFramework(id: string): void;
  activateFramework(id: string): void;
  deactivateFramework(id: string): void;

  /** `used` maps framework id to what its tasks and outstanding offers hold on the agent. */
  addAgent(id: string, total: Resource[], used: Map<string, Resource[]>): void;
  removeAgent(id: string): void;
  activateAgent(id: string): void;
  deactivateAgent(id: string): void;

  /** Gives back offered or used resources; a positive refuseSeconds filters them for the framework. */
  recoverResources(frameworkId: string, agentId: string, resources: Resource[], refuseSeconds?: number): void;
  suppressOffers(frameworkId: string, roles: string[]): void;
  reviveOffers(frameworkId: string, roles: string[]): void;

  /** Runs one allocation cycle now. */
  allocate(trigger: AllocationTrigger): { allocations: Allocation[]; cycle: AllocationCycle };
}
