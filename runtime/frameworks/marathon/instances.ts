// The instance index and lifecycle (Marathon's InstanceTracker): every instance of every app (one
// Mesos task each), indexed by app because clients poll per-app counts while thousands of tasks
// start; an instance is created for an offer, follows its task's status updates (publishing
// Marathon's events), may be killed on purpose, and is forgotten once its task ended.
import type { Offer, TaskStatus } from '../../common/protocol/v1';
import { newUUID } from '../../common/ids';
import { taskIdPrefix, type AppDefinition } from './app';
import type { EventBus } from './events';
import { ipAddressesOf, isHealthy, isTerminal, recordHealth, type Instance, type MarathonState } from './state';

export class InstanceTracker {
  private readonly byApp = new Map<string, Map<string, Instance>>();
  /** When each kill on purpose was last sent (it is sent again until the task ends). */
  private readonly killedAt = new Map<string, number>();

  constructor(private readonly state: MarathonState, private readonly bus: EventBus) {
    for (const i of Object.values(state.instances)) this.index(i);
  }

  get(taskId: string): Instance | undefined {
    return this.state.instances[taskId];
  }

  all(): Instance[] {
    return Object.values(this.state.instances);
  }

  of(appId: string): Instance[] {
    return [...(this.byApp.get(appId)?.values() ?? [])];
  }

  /** Apps that have instances (removed apps too, until their last instance ended). */
  appIds(): string[] {
    return [...this.byApp.keys()];
  }

  /** A new staging instance of `app` on the offer's agent with the host ports it matched. */
  create(app: AppDefinition, offer: Offer, ports: number[]): Instance {
    const instance: Instance = {
      taskId: `${taskIdPrefix(app.id)}.${newUUID()}`, appId: app.id, version: app.version, configVersion: app.versionInfo.lastConfigChangeAt,
      agentId: offer.agent_id.value, host: offer.hostname, ip: offer.url?.address.ip ?? offer.hostname, attributes: offer.attributes ?? [], ports, state: 'TASK_STAGING',
      stagedAt: new Date().toISOString(), startedAt: null, killing: false, healthCheckResults: [], ready: false,
    };
    this.state.instances[instance.taskId] = instance;
    this.index(instance);
    this.bus.publish('instance_changed_event', { instanceId: instance.taskId, condition: 'Created', runSpecId: app.id, agentId: instance.agentId, host: instance.host, runSpecVersion: app.version });
    return instance;
  }

  /** Applies its task's status update to `i`; an instance whose task ended is forgotten (true). */
  update(i: Instance, status: TaskStatus): boolean {
    const taskId = i.taskId;
    const previous = i.state;
    i.state = status.state;
    if (status.agent_id) i.agentId = status.agent_id.value;
    const addresses = status.container_status?.network_infos?.flatMap((n) => n.ip_addresses ?? []).filter((a) => a.ip_address);
    if (addresses?.length) i.ipAddresses = addresses.map((a) => ({ ipAddress: a.ip_address!, protocol: a.protocol ?? 'IPv4' }));
    if (status.state === 'TASK_RUNNING' && !i.startedAt) i.startedAt = new Date().toISOString();
    if (status.state === 'TASK_UNREACHABLE') i.unreachableSince ??= new Date().toISOString();
    else delete i.unreachableSince;
    if (status.healthy !== undefined) {
      const wasAlive = i.mesosHealth?.alive;
      // The executor's verdict is the Mesos-level check's result; Mesos says why only in the status' message.
      i.mesosHealth = recordHealth(i.mesosHealth, taskId, status.healthy ? undefined : status.message ?? 'unhealthy', new Date().toISOString());
      if (wasAlive !== status.healthy) this.bus.publish('health_status_changed_event', { appId: i.appId, instanceId: taskId, taskId, version: i.version, alive: status.healthy });
    }
    this.bus.publish('status_update_event', {
      slaveId: i.agentId, taskId, taskStatus: status.state, message: status.message ?? '', appId: i.appId, host: i.host,
      ipAddresses: ipAddressesOf(i), ports: i.ports, version: i.version,
    });
    if (previous !== status.state) {
      this.bus.publish('instance_changed_event', {
        instanceId: taskId, condition: condition(status.state), runSpecId: i.appId, agentId: i.agentId, host: i.host, runSpecVersion: i.version,
      });
    }
    if (!isTerminal(status.state)) return false;
    delete this.state.instances[taskId];
    this.unindex(i);
    this.killedAt.delete(taskId);
    return true;
  }

  /** Marks `i` as killed on purpose (neither a failure nor part of its app's size) at `now`. */
  markKilled(i: Instance, now = Date.now()): void {
    i.killing = true;
    this.killedAt.set(i.taskId, now);
  }

  /** True when `i` is being killed and its kill went unanswered for `retryMs`. */
  killOverdue(i: Instance, retryMs: number, now = Date.now()): boolean {
    return i.killing && now - (this.killedAt.get(i.taskId) ?? 0) > retryMs;
  }

  /** One pass over the app's instances: clients poll this (GET /v2/apps) while thousands of tasks start. */
  taskCounts(app: AppDefinition) {
    const withChecks = app.healthChecks.length > 0;
    const counts = { tasksStaged: 0, tasksRunning: 0, tasksHealthy: 0, tasksUnhealthy: 0 };
    for (const i of this.of(app.id)) {
      if (i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING') counts.tasksStaged++;
      if (i.state === 'TASK_RUNNING') counts.tasksRunning++;
      if (!withChecks) continue;
      if (isHealthy(app, i)) counts.tasksHealthy++;
      else if (i.state === 'TASK_RUNNING' && (i.mesosHealth?.alive === false || i.healthCheckResults.some((r) => !r.alive))) counts.tasksUnhealthy++;
    }
    return counts;
  }

  /** The readiness of each instance of an app with readiness checks (GET /v2/apps/{id}, /v2/deployments). */
  readinessResults(app: AppDefinition | undefined): unknown[] {
    if (!app?.readinessChecks.length) return [];
    return this.of(app.id).map((i) => ({ name: app.readinessChecks[0].name, taskId: i.taskId, ready: i.ready }));
  }

  private index(i: Instance): void {
    const byId = this.byApp.get(i.appId) ?? new Map<string, Instance>();
    this.byApp.set(i.appId, byId.set(i.taskId, i));
  }

  private unindex(i: Instance): void {
    const byId = this.byApp.get(i.appId);
    byId?.delete(i.taskId);
    if (byId?.size === 0) this.byApp.delete(i.appId);
  }
}

/** Marathon's instance conditions as instance_changed_event reports them. */
function condition(state: TaskStatus['state']): string {
  const map: Partial<Record<TaskStatus['state'], string>> = {
    TASK_STAGING: 'Staging', TASK_STARTING: 'Starting', TASK_RUNNING: 'Running', TASK_KILLING: 'Killing', TASK_FINISHED: 'Finished',
    TASK_FAILED: 'Failed', TASK_KILLED: 'Killed', TASK_ERROR: 'Error', TASK_LOST: 'Gone', TASK_DROPPED: 'Dropped',
    TASK_UNREACHABLE: 'Unreachable', TASK_GONE: 'Gone', TASK_GONE_BY_OPERATOR: 'GoneByOperator', TASK_UNKNOWN: 'Unknown',
  };
  return map[state] ?? 'Unknown';
}
