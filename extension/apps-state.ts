// The app framework's apps as the Apps view shows them: GET /v2/apps once per event stream attach, then
// kept current by Marathon's /v2/events (status, health, deployment and API events), so that apps cost
// no polling. An event the state cannot place (an app not yet known) asks for a re-read.
// No vscode import: unit-tested in test/unit/apps-state.test.ts.
import type { MarathonApp, MarathonEvent, MarathonTask } from '../runtime/client/marathon';
import { isTerminalState, type TaskState } from '../runtime/common/protocol/v1';

/** apps: the set of apps and their definitions; appStatus: their tasks, health and failures; deployments: any deployment moved. */
export type AppPart = 'apps' | 'appStatus' | 'deployments';

export interface AppTask { id: string; state: string; healthy?: boolean; host?: string }
export interface AppFailure { taskId: string; state: string; message: string; timestamp?: string }

export interface AppStatus {
  id: string;
  instances: number;
  /** Whether the app defines health checks (only then are its tasks healthy or not). */
  healthChecked: boolean;
  tasks: Map<string, AppTask>;
  /** Deployments in progress that change this app. */
  deployments: Set<string>;
  lastFailure?: AppFailure;
}

export interface AppsApplied { changed: readonly AppPart[]; reread?: boolean }

const NOTHING: AppsApplied = { changed: [] };
const REREAD: AppsApplied = { changed: [], reread: true };
// As Marathon's lastTaskFailure: a task that ended other than by finishing or being killed.
const FAILED = new Set(['TASK_FAILED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE']);

type Plan = { id: string; steps?: Array<{ actions?: Array<{ app?: string }> }> };

function fromApp(app: MarathonApp): AppStatus {
  const failure = app.lastTaskFailure as { taskId: string; state: string; message?: string; timestamp?: string } | undefined;
  return {
    id: app.id,
    instances: app.instances ?? 1,
    healthChecked: Array.isArray(app.healthChecks) && app.healthChecks.length > 0,
    tasks: new Map((app.tasks ?? []).map((t) => [t.id, fromTask(t)])),
    deployments: new Set((app.deployments ?? []).map((d) => d.id)),
    lastFailure: failure && { taskId: failure.taskId, state: failure.state, message: failure.message ?? '', timestamp: failure.timestamp },
  };
}

function fromTask(t: MarathonTask & { healthCheckResults?: Array<{ alive: boolean }> }): AppTask {
  const results = t.healthCheckResults ?? [];
  return { id: t.id, state: t.state ?? 'TASK_STAGING', host: t.host, healthy: results.length ? results.every((r) => r.alive) : undefined };
}

export class AppsState {
  readonly apps = new Map<string, AppStatus>();

  /** apps: GET /v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure's answer. */
  constructor(apps: MarathonApp[]) {
    for (const app of apps) this.apps.set(app.id, fromApp(app));
  }

  /** The app that runs the task, if the app framework said so. */
  appOf(taskId: string): AppStatus | undefined {
    for (const app of this.apps.values()) if (app.tasks.has(taskId)) return app;
    return undefined;
  }

  /** Applies one event; applying it again (over a re-read's answer) ends in the same state. */
  apply(e: MarathonEvent): AppsApplied {
    switch (e.eventType) {
      case 'event_stream_attached':
        // Some client attached (this one after a drop, or another): whatever was missed is read again.
        return { changed: ['deployments'], reread: true };
      case 'api_post_event': {
        const def = e.appDefinition as MarathonApp;
        const known = this.apps.get(def.id);
        if (!known) this.apps.set(def.id, fromApp({ ...def, tasks: [], deployments: [] }));
        else { known.instances = def.instances ?? 1; known.healthChecked = Array.isArray(def.healthChecks) && def.healthChecks.length > 0; }
        return { changed: ['apps'] };
      }
      case 'app_terminated_event':
        return this.apps.delete(e.appId as string) ? { changed: ['apps', 'appStatus'] } : NOTHING;
      case 'group_change_success':
        // Apps created or removed through /v2/groups: no event names them one by one.
        return REREAD;
      case 'status_update_event':
        return this.statusUpdate(e);
      case 'health_status_changed_event': {
        const task = this.apps.get(e.appId as string)?.tasks.get((e.taskId ?? e.instanceId) as string);
        if (!task || task.healthy === e.alive) return NOTHING;
        task.healthy = e.alive as boolean;
        return { changed: ['appStatus'] };
      }
      case 'deployment_info': {
        const plan = e.plan as Plan;
        const affected = new Set((plan.steps ?? []).flatMap((s) => (s.actions ?? []).map((a) => a.app)).filter((a): a is string => !!a));
        if ([...affected].some((id) => !this.apps.has(id))) return REREAD;
        for (const id of affected) this.apps.get(id)!.deployments.add(plan.id);
        return { changed: ['deployments'] };
      }
      case 'deployment_success':
      case 'deployment_failed': {
        const id = (e.id ?? (e.plan as Plan | undefined)?.id) as string;
        for (const app of this.apps.values()) app.deployments.delete(id);
        return { changed: ['deployments'] };
      }
      default:
        // Every deployment_* event moves a deployment (its progress is read where it is shown).
        return e.eventType.startsWith('deployment_') ? { changed: ['deployments'] } : NOTHING;
    }
  }

  private statusUpdate(e: MarathonEvent): AppsApplied {
    const app = this.apps.get(e.appId as string);
    if (!app) return REREAD;
    const id = e.taskId as string;
    const state = e.taskStatus as TaskState;
    if (isTerminalState(state)) {
      app.tasks.delete(id);
      if (FAILED.has(state)) app.lastFailure = { taskId: id, state, message: (e.message as string) ?? '', timestamp: e.timestamp };
    } else {
      const task = app.tasks.get(id);
      if (task) { task.state = state; task.host = e.host as string; } else app.tasks.set(id, { id, state, host: e.host as string });
    }
    return { changed: ['appStatus'] };
  }
}
