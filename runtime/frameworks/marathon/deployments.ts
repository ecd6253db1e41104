// Deployments: their plans, the per-app decisions that carry them out, and the stepping through
// them. The decisions are pure: given an app and its instances, what to launch and what to kill next,
// honouring upgradeStrategy (minimumHealthCapacity, maximumOverCapacity), readiness checks and
// killSelection, as Marathon's replacement logic does. DeploymentManager moves each deployment to its
// next step once the apps of the current one converged, and ends it, announcing both on the bus.
import type { AppDefinition } from './app';
import type { EventBus } from './events';
import { isActive, isHealthy, type Deployment, type DeploymentAction, type Instance, type MarathonState } from './state';

/** Ready as a deployment counts it: healthy, and past every readiness check. */
const isReady = (app: AppDefinition, i: Instance) => isHealthy(app, i) && (app.readinessChecks.length === 0 || i.ready);

/** Instances in the order killSelection takes them: not yet running first, then youngest or oldest. */
function killOrder(app: AppDefinition, instances: Instance[]): Instance[] {
  const sign = app.killSelection === 'OLDEST_FIRST' ? 1 : -1;
  return [...instances].sort((a, b) => Number(a.state === 'TASK_RUNNING') - Number(b.state === 'TASK_RUNNING') || sign * a.stagedAt.localeCompare(b.stagedAt));
}

export interface Decision { launch: number; kill: Instance[] }

/** The next step towards `app`'s target: scale to `instances`, replacing instances of older configurations. */
export function converge(app: AppDefinition, instances: Instance[], now = Date.now()): Decision {
  const n = app.instances;
  const live = instances.filter((i) => isActive(i, app, now));
  const fresh = live.filter((i) => i.configVersion === app.versionInfo.lastConfigChangeAt);
  const old = live.filter((i) => i.configVersion !== app.versionInfo.lastConfigChangeAt);
  if (old.length === 0) {
    return { launch: Math.max(0, n - fresh.length), kill: fresh.length > n ? killOrder(app, fresh).slice(0, fresh.length - n) : [] };
  }
  const minHealthy = Math.ceil(n * app.upgradeStrategy.minimumHealthCapacity);
  const maxCapacity = Math.floor(n * (1 + app.upgradeStrategy.maximumOverCapacity));
  const readyNew = fresh.filter((i) => isReady(app, i)).length;
  let healthyOld = old.filter((i) => isHealthy(app, i)).length;
  const kill: Instance[] = [];
  // Unhealthy old instances go first; healthy ones only while enough healthy instances remain.
  const candidates = [...old.filter((i) => !isHealthy(app, i)), ...killOrder(app, old.filter((i) => isHealthy(app, i)))];
  for (const i of candidates) {
    const healthy = isHealthy(app, i);
    if (healthy && healthyOld + readyNew - 1 < minHealthy) break;
    kill.push(i);
    if (healthy) healthyOld--;
  }
  const freshCount = Math.min(fresh.length, n);
  let launch = Math.max(0, Math.min(n - freshCount, maxCapacity - (old.length - kill.length) - fresh.length));
  // minimumHealthCapacity 1 with maximumOverCapacity 0 leaves no room either way: replace one at a time.
  if (launch === 0 && kill.length === 0 && fresh.length === readyNew && fresh.length < n) kill.push(candidates[candidates.length - 1]);
  if (fresh.length > n) kill.push(...killOrder(app, fresh).slice(0, fresh.length - n));
  return { launch, kill };
}

/** True once `app` runs exactly its instances, all of its current configuration, healthy and ready. */
export function isConverged(app: AppDefinition | null, instances: Instance[]): boolean {
  const present = instances.filter((i) => !i.unreachableSince);
  if (!app) return present.length === 0;
  if (present.some((i) => i.killing || i.configVersion !== app.versionInfo.lastConfigChangeAt)) return false;
  return present.length === app.instances && present.every((i) => isReady(app, i));
}

/**
 * The steps that take every affected app from `original` to `target`: stops first, then new apps are
 * created (with no instances yet), then apps are scaled / restarted in dependency order.
 */
export function plan(id: string, version: string, original: Deployment['original'], target: Deployment['target']): Deployment {
  const apps = Object.keys(target);
  const stop = apps.filter((a) => original[a] && !target[a]);
  const start = apps.filter((a) => !original[a] && target[a]);
  const change = apps.filter((a) => target[a] && (!original[a] || original[a]!.version !== target[a]!.version));
  const steps: Deployment['steps'] = [];
  const step = (action: DeploymentAction, ids: string[]) => { if (ids.length) steps.push({ actions: ids.map((app) => ({ action, app })) }); };
  step('StopApplication', stop);
  step('StartApplication', start);
  for (const layer of dependencyLayers(change, target)) {
    steps.push({
      actions: layer.map((app) => {
        const before = original[app];
        const restart = before && before.versionInfo.lastConfigChangeAt !== target[app]!.versionInfo.lastConfigChangeAt;
        return { action: restart ? 'RestartApplication' as const : 'ScaleApplication' as const, app };
      }),
    });
  }
  return { id, version, original, target, steps, currentStep: steps.length ? 1 : 0 };
}

/** Groups apps so that each one comes after the apps it depends on (cycles end up together). */
function dependencyLayers(ids: string[], apps: Deployment['target']): string[][] {
  const layers: string[][] = [];
  const done = new Set<string>();
  let left = [...ids].sort();
  while (left.length) {
    const layer = left.filter((a) => apps[a]!.dependencies.every((d) => done.has(d) || !left.includes(d)));
    const next = layer.length ? layer : left;
    layers.push(next);
    next.forEach((a) => done.add(a));
    left = left.filter((a) => !done.has(a));
  }
  return layers;
}

/** Whether `appId` may act in `deployment` now: its action is in the current step or an earlier one. */
export function mayAct(deployment: Deployment, appId: string): boolean {
  return deployment.steps.slice(0, deployment.currentStep).some((s) => s.actions.some((a) => a.app === appId && a.action !== 'StartApplication'));
}

/** The apps a deployment touches. */
export const affectedApps = (d: Deployment): string[] => Object.keys(d.target).sort();

/** The JSON of GET /v2/deployments for one deployment. */
export function deploymentJson(d: Deployment, readiness: (appId: string) => unknown[] = () => []) {
  return {
    id: d.id,
    version: d.version,
    affectedApps: affectedApps(d),
    affectedPods: [],
    steps: d.steps.map((s) => ({ actions: s.actions.map((a) => ({ action: a.action, app: a.app })) })),
    currentActions: (d.steps[d.currentStep - 1]?.actions ?? []).map((a) => ({ action: a.action, app: a.app, readinessCheckResults: readiness(a.app) })),
    currentStep: d.currentStep,
    totalSteps: d.steps.length,
  };
}

/** A deployment as the event bus carries it (deployment_info, deployment_success, ...). */
export function planJson(d: Deployment) {
  const group = (apps: Record<string, AppDefinition | null>) => ({ id: '/', apps: Object.values(apps).filter((a): a is AppDefinition => a !== null) });
  return { id: d.id, version: d.version, original: group(d.original), target: group(d.target), steps: deploymentJson(d).steps };
}

export interface DeploymentHooks {
  instancesOf(appId: string): Instance[];
  /** A deployment started, moved or ended: it is saved without waiting. */
  persist(): void;
  /** What the apps should do may have changed: converge them again. */
  changed(): void;
}

/** Starts, steps and ends deployments (Marathon's DeploymentManager). */
export class DeploymentManager {
  constructor(private readonly state: MarathonState, private readonly bus: EventBus, private readonly hooks: DeploymentHooks) {}

  /** The deployment carrying `appId`, if any. */
  of(appId: string): Deployment | undefined {
    return Object.values(this.state.deployments).find((d) => appId in d.target);
  }

  /** Deployments that touch any of `appIds`. */
  touching(appIds: string[]): Deployment[] {
    return Object.values(this.state.deployments).filter((d) => appIds.some((id) => id in d.target));
  }

  /** Records a new deployment, announced before anything of it can happen so that the event stream tells it in order. */
  start(d: Deployment): void {
    this.state.deployments[d.id] = d;
    this.bus.publish('deployment_info', { plan: planJson(d), currentStep: d.steps[0] ?? { actions: [] } });
  }

  /** Moves every deployment past the steps whose apps converged; ends those with no step left. */
  advance(): void {
    for (const d of Object.values(this.state.deployments)) {
      let advanced = false;
      while (d.currentStep > 0 && d.currentStep <= d.steps.length) {
        const step = d.steps[d.currentStep - 1];
        if (!step.actions.every((a) => this.actionDone(a))) break;
        this.bus.publish('deployment_step_success', { plan: planJson(d), currentStep: { actions: step.actions } });
        d.currentStep++;
        advanced = true;
        if (d.currentStep <= d.steps.length) this.bus.publish('deployment_info', { plan: planJson(d), currentStep: d.steps[d.currentStep - 1] });
      }
      if (d.currentStep > d.steps.length || d.steps.length === 0) this.finish(d, true);
      else if (advanced) this.hooks.changed();
    }
  }

  /** Ends a deployment: success, or failure (cancelled by a rollback or a forced change). */
  finish(d: Deployment, success: boolean, reason = 'canceled'): void {
    delete this.state.deployments[d.id];
    if (success) this.bus.publish('deployment_success', { id: d.id, plan: planJson(d) });
    else this.bus.publish('deployment_failed', { id: d.id, plan: planJson(d), reason });
    this.hooks.persist();
    this.hooks.changed();
  }

  private actionDone(a: { action: DeploymentAction; app: string }): boolean {
    if (a.action === 'StartApplication') return true;
    return isConverged(a.action === 'StopApplication' ? null : this.state.apps[a.app] ?? null, this.hooks.instancesOf(a.app));
  }
}
