// What the framework knows and persists: apps with their versions, instances (one task each, as
// Marathon's apps have), deployments and the framework id. The store (store.ts) keeps it durable.
import { isTerminalState, type Attribute, type TaskState } from '../../common/protocol/v1';
import type { StateShape } from '../store';
import { isMarathonSide, type AppDefinition } from './app';

/** One health check's record for one instance (Marathon's Health). */
export interface HealthCheckResult {
  alive: boolean;
  consecutiveFailures: number;
  firstSuccess: string | null;
  lastFailure: string | null;
  lastSuccess: string | null;
  lastFailureCause: string | null;
  instanceId: string;
}

/** Marathon's instance id of a task: `<app>.marathon-<uuid>` for a task id `<app>.<uuid>`. */
export const instanceIdOf = (taskId: string): string => taskId.replace(/\.([^.]+)$/, '.marathon-$1');

/** `previous` (or a new record) after one verdict at `at`: alive, or failed for `cause`. */
export function recordHealth(previous: HealthCheckResult | undefined, taskId: string, cause: string | undefined, at: string): HealthCheckResult {
  const result = previous ?? { alive: false, consecutiveFailures: 0, firstSuccess: null, lastFailure: null, lastSuccess: null, lastFailureCause: null, instanceId: instanceIdOf(taskId) };
  if (cause === undefined) {
    result.alive = true;
    result.consecutiveFailures = 0;
    result.firstSuccess ??= at;
    result.lastSuccess = at;
  } else {
    result.alive = false;
    result.consecutiveFailures++;
    result.lastFailure = at;
    result.lastFailureCause = cause;
  }
  return result;
}

export interface Instance {
  taskId: string;
  appId: string;
  /** The app version the instance was launched with, and its configuration (lastConfigChangeAt). */
  version: string;
  configVersion: string;
  agentId: string;
  host: string;
  /** The agent's IP (from the offer's URL): what health checks connect to, whatever the hostname resolves to. */
  ip: string;
  /** The task's addresses as its statuses report them (a Docker container's own on a bridge), once known. */
  ipAddresses?: Array<{ ipAddress: string; protocol: 'IPv4' | 'IPv6' }>;
  attributes: Attribute[];
  ports: number[];
  state: TaskState;
  stagedAt: string;
  startedAt: string | null;
  /** Killed on purpose: its end is neither a failure nor a reason to replace it. */
  killing: boolean;
  unreachableSince?: string;
  /** The Mesos-level check's record (from TaskStatus.healthy), when the executor runs the check. */
  mesosHealth?: HealthCheckResult;
  /** The framework-run checks' records, by their index among the app's HTTP, HTTPS and TCP checks. */
  healthCheckResults: HealthCheckResult[];
  ready: boolean;
}

export type DeploymentAction = 'StartApplication' | 'ScaleApplication' | 'RestartApplication' | 'StopApplication';

export interface Deployment {
  id: string;
  version: string;
  /** Apps as they were before and as they will be (null: absent). */
  original: Record<string, AppDefinition | null>;
  target: Record<string, AppDefinition | null>;
  steps: Array<{ actions: Array<{ action: DeploymentAction; app: string }> }>;
  /** 1-based index of the step being carried out. */
  currentStep: number;
}

export interface LaunchDelay { failures: number; until: number }

export interface MarathonState {
  frameworkId?: string;
  apps: Record<string, AppDefinition>;
  /** Every stored version of every app, oldest first (GET /v2/apps/{id}/versions). */
  versions: Record<string, AppDefinition[]>;
  instances: Record<string, Instance>;
  deployments: Record<string, Deployment>;
  delays: Record<string, LaunchDelay>;
}

export const emptyState = (): MarathonState => ({ apps: {}, versions: {}, instances: {}, deployments: {}, delays: {} });

export const MARATHON_STATE: StateShape<MarathonState> = {
  empty: emptyState,
  summary: ({ apps, instances, deployments }) => `${Object.keys(apps).length} apps, ${Object.keys(instances).length} instances, ${Object.keys(deployments).length} deployments`,
};

/**
 * An instance counts towards its app's size while it neither ended nor is being killed, and while it
 * is not unreachable for longer than the app's unreachableStrategy.inactiveAfterSeconds.
 */
export function isActive(i: Instance, app: AppDefinition, now = Date.now()): boolean {
  if (i.killing || isTerminal(i.state)) return false;
  if (!i.unreachableSince) return true;
  const strategy = app.unreachableStrategy;
  return strategy === 'disabled' || now - Date.parse(i.unreachableSince) < strategy.inactiveAfterSeconds * 1000;
}

/** For Marathon a task the master does not know (TASK_UNKNOWN) is as gone as a terminal one. */
export const isTerminal = (state: TaskState): boolean => isTerminalState(state) || state === 'TASK_UNKNOWN';

/** Healthy as Marathon counts it: running, and passing every health check the app has. */
/** The task's addresses as Marathon shows them: what its statuses reported, else the agent's IP. */
export const ipAddressesOf = (i: Instance): NonNullable<Instance['ipAddresses']> => i.ipAddresses ?? [{ ipAddress: i.ip, protocol: 'IPv4' }];

export function isHealthy(app: AppDefinition, i: Instance): boolean {
  if (i.state !== 'TASK_RUNNING') return false;
  if (app.healthChecks.length === 0) return true;
  const marathonSide = app.healthChecks.filter(isMarathonSide);
  const mesosSide = app.healthChecks.length - marathonSide.length;
  if (mesosSide > 0 && i.mesosHealth?.alive !== true) return false;
  return marathonSide.length === 0 || (i.healthCheckResults.length === marathonSide.length && i.healthCheckResults.every((r) => r.alive));
}
