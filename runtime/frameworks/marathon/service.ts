// What the REST API asks of the framework: change apps (always through a deployment), lock apps that
// are being deployed, roll deployments back, kill instances. Every change is durable before it answers.
// It says no with Refusals (common/refusal.ts: AppLockedError, StorageError among them); api/ gives
// them Marathon's statuses.
import { newUUID } from '../../common/ids';
import { Refusal } from '../../common/refusal';
import { type AppDefinition } from './app';
import { plan } from './deployments';
import type { MarathonScheduler } from './scheduler';
import { type Deployment, type Instance } from './state';

/** Marathon's local (service) port range for portDefinitions with port 0. */
export const SERVICE_PORTS = { begin: 10000, end: 20000 };

export interface DeploymentRef { deploymentId: string; version: string }

/** Apps being deployed refuse another change unless it is forced: a conflict that names the deployments. */
export class AppLockedError extends Refusal {
  constructor(readonly deploymentIds: string[]) {
    super('conflict', `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${deploymentIds[0]}'.`);
  }
}

export class MarathonService {
  /** `maxVersions`: versions kept per app, the current one included (Marathon's --zk_max_versions). */
  constructor(readonly scheduler: MarathonScheduler, private readonly maxVersions: number) {}

  get state() {
    return this.scheduler.state;
  }

  get instances() {
    return this.scheduler.instances;
  }

  get deployments() {
    return this.scheduler.deployments;
  }

  get bus() {
    return this.scheduler.bus;
  }

  app(id: string): AppDefinition {
    const app = this.state.apps[id];
    if (!app) throw new Refusal('not_found', `App '${id}' does not exist`);
    return app;
  }

  /** The apps in a group and its subgroups (`/`: every app); a group no app is in does not exist. */
  appsInGroup(groupId: string): AppDefinition[] {
    const apps = Object.values(this.state.apps).filter((a) => groupId === '/' || a.id.startsWith(`${groupId}/`));
    if (apps.length === 0 && groupId !== '/') throw new Refusal('not_found', `Group '${groupId}' does not exist`);
    return apps.sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Starts a deployment taking each app in `changes` to its new definition (null: removed).
   * Apps already being deployed are locked (AppLockedError) unless `force` cancels those deployments.
   */
  async deploy(changes: Record<string, AppDefinition | null>, force: boolean, version: string): Promise<DeploymentRef> {
    const locking = this.deployments.touching(Object.keys(changes));
    if (locking.length && !force) throw new AppLockedError(locking.map((d) => d.id));
    for (const d of locking) this.deployments.finish(d, false, 'canceled by a forced deployment');
    const original: Deployment['original'] = {};
    const versionsBefore: Record<string, AppDefinition[] | undefined> = {};
    for (const [id, app] of Object.entries(changes)) {
      original[id] = this.state.apps[id] ?? null;
      versionsBefore[id] = this.state.versions[id];
      if (app) {
        this.assignServicePorts(app);
        this.state.apps[id] = app;
        // A new array, not push: undo() puts the old one back.
        this.state.versions[id] = [...(versionsBefore[id] ?? []), app].slice(-this.maxVersions);
        if (!original[id] || original[id]!.versionInfo.lastConfigChangeAt !== app.versionInfo.lastConfigChangeAt) this.scheduler.queue.forget(id);
      } else {
        delete this.state.apps[id];
        delete this.state.versions[id];
        this.scheduler.queue.forget(id);
      }
    }
    const deployment = plan(newUUID(), version, original, changes);
    this.deployments.start(deployment);
    try {
      await this.scheduler.store.save();
    } catch (e) {
      this.undo(deployment, changes, versionsBefore);
      throw e;
    }
    this.scheduler.requestPass();
    return { deploymentId: deployment.id, version };
  }

  /** Takes back a deployment that could not be persisted (its client gets the StorageError): its apps as they were, unless a later request changed them since. */
  private undo(deployment: Deployment, changes: Record<string, AppDefinition | null>, versionsBefore: Record<string, AppDefinition[] | undefined>): void {
    for (const [id, app] of Object.entries(changes)) {
      if ((this.state.apps[id] ?? null) !== app) continue;
      const before = deployment.original[id];
      if (before) this.state.apps[id] = before;
      else delete this.state.apps[id];
      if (versionsBefore[id]) this.state.versions[id] = versionsBefore[id]!;
      else delete this.state.versions[id];
      this.scheduler.queue.forget(id);
    }
    if (this.state.deployments[deployment.id]) this.deployments.finish(deployment, false, 'the change could not be persisted');
  }

  /** DELETE /v2/deployments/{id}: roll back to the original definitions, or with force just stop it. */
  async cancel(id: string, force: boolean, version: string): Promise<DeploymentRef | undefined> {
    const deployment = this.state.deployments[id];
    if (!deployment) throw new Refusal('not_found', `DeploymentPlan ${id} does not exist`);
    if (force) {
      this.deployments.finish(deployment, false, 'canceled');
      return undefined;
    }
    const rollback: Record<string, AppDefinition | null> = {};
    for (const [appId, before] of Object.entries(deployment.original)) {
      rollback[appId] = before ? { ...before, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: before.versionInfo.lastConfigChangeAt } } : null;
    }
    return this.deploy(rollback, true, version);
  }

  /**
   * Kills instances: replaced, or with `scale` their apps shrink by as many in a deployment (which
   * refuses apps being deployed unless `scale.force`, as Marathon's killAndScale).
   */
  async killInstances(instances: Instance[], scale: { force: boolean } | undefined, version: string): Promise<DeploymentRef | undefined> {
    if (!scale) {
      instances.forEach((i) => this.scheduler.kill(i));
      await this.scheduler.store.save();
      return undefined;
    }
    const changes: Record<string, AppDefinition> = {};
    for (const i of instances) {
      const app = changes[i.appId] ?? this.app(i.appId);
      changes[i.appId] = { ...app, instances: Math.max(0, app.instances - 1), version, versionInfo: { ...app.versionInfo, lastScalingAt: version } };
    }
    // Refused before anything is killed; the kills come before the deployment, so that it does not pick other victims.
    const locking = this.deployments.touching(Object.keys(changes));
    if (locking.length && !scale.force) throw new AppLockedError(locking.map((d) => d.id));
    instances.forEach((i) => this.scheduler.kill(i));
    return this.deploy(changes, true, version);
  }

  private assignServicePorts(app: AppDefinition): void {
    const used = new Set(Object.values(this.state.apps).filter((a) => a.id !== app.id).flatMap((a) => a.portDefinitions.map((p) => p.port)));
    let next = SERVICE_PORTS.begin;
    app.portDefinitions = app.portDefinitions.map((p) => {
      if (p.port !== 0) return p;
      while (used.has(next) && next < SERVICE_PORTS.end) next++;
      used.add(next);
      return { ...p, port: next };
    });
  }
}
