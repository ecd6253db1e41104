// The framework itself: subscribes through the scheduler SDK (PARTITION_AWARE, one-week failover),
// turns deployments into launches and kills, matches offers, follows status updates, backs off
// failing apps, runs health checks, and suppresses offers while nothing waits for resources.
import * as os from 'node:os';
import { newUUID } from '../../common/ids';
import type { Logger } from '../../common/log';
import { isTerminalState, type FrameworkInfo, type Offer, type TaskInfo, type TaskStatus } from '../../common/protocol/v1';
import { subtract } from '../../common/resources';
import { Scheduler } from '../../scheduler/scheduler';
import { taskIdPrefix, type AppDefinition } from './app';
import { converge, isConverged, mayAct, deploymentJson } from './deployments';
import { EventBus } from './events';
import { HealthMonitor } from './health';
import { matchOffer, type RejectReason } from './offers';
import { isActive, isHealthy, isTerminal, type Deployment, type Instance } from './state';
import type { StateStore } from './store';
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

/** Offers seen for an app while it waits for launches (GET /v2/queue). */
export interface OfferStats {
  processed: number;
  unused: number;
  lastUsedAt?: string;
  lastUnusedAt?: string;
  /** Reasons of the offers since the app last started waiting. */
  rejects: Map<RejectReason, number>;
  lastUnused: Array<{ offer: Offer; timestamp: string; reason: RejectReason[] }>;
}

const TICK_MS = 1000;
const KILL_RETRY_MS = 10_000;
const LAST_UNUSED_OFFERS = 10;
/** Task states are written at most this often: after a crash, reconciliation tells the rest. */
const STATUS_SAVE_MS = 1000;
/** Mesos sends nothing when an unreachable agent comes back: ask about its instances this often. */
const UNREACHABLE_RECONCILE_MS = 3000;

export class MarathonScheduler {
  readonly bus = new EventBus();
  readonly offerStats = new Map<string, OfferStats>();
  /** Launches each app waits for (backoff aside), as the last converge computed them. */
  readonly waiting = new Map<string, { count: number; since: string }>();
  private readonly driver: Scheduler;
  private readonly health: HealthMonitor;
  private readonly killedAt = new Map<string, number>();
  private suppressed = false;
  private convergeQueued = false;
  private ticker?: NodeJS.Timeout;
  private lastReconciliation = Date.now();
  private lastUnreachableReconciliation = 0;
  /** Each app's instances, kept with state.instances (clients poll per-app counts while thousands of tasks start). */
  private readonly instancesByApp = new Map<string, Map<string, Instance>>();
  /** Tasks whose ACCEPT is in flight: reconciliation leaves them out, as the master, not knowing them yet, would answer TASK_GONE. */
  private readonly launching = new Set<string>();

  constructor(readonly store: StateStore, private readonly options: MarathonOptions, private readonly log: Logger) {
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
    for (const i of Object.values(this.state.instances)) this.index(i);
  }

  get state() {
    return this.store.state;
  }

  get frameworkId(): string | undefined {
    return this.state.frameworkId;
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
    const known = Object.values(this.state.instances).filter((i) => !this.launching.has(i.taskId)).map((i) => ({ taskId: i.taskId, agentId: i.agentId }));
    await this.driver.reconcile(known).catch((e: Error) => this.log.warn(`Explicit reconciliation failed: ${e.message}`));
    await this.driver.reconcile().catch((e: Error) => this.log.warn(`Implicit reconciliation failed: ${e.message}`));
  }

  // ---- Instances -----------------------------------------------------------------------------

  instancesOf(appId: string): Instance[] {
    return [...(this.instancesByApp.get(appId)?.values() ?? [])];
  }

  private index(i: Instance): void {
    const byId = this.instancesByApp.get(i.appId) ?? new Map<string, Instance>();
    this.instancesByApp.set(i.appId, byId.set(i.taskId, i));
  }

  private unindex(i: Instance): void {
    const byId = this.instancesByApp.get(i.appId);
    byId?.delete(i.taskId);
    if (byId?.size === 0) this.instancesByApp.delete(i.appId);
  }

  /** Kills an instance on purpose: it will not count as a failure, nor towards its app's size. */
  kill(i: Instance): void {
    i.killing = true;
    this.killedAt.set(i.taskId, Date.now());
    const app = this.state.apps[i.appId];
    const grace = app?.taskKillGracePeriodSeconds;
    this.driver.kill(i.taskId, i.agentId, grace !== undefined ? { grace_period: nanoseconds(grace) } : undefined)
      .catch((e: Error) => this.log.warn(`Killing ${i.taskId} failed (retried): ${e.message}`));
    this.store.persist();
  }

  private onUpdate(status: TaskStatus): void {
    this.driver.acknowledge(status).catch(() => undefined);
    const taskId = status.task_id.value;
    const i = this.state.instances[taskId];
    if (!i) {
      // A task of ours we no longer know (e.g. found by implicit reconciliation): Marathon kills it.
      if (!isTerminalState(status.state) && status.state !== 'TASK_UNKNOWN' && status.agent_id) {
        this.log.warn(`Killing unknown task ${taskId}`);
        this.driver.kill(taskId, status.agent_id.value).catch(() => undefined);
      }
      return;
    }
    const app = this.state.apps[i.appId];
    const previous = i.state;
    i.state = status.state;
    if (status.agent_id) i.agentId = status.agent_id.value;
    if (status.state === 'TASK_RUNNING' && !i.startedAt) i.startedAt = new Date().toISOString();
    if (status.state === 'TASK_UNREACHABLE') i.unreachableSince ??= new Date().toISOString();
    else delete i.unreachableSince;
    if (status.healthy !== undefined && status.healthy !== i.mesosHealthy) {
      i.mesosHealthy = status.healthy;
      this.bus.publish('health_status_changed_event', { appId: i.appId, instanceId: taskId, taskId, version: i.version, alive: status.healthy });
    }
    this.bus.publish('status_update_event', {
      slaveId: i.agentId, taskId, taskStatus: status.state, message: status.message ?? '', appId: i.appId, host: i.host,
      ipAddresses: [{ ipAddress: i.ip, protocol: 'IPv4' }], ports: i.ports, version: i.version,
    });
    if (previous !== status.state) {
      this.bus.publish('instance_changed_event', {
        instanceId: taskId, condition: condition(status.state), runSpecId: i.appId, agentId: i.agentId, host: i.host, runSpecVersion: i.version,
      });
    }
    if (isTerminal(status.state)) {
      delete this.state.instances[taskId];
      this.unindex(i);
      this.health.forget(taskId);
      this.killedAt.delete(taskId);
      if (!i.killing && status.state !== 'TASK_FINISHED' && app) this.backOff(app, i, status);
    }
    this.store.saveSoon(STATUS_SAVE_MS);
    this.requestConverge();
  }

  /** A failed launch delays the app's next ones: backoffSeconds × backoffFactor^(failures-1), capped. */
  private backOff(app: AppDefinition, i: Instance, status: TaskStatus): void {
    const failures = (this.state.delays[app.id]?.failures ?? 0) + 1;
    // backoffFactor ** n overflows to Infinity after enough failures; 0 × Infinity would be NaN.
    const delay = app.backoffSeconds === 0 ? 0 : Math.min(app.backoffSeconds * app.backoffFactor ** (failures - 1), app.maxLaunchDelaySeconds);
    this.state.delays[app.id] = { failures, until: Date.now() + delay * 1000 };
    app.lastTaskFailure = {
      appId: app.id, host: i.host, message: status.message ?? '', state: status.state, taskId: i.taskId,
      timestamp: new Date().toISOString(), version: i.version, slaveId: i.agentId,
    };
    this.log.info(`${i.taskId} of ${app.id} ended ${status.state}; next launch in ${delay.toFixed(1)}s`);
  }

  /** Forget the backoff (app changed, or DELETE /v2/queue/{id}/delay). */
  resetDelay(appId: string): void {
    delete this.state.delays[appId];
    this.requestConverge();
  }

  delayLeftSeconds(appId: string): number {
    const until = this.state.delays[appId]?.until ?? 0;
    return Math.max(0, (until - Date.now()) / 1000);
  }

  // ---- Converging apps to their definitions ---------------------------------------------------------

  /** Coalesces every reason to look at the apps into one pass. */
  requestConverge(): void {
    if (this.convergeQueued) return;
    this.convergeQueued = true;
    setImmediate(() => {
      this.convergeQueued = false;
      this.guarded('Converging apps', () => this.convergeAll());
    });
  }

  private deploymentOf(appId: string): Deployment | undefined {
    return Object.values(this.state.deployments).find((d) => appId in d.target);
  }

  private convergeAll(): void {
    let wantsMore = false;
    // Every app, and what is left of removed ones.
    for (const appId of new Set([...Object.keys(this.state.apps), ...this.instancesByApp.keys()])) {
      const app = this.state.apps[appId];
      const instances = this.instancesOf(appId);
      const deployment = this.deploymentOf(appId);
      const acting = !deployment || mayAct(deployment, appId);
      if (!app) {
        if (acting) instances.filter((i) => !i.killing).forEach((i) => this.kill(i));
        this.waiting.delete(appId);
        continue;
      }
      const decision = acting ? converge(app, instances) : { launch: 0, kill: [] };
      decision.kill.forEach((i) => this.kill(i));
      const before = this.waiting.get(appId)?.count ?? 0;
      if (decision.launch > 0) {
        this.waiting.set(appId, { count: decision.launch, since: this.waiting.get(appId)?.since ?? new Date().toISOString() });
        if (decision.launch > before && this.delayLeftSeconds(appId) === 0) wantsMore = true;
      } else {
        this.waiting.delete(appId);
        this.offerStats.delete(appId);
      }
    }
    this.advanceDeployments();
    const anyLaunchable = [...this.waiting.keys()].some((id) => this.delayLeftSeconds(id) === 0);
    if ((wantsMore || this.suppressed) && anyLaunchable) {
      this.suppressed = false;
      this.driver.revive().catch(() => undefined);
    } else if (!anyLaunchable && !this.suppressed && this.driver.streamId) {
      this.suppressed = true;
      this.driver.suppress().catch(() => { this.suppressed = false; });
    }
  }

  private advanceDeployments(): void {
    for (const d of Object.values(this.state.deployments)) {
      let advanced = false;
      while (d.currentStep > 0 && d.currentStep <= d.steps.length) {
        const step = d.steps[d.currentStep - 1];
        const done = step.actions.every((a) => a.action === 'StartApplication' || isConverged(a.action === 'StopApplication' ? null : this.state.apps[a.app] ?? null, this.instancesOf(a.app)));
        if (!done) break;
        this.bus.publish('deployment_step_success', { plan: this.planJson(d), currentStep: { actions: step.actions } });
        d.currentStep++;
        advanced = true;
        if (d.currentStep <= d.steps.length) this.bus.publish('deployment_info', { plan: this.planJson(d), currentStep: d.steps[d.currentStep - 1] });
      }
      if (d.currentStep > d.steps.length || d.steps.length === 0) this.finishDeployment(d, true);
      else if (advanced) this.requestConverge();
    }
  }

  /** Ends a deployment: success, or failure (cancelled by a rollback or a forced change). */
  finishDeployment(d: Deployment, success: boolean, reason = 'canceled'): void {
    delete this.state.deployments[d.id];
    if (success) this.bus.publish('deployment_success', { id: d.id, plan: this.planJson(d) });
    else this.bus.publish('deployment_failed', { id: d.id, plan: this.planJson(d), reason });
    this.store.persist();
    this.requestConverge();
  }

  planJson(d: Deployment) {
    const group = (apps: Record<string, AppDefinition | null>) => ({ id: '/', apps: Object.values(apps).filter((a): a is AppDefinition => a !== null) });
    return { id: d.id, version: d.version, original: group(d.original), target: group(d.target), steps: deploymentJson(d).steps };
  }

  readinessResults(appId: string): unknown[] {
    const app = this.state.apps[appId];
    if (!app?.readinessChecks.length) return [];
    return this.instancesOf(appId).map((i) => ({ name: app.readinessChecks[0].name, taskId: i.taskId, ready: i.ready, lastResponse: null }));
  }

  private tick(): void {
    const now = Date.now();
    for (const i of Object.values(this.state.instances)) {
      const app = this.state.apps[i.appId];
      if (i.killing && now - (this.killedAt.get(i.taskId) ?? 0) > KILL_RETRY_MS) this.kill(i);
      else if (app) this.health.tick(app, i, this.deploymentOf(app.id) !== undefined);
    }
    if (this.isSubscribed && now - this.lastReconciliation > this.options.reconciliationIntervalMs) void this.reconcile();
    const unreachable = Object.values(this.state.instances).filter((i) => i.unreachableSince);
    if (this.isSubscribed && unreachable.length && now - this.lastUnreachableReconciliation > UNREACHABLE_RECONCILE_MS) {
      this.lastUnreachableReconciliation = now;
      this.driver.reconcile(unreachable.map((i) => ({ taskId: i.taskId, agentId: i.agentId }))).catch(() => undefined);
    }
    // Backoffs run out and unreachable instances turn inactive with time alone.
    this.requestConverge();
  }

  // ---- Offers ----------------------------------------------------------------------------------

  private statsOf(appId: string): OfferStats {
    let stats = this.offerStats.get(appId);
    if (!stats) this.offerStats.set(appId, stats = { processed: 0, unused: 0, rejects: new Map(), lastUnused: [] });
    return stats;
  }

  private recordUnused(stats: OfferStats, offer: Offer, reason: RejectReason): void {
    const at = new Date().toISOString();
    stats.unused++;
    stats.lastUnusedAt = at;
    stats.rejects.set(reason, (stats.rejects.get(reason) ?? 0) + 1);
    stats.lastUnused.push({ offer, timestamp: at, reason: [reason] });
    if (stats.lastUnused.length > LAST_UNUSED_OFFERS) stats.lastUnused.shift();
  }

  private async onOffers(offers: Offer[]): Promise<void> {
    const launchable = [...this.waiting.entries()].filter(([id]) => this.delayLeftSeconds(id) === 0 && this.state.apps[id]);
    const slots = offers.map((offer) => ({ offer, pool: offer.resources, tasks: [] as TaskInfo[], placement: { hostname: offer.hostname, attributes: offer.attributes ?? [] } }));
    for (const [appId, wait] of launchable) {
      const app = this.state.apps[appId];
      const stats = this.statsOf(appId);
      stats.processed += slots.length;
      // Instances go round-robin over the offers, so that one app's launches spread over the agents.
      const rejected = new Map<number, RejectReason>();
      const used = new Set<number>();
      for (let k = 0; wait.count > 0 && rejected.size < slots.length; k = (k + 1) % slots.length) {
        if (rejected.has(k)) continue;
        const slot = slots[k];
        const placed = app.constraints.length ? this.instancesOf(appId).filter((i) => isActive(i, app)).map((i) => ({ hostname: i.host, attributes: i.attributes })) : [];
        const match = matchOffer(app, slot.pool, slot.placement, placed);
        if (typeof match === 'string') { rejected.set(k, match); continue; }
        const instance = this.newInstance(app, slot.offer, match.hostPorts);
        slot.tasks.push(taskInfo(app, instance, match.resources));
        slot.pool = subtract(slot.pool, match.resources);
        wait.count--;
        used.add(k);
      }
      if (used.size) stats.lastUsedAt = new Date().toISOString();
      for (const [k, reason] of rejected) if (!used.has(k)) this.recordUnused(stats, slots[k].offer, reason);
    }
    const declined: string[] = [];
    for (const { offer, tasks } of slots) {
      if (tasks.length === 0) { declined.push(offer.id.value); continue; }
      for (const t of tasks) this.launching.add(t.task_id.value);
      this.driver.launch(offer, tasks).catch((e: Error) => {
        this.log.warn(`Launching on offer ${offer.id.value} failed: ${e.message}`);
        for (const t of tasks) this.guarded(`Dropping ${t.task_id.value}`, () => this.onUpdate({ task_id: t.task_id, state: 'TASK_DROPPED', message: e.message, agent_id: t.agent_id }));
      }).finally(() => { for (const t of tasks) this.launching.delete(t.task_id.value); });
    }
    // Unused offers come back only after refuse_seconds, or at once after a REVIVE (new work).
    if (declined.length) await this.driver.decline(declined, { refuse_seconds: this.options.declineOfferSeconds }).catch(() => undefined);
    this.store.persist();
    this.requestConverge();
  }

  private newInstance(app: AppDefinition, offer: Offer, ports: number[]): Instance {
    const now = new Date().toISOString();
    const instance: Instance = {
      taskId: `${taskIdPrefix(app.id)}.${newUUID()}`, appId: app.id, version: app.version, configVersion: app.versionInfo.lastConfigChangeAt,
      agentId: offer.agent_id.value, host: offer.hostname, ip: offer.url?.address.ip ?? offer.hostname, attributes: offer.attributes ?? [], ports, state: 'TASK_STAGING',
      stagedAt: now, startedAt: null, killing: false, healthCheckResults: [], ready: false,
    };
    this.state.instances[instance.taskId] = instance;
    this.index(instance);
    this.bus.publish('instance_changed_event', { instanceId: instance.taskId, condition: 'Created', runSpecId: app.id, agentId: instance.agentId, host: instance.host, runSpecVersion: app.version });
    return instance;
  }

  // ---- Reporting ---------------------------------------------------------------------------------

  /** One pass over the app's instances: clients poll this (GET /v2/apps) while thousands of tasks start. */
  taskCounts(app: AppDefinition) {
    const withChecks = app.healthChecks.length > 0;
    const counts = { tasksStaged: 0, tasksRunning: 0, tasksHealthy: 0, tasksUnhealthy: 0 };
    for (const i of this.instancesOf(app.id)) {
      if (i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING') counts.tasksStaged++;
      if (i.state === 'TASK_RUNNING') counts.tasksRunning++;
      if (!withChecks) continue;
      if (isHealthy(app, i)) counts.tasksHealthy++;
      else if (i.state === 'TASK_RUNNING' && (i.mesosHealthy === false || i.healthCheckResults.some((r) => !r.alive))) counts.tasksUnhealthy++;
    }
    return counts;
  }

  /** Drops the launch delay of an app whose definition changed (Marathon restarts its backoff). */
  appChanged(appId: string): void {
    delete this.state.delays[appId];
    this.offerStats.delete(appId);
    this.waiting.delete(appId);
  }

  get isSubscribed(): boolean {
    return this.driver.streamId !== undefined;
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
