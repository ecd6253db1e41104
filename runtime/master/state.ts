// What the master holds about the cluster (its records of frameworks, agents and offers: soft state,
// rebuilt from agent re-registrations and framework re-subscriptions after a failover; the durable part
// is the registry), and MasterContext: what frameworks.ts, agents.ts, offers.ts and tasks.ts work
// through. Each of them takes the context and the few calls it makes into the others, never the Master.
import type { EventEmitter } from 'node:events';
import type { EventStream } from '../common/http';
import type { Logger } from '../common/log';
import type { AgentEvent } from '../common/protocol/internal';
import type {
  AgentInfo, ExecutorInfo, FrameworkInfo, MasterInfo, Offer, Resource, SchedulerEvent, Task, TaskState, TaskStatus,
} from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { AllocationTrigger, Allocator } from './allocator/allocator';
import type { MasterOptions } from './flags';
import type { Registry } from './registry';

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

/** The master's maps (master.ts creates them). */
export interface MasterState {
  readonly frameworks: Map<string, FrameworkRecord>;
  /** Removed frameworks, the latest --max_completed_frameworks of them. */
  readonly completedFrameworks: FrameworkRecord[];
  readonly agents: Map<string, AgentRecord>;
  readonly offers: Map<string, OfferRecord>;
  /** Mesos' master/* counters of /metrics/snapshot. */
  readonly counters: { valid_status_updates: number; invalid_status_updates: number; messages_launch_tasks: number };
  /** Tasks that reached each terminal state (master/tasks_finished, ...). */
  readonly terminalCounts: Map<TaskState, number>;
}

export interface MasterContext {
  readonly state: MasterState;
  readonly options: MasterOptions;
  readonly info: MasterInfo;
  readonly log: Logger;
  readonly allocator: Allocator;
  readonly registry: Registry;
  readonly events: EventEmitter<MasterEvents>;
  /** Asks for an allocation cycle soon (triggers in one tick make one cycle). */
  requestAllocation(trigger: AllocationTrigger): void;
  sendToFramework(fw: FrameworkRecord, event: SchedulerEvent): void;
  /** Sends on the agent's event stream; an agent not connected misses it (logged). */
  sendToAgent(agentId: string, event: AgentEvent): void;
}

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

export function countTerminal(state: MasterState, taskState: TaskState): void {
  if (isTerminalState(taskState)) state.terminalCounts.set(taskState, (state.terminalCounts.get(taskState) ?? 0) + 1);
}

export const PARTITION_AWARE = 'PARTITION_AWARE';

export function frameworkRoles(info: FrameworkInfo): string[] {
  if (hasCapability(info, 'MULTI_ROLE')) return info.roles?.length ? info.roles : ['*'];
  return [info.role ?? '*'];
}

export function hasCapability(info: FrameworkInfo, type: string): boolean {
  return (info.capabilities ?? []).some((c) => c.type === type);
}
