// The framework itself: subscribes through the scheduler SDK (PARTITION_AWARE, one-week failover),
// converges every app towards its definition (launches wait in the launch queue, kills go out at
// once), answers offers with the queue's placements, follows status updates into the instances,
// backs off failing apps, runs health checks, reconciles, and suppresses offers while nothing waits.
import * as os from 'node:os';
import type { Logger } from '../../common/log';
import { isTerminalState, type FrameworkInfo, type Offer, type TaskStatus } from '../../common/protocol/v1';
import { Scheduler } from '../../scheduler/scheduler';
import type { AppDefinition } from './app';
import { converge, DeploymentManager, mayAct } from './deployments';
import { EventBus } from './events';
import { HealthMonitor } from './health';
import { InstanceTracker } from './instances';
import { LaunchQueue } from './launch-queue';
import type { StateStore } from '../store';
import { isActive, type Instance, type MarathonState } from './state';
import { nanoseconds, taskInfo } from './task-info';

export interface MarathonOptions {
  master: string;
  frameworkName: string;
  role: string;
  failoverTimeoutSeconds: number;
  declineOfferSeconds: number;
  /** Full (explicit, then implicit) reconciliation period; unreachable instances are asked about more often. */
  reconciliationIntervalMs: number;
  webuiUrl?: string;
}

const TICK_MS = 1000;
const KILL_RETRY_MS = 10_000;
/** Task states are written at most this often: after a crash, reconciliation tells the rest. */
const STATUS_SAVE_MS = 1000;
/** Mesos sends nothing when an unreachable agent comes back: ask about its instances this often. */
const UNREACHABLE_RECONCILE_MS = 3000;

export class MarathonScheduler {
  readonly bus = new EventBus();
  readonly instances: InstanceTracker;
  readonly queue: LaunchQueue;
  readonly deployments: DeploymentManager;
  private readonly driver: Scheduler;
  private readonly health: HealthMonitor;
  private suppressed = false;
  private convergeQueued = false;
  private ticker?: NodeJS.Timeout;
  private lastReconciliation = Date.now();
  private lastUnreachableReconciliation = 0;
  /** Tasks whose ACCEPT is in flight: reconciliation leaves them out, as the master, not knowing them yet, would answer TASK_GONE. */
  private readonly launching = new Set<string>();

  constructor(readonly store: StateStore<MarathonState>, private readonly options: MarathonOptions, private readonly log: Logger) {
    const framework: FrameworkInfo = {
      user: os.userInfo().username,
      name: options.frameworkName,
      roles: [options.role],
      failover_timeout: options.failoverTimeoutSeconds,
      checkpoint: true,
      hostname: os.hostname(),
      capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'MULTI_ROLE' }, { type: 'TASK_KILLING_STATE' }],
      ...(options.webuiUrl ? { webui_url: options.webuiUrl } : {}),
      ...(store.state.frameworkId ? { id: { value: store.state.frameworkId } } : {}),
    };
    this.instances = new InstanceTracker(store.state, this.bus);
    this.queue = new LaunchQueue(store.state);
    this.deployments = new DeploymentManager(store.state, this.bus, {
      instancesOf: (appId) => this.instances.of(appId),
      persist: () => store.persist(),
      changed: () => this.requestConverge(),
    });
    this.driver = new Scheduler({ master: options.master, framework });
    this.driver.on('subscribed', (s) => this.guarded('Handling SUBSCRIBED', () => this.onSubscribed(s.framework_id.value)));
    this.driver.on('offers', (offers) => this.guarded(`Matching ${offers.length} offers`, () => this.onOffers(offers)));
    this.driver.on('update', (status) => this.guarded(`Handling ${status.state} of ${status.task_id.value}`, () => this.onUpdate(status)));
    this.driver.on('error', (message) => this.log.error(`The master refused the framework: ${message}`));
    this.health = new HealthMonitor({
      changed: (app, i, alive) => {
        if (alive !== undefined) this.bus.publish('health_status_changed_event', { appId: app.id, instanceId: i.taskId, taskId: i.taskId, version: i.version, alive });
        this.requestConverge();
      },
      unhealthy: (app, i, cause) => {
        this.log.warn(`Killing unhealthy instance ${i.taskId} of ${app.id}: ${cause}`);
        this.bus.publish('unhealthy_instance_kill_event', { appId: app.id, taskId: i.taskId, instanceId: i.taskId, version: i.version, reason: cause, host: i.host, slaveId: i.agentId });
        this.kill(i);
      },
      failed: (what, e) => this.log.error(`${what} failed: ${e.stack ?? e.message}`),
    });
  }

  get state() {
    return this.store.state;
  }

  get frameworkId(): string | undefined {
    return this.state.frameworkId;
  }

  get isSubscribed(): boolean {
    return this.driver.streamId !== undefined;
  }

  async start(): Promise<void> {
    await this.driver.subscribe();
    this.ticker = setInterval(() => this.guarded('The periodic tick', () => this.tick()), TICK_MS);
    this.ticker.unref();
  }

  /** Leaves the framework registered (it fails over to the next leader), stops acting. */
  stop(): void {
    clearInterval(this.ticker);
    this.driver.close();
    this.store.close();
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
    this.requestConverge();
  }

  /** Coalesces every reason to look at the apps into one pass. */
  requestConverge(): void {
    if (this.convergeQueued) return;
    this.convergeQueued = true;
    setImmediate(() => {
      this.convergeQueued = false;
      this.guarded('Converging apps', () => this.convergeAll());
    });
  }

  /** Runs what no caller awaits (a timer, a driver event): an exception is logged with its context, never fatal to the process. */
  private guarded(what: string, run: () => unknown): void {
    const report = (e: unknown) => this.log.error(`${what} failed: ${(e as Error).stack ?? String(e)}`);
    try {
      const result = run();
      if (result instanceof Promise) result.catch(report);
    } catch (e) {
      report(e);
    }
  }

  private async onSubscribed(frameworkId: string): Promise<void> {
    this.log.info(`Subscribed as framework ${frameworkId}`);
    this.suppressed = false;
    if (this.state.frameworkId !== frameworkId) {
      this.state.frameworkId = frameworkId;
      // Logged and retried by the store; reconciling meanwhile loses nothing.
      await this.store.save().catch(() => undefined);
    }
    await this.reconcile();
    this.requestConverge();
  }

  /** Learns what happened unseen: explicitly for the instances we know (launched), implicitly for the rest. */
  private async reconcile(): Promise<void> {
    this.lastReconciliation = Date.now();
    const known = this.instances.all().filter((i) => !this.launching.has(i.taskId)).map((i) => ({ taskId: i.taskId, agentId: i.agentId }));
    await this.driver.reconcile(known).catch((e: Error) => this.log.warn(`Explicit reconciliation failed: ${e.message}`));
    await this.driver.reconcile().catch((e: Error) => this.log.warn(`Implicit reconciliation failed: ${e.message}`));
  }

  private onUpdate(status: TaskStatus): void {
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
    this.requestConverge();
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

  private convergeAll(): void {
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
    this.reviveOrSuppress(wantsMore);
  }

  /** Offers are wanted while launches may go (revived when more are wanted), suppressed otherwise. */
  private reviveOrSuppress(wantsMore: boolean): void {
    const anyLaunchable = this.queue.launchable().length > 0;
    if ((wantsMore || this.suppressed) && anyLaunchable) {
      this.suppressed = false;
      this.driver.revive().catch((e: Error) => {
        // Still suppressed at the master: the next converge (at the latest the next tick) revives again.
        this.log.warn(`Reviving offers failed (retried): ${e.message}`);
        this.suppressed = true;
      });
    } else if (!anyLaunchable && !this.suppressed && this.isSubscribed) {
      this.suppressed = true;
      // Not suppressed after all: the next converge suppresses again; meanwhile offers are declined.
      this.driver.suppress().catch(() => { this.suppressed = false; });
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const i of this.instances.all()) {
      const app = this.state.apps[i.appId];
      if (this.instances.killOverdue(i, KILL_RETRY_MS, now)) this.kill(i);
      else if (app) this.health.tick(app, i, this.deployments.of(app.id) !== undefined);
    }
    // reconcile() logs its own failures.
    if (this.isSubscribed && now - this.lastReconciliation > this.options.reconciliationIntervalMs) void this.reconcile();
    const unreachable = this.instances.all().filter((i) => i.unreachableSince);
    if (this.isSubscribed && unreachable.length && now - this.lastUnreachableReconciliation > UNREACHABLE_RECONCILE_MS) {
      this.lastUnreachableReconciliation = now;
      // Asked again after UNREACHABLE_RECONCILE_MS while they stay unreachable: losing one request is safe.
      this.driver.reconcile(unreachable.map((i) => ({ taskId: i.taskId, agentId: i.agentId }))).catch(() => undefined);
    }
    // Backoffs run out and unreachable instances turn inactive with time alone.
    this.requestConverge();
  }

  private async onOffers(offers: Offer[]): Promise<void> {
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
    // Unused offers come back only after refuse_seconds, or at once after a REVIVE (new work).
    if (declined.length) {
      await this.driver.decline(declined, { refuse_seconds: this.options.declineOfferSeconds })
        .catch((e: Error) => this.log.warn(`Declining ${declined.length} offers failed (they stay with the framework until the master rescinds them): ${e.message}`));
    }
    this.store.persist();
    this.requestConverge();
  }
}
