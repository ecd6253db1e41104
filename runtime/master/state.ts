// What the master holds about the cluster: its records of frameworks, agents and offers. Soft state,
// rebuilt from agent re-registrations and framework re-subscriptions after a failover; the durable
// part is the registry (registry.ts).
import type { EventStream } from '../common/http';
import type { AgentInfo, ExecutorInfo, FrameworkInfo, Offer, Resource, Task, TaskStatus } from '../common/protocol/v1';

/**
 * A framework the master knows, whatever its phase: subscribed (connected), disconnected and waiting out
 * its failover_timeout, recovered (known from the registry or an agent's report until it re-subscribes),
 * or completed (removed; kept for the state endpoints).
 */
export interface FrameworkRecord {
  id: string;
  info: FrameworkInfo;
  stream?: EventStream;
  streamId?: string;
  connected: boolean;
  active: boolean;
  recovered: boolean;
  registeredTime: number;
  reregisteredTime?: number;
  unregisteredTime?: number;
  suppressedRoles: Set<string>;
  tasks: Map<string, Task>;
  /** Tasks of agents marked unreachable, kept until the agent comes back (Mesos 1.5+). */
  unreachableTasks: Map<string, Task>;
  completedTasks: Task[];
  offers: Set<string>;
  executors: Map<string, Map<string, ExecutorInfo>>; // agent id -> executor id -> info
  failoverTimer?: NodeJS.Timeout;
}

/** A registered agent (connected, or disconnected until it re-registers or is marked unreachable). */
export interface AgentRecord {
  id: string;
  info: AgentInfo;
  total: Resource[];
  pid: string;
  stream?: EventStream;
  connected: boolean;
  active: boolean;
  version: string;
  registeredTime: number;
  reregisteredTime?: number;
  awaitingPong: boolean;
  missedPings: number;
}

/** An outstanding offer: allocated to `role`, rescinded at --offer_timeout if set. */
export interface OfferRecord { offer: Offer; role: string; timer?: NodeJS.Timeout }

/** What the master tells the operator stream (http/events.ts turns them into v1 master Events). */
export interface MasterEvents {
  frameworkAdded: [FrameworkRecord];
  /** Re-subscribed, disconnected or updated (UPDATE_FRAMEWORK). */
  frameworkUpdated: [FrameworkRecord];
  frameworkRemoved: [FrameworkRecord];
  agentAdded: [AgentRecord];
  agentRemoved: [AgentRecord];
  taskAdded: [Task];
  /** A status update from an agent about a task the master knows; the task already holds its latest state. */
  taskUpdated: [Task, TaskStatus];
  /** The master stopped (its term ended): the streams of it end too. */
  stopped: [];
}

export const now = () => Date.now() / 1000;

export const PARTITION_AWARE = 'PARTITION_AWARE';

export function frameworkRoles(info: FrameworkInfo): string[] {
  if (hasCapability(info, 'MULTI_ROLE')) return info.roles?.length ? info.roles : ['*'];
  return [info.role ?? '*'];
}

export function hasCapability(info: FrameworkInfo, type: string): boolean {
  return (info.capabilities ?? []).some((c) => c.type === type);
}
