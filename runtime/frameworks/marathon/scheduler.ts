// The framework itself: subscribes through the scheduler SDK (PARTITION_AWARE, one-week failover),
// converges every app towards its definition (launches wait in the launch queue, kills go out at
// once), answers offers with the queue's placements, follows status updates into the instances,
// backs off failing apps, runs health checks, reconciles, and suppresses offers while nothing waits.
import type { Logger } from '../../common/log';
import { isTerminalState, type Offer, type TaskStatus } from '../../common/protocol/v1';
import { FrameworkScheduler, type FrameworkOptions } from '../framework-scheduler';
import type { AppDefinition } from './app';
import { converge, DeploymentManager, mayAct } from './deployments';
import { EventBus } from './events';
import { HealthMonitor } from './health';
import { InstanceTracker } from './instances';
import { LaunchQueue } from './launch-queue';
import type { StateStore } from '../store';
import { isActive, type Instance, type MarathonState } from './state';
import { nanoseconds, taskInfo } from './task-info';

const KILL_RETRY_MS = 10_000;
/** Task states are written at most this often: after a crash, reconciliation tells the rest. */
const STATUS_SAVE_MS = 1000;
/** Mesos sends nothing when an unreachable agent comes back: ask about its instances this often. */
const UNREACHABLE_RECONCILE_MS = 3000;

export class MarathonScheduler extends FrameworkScheduler<MarathonState> {
  readonly bus = new EventBus();
  readonly instances: InstanceTracker;
  readonly queue: LaunchQueue;
  readonly deployments: DeploymentManager;
  private readonly health: HealthMonitor;
  private lastUnreachableReconciliation = 0;
  /** Tasks whose ACCEPT is in flight: reconciliation leaves them out, as the master, not knowing them yet, would answer TASK_GONE. */
  private readonly launching = new Set<string>();

  constructor(store: StateStore<MarathonState>, options: FrameworkOptions, log: Logger) {
    super(store, options, log, ['TASK_KILLING_STATE']);
    this.instances = new InstanceTracker(store.state, this.bus);
    this.queue = new LaunchQueue(store.state);
    this.deployments = new DeploymentManager(store.state, this.bus, {
      instancesOf: (appId) => this.instances.of(appId),
      persist: () => store.persist(),
      changed: () => this.requestPass(),
    });
    this.health = new HealthMonitor({
      changed: (app, i, alive) => {
        if (alive !== undefined) this.bus.publish('health_status_changed_event', { appId: app.id, instanceId: i.taskId, taskId: i.taskId, version: i.version, alive });
        this.requestPass();
      },
      unhealthy: (app, i, cause) => {
        this.log.warn(`Killing unhealthy instance ${i.taskId} of ${app.id}: ${cause}`);
        this.bus.publish('unhealthy_instance_kill_event', { appId: app.id, taskId: i.taskId, instanceId: i.taskId, version: i.version, reason: cause, host: i.host, slaveId: i.agentId });
        this.kill(i);
      },
      failed: (what, e) => this.log.error(`${what} failed: ${e.stack ?? e.message}`),
    });
  }

  /** Kills an instance on purpose: it will not count as a failure, nor towards its app's size. */
  kill(i: Instance): void {
    this.instances.markKilled(i);
    const grace = this.state.apps[i.appId]?.taskKillGracePeriodSeconds;
    // Sent again every KILL_RETRY_MS until the task ends (tick).
    this.driver.kill(i.taskId, i.agentId, grace !== undefined ? { grace_period: nanoseconds(grace) } : undefined)
      .catch((e: Error) => this.log.warn(`Killing ${i.taskId} failed (retried): ${e.message}`));
    this.store.persist();
  }

  /** Forgets an app's backoff (DELETE /v2/queue/{id}/delay). */
  resetDelay(appId: string): void {
    this.queue.resetDelay(appId);
    this.requestPass();
  }

  /** Explicitly reconciled: the instances we launched (not those whose ACCEPT is in flight). */
  protected knownTasks() {
    return this.instances.all().filter((i) => !this.launching.has(i.taskId)).map((i) => ({ taskId: i.taskId, agentId: i.agentId }));
  }

  protected onUpdate(status: TaskStatus): void {
    // Unacknowledged, the agent sends the update again: losing this acknowledgement is safe.
    this.driver.acknowledge(status).catch(() => undefined);
    const i = this.instances.get(status.task_id.value);
    if (!i) {
      // A task of ours we no longer know (e.g. found by implicit reconciliation): Marathon kills it.
      if (!isTerminalState(status.state) && status.state !== 'TASK_UNKNOWN' && status.agent_id) {
        this.log.warn(`Killing unknown task ${status.task_id.value}`);
        this.driver.kill(status.task_id.value, status.agent_id.value)
          .catch((e: Error) => this.log.warn(`Killing unknown task ${status.task_id.value} failed (the next reconciliation finds it again): ${e.message}`));
      }
      return;
    }
    if (this.instances.update(i, status)) {
      this.health.forget(i.taskId);
      const app = this.state.apps[i.appId];
      if (!i.killing && status.state !== 'TASK_FINISHED' && app) this.failed(app, i, status);
    }
    this.store.saveSoon(STATUS_SAVE_MS);
    this.requestPass();
  }

  /** An instance failed: its app's next launches wait (backoff) and GET /v2/apps/{id} tells why. */
  private failed(app: AppDefinition, i: Instance, status: TaskStatus): void {
    const delay = this.queue.backOff(app);
    app.lastTaskFailure = {
      appId: app.id, host: i.host, message: status.message ?? '', state: status.state, taskId: i.taskId,
      timestamp: new Date().toISOString(), version: i.version, slaveId: i.agentId,
    };
    this.log.info(`${i.taskId} of ${app.id} ended ${status.state}; next launch in ${delay.toFixed(1)}s`);
  }

  /** Converges every app towards its definition. */
  protected pass(): void {
    let wantsMore = false;
    // Every app, and what is left of removed ones.
    for (const appId of new Set([...Object.keys(this.state.apps), ...this.instances.appIds()])) {
      const app = this.state.apps[appId];
      const instances = this.instances.of(appId);
      const deployment = this.deployments.of(appId);
      const acting = !deployment || mayAct(deployment, appId);
      if (!app) {
        if (acting) instances.filter((i) => !i.killing).forEach((i) => this.kill(i));
        this.queue.wait(appId, 0);
        continue;
      }
      const decision = acting ? converge(app, instances) : { launch: 0, kill: [] };
      decision.kill.forEach((i) => this.kill(i));
      if (this.queue.wait(appId, decision.launch)) wantsMore = true;
    }
    this.deployments.advance();
    this.wantOffers(this.queue.launchable().length > 0, wantsMore);
  }

  protected tick(now: number): void {
    for (const i of this.instances.all()) {
      const app = this.state.apps[i.appId];
      if (this.instances.killOverdue(i, KILL_RETRY_MS, now)) this.kill(i);
      else if (app) this.health.tick(app, i, this.deployments.of(app.id) !== undefined);
    }
    const unreachable = this.instances.all().filter((i) => i.unreachableSince);
    if (this.isSubscribed && unreachable.length && now - this.lastUnreachableReconciliation > UNREACHABLE_RECONCILE_MS) {
      this.lastUnreachableReconciliation = now;
      // Asked again after UNREACHABLE_RECONCILE_MS while they stay unreachable: losing one request is safe.
      this.driver.reconcile(unreachable.map((i) => ({ taskId: i.taskId, agentId: i.agentId }))).catch(() => undefined);
    }
    // Backoffs run out and unreachable instances turn inactive with time alone.
    this.requestPass();
  }

  protected async onOffers(offers: Offer[]): Promise<void> {
    const placed = (app: AppDefinition) => this.instances.of(app.id).filter((i) => isActive(i, app)).map((i) => ({ hostname: i.host, attributes: i.attributes }));
    const uses = this.queue.place(offers, placed, (app, offer, match) => taskInfo(app, this.instances.create(app, offer, match.hostPorts), match.resources));
    const declined: string[] = [];
    for (const { offer, tasks } of uses) {
      if (tasks.length === 0) { declined.push(offer.id.value); continue; }
      for (const t of tasks) this.launching.add(t.task_id.value);
      this.driver.launch(offer, tasks).catch((e: Error) => {
        this.log.warn(`Launching on offer ${offer.id.value} failed: ${e.message}`);
        for (const t of tasks) this.guarded(`Dropping ${t.task_id.value}`, () => this.onUpdate({ task_id: t.task_id, state: 'TASK_DROPPED', message: e.message, agent_id: t.agent_id }));
      }).finally(() => { for (const t of tasks) this.launching.delete(t.task_id.value); });
    }
    await this.decline(declined);
    this.store.persist();
    this.requestPass();
  }
}
