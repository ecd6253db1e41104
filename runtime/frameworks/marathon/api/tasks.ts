// /v2/tasks and /v2/apps/{id}/tasks (Marathon's TasksResource and AppTasksResource): list tasks, and
// kill them (replaced, or with ?scale=true their apps shrink by as many: a deployment).
import type * as http from 'node:http';
import { sendJson, type Router } from '../../../common/http';
import { Refusal } from '../../../common/refusal';
import { absoluteId, newVersion } from '../app';
import type { Instance } from '../state';
import { AppValidationError } from '../validation';
import { body, flag, groupOf, sendDeployment, type ApiContext } from './http';
import { taskJson } from './views';

export function mountTasks(router: Router, ctx: ApiContext): void {
  const { service } = ctx;
  router
    .on('GET', '/v2/tasks', (_q, res, url) => {
      // `status` and `status[]`, as Marathon reads both.
      const status = [...url.searchParams.getAll('status'), ...url.searchParams.getAll('status[]')].map((s) => `TASK_${s.toUpperCase()}`);
      // Only tasks of apps that exist, as Marathon lists them (a removed app's last tasks are not).
      const instances = service.instances.all().filter((i) => service.state.apps[i.appId] && (status.length === 0 || status.includes(i.state)));
      sendJson(res, 200, { tasks: instances.map((i) => taskJson(i, service.state.apps[i.appId], service.scheduler.role)) });
    })
    .on('POST', '/v2/tasks/delete', async (req, res, url) => {
      const raw = await body(req);
      if (!Array.isArray(raw.ids) || raw.ids.some((x) => typeof x !== 'string')) throw new AppValidationError([{ path: '/ids', errors: ['expected an array of task ids'] }]);
      const victims = (raw.ids as string[]).map((taskId) => service.instances.get(taskId)).filter((i): i is Instance => i !== undefined);
      await kill(ctx, res, url, victims, () => sendJson(res, 200, { tasks: victims.map((i) => taskJson(i, service.state.apps[i.appId], service.scheduler.role)) }));
    })
    .on('GET', '/v2/apps/{id*}/tasks', (_q, res, _u, { id }) => {
      const group = groupOf(id);
      const apps = group !== undefined ? service.appsInGroup(group) : [service.app(absoluteId(id))];
      sendJson(res, 200, { tasks: apps.flatMap((app) => service.instances.of(app.id).map((i) => taskJson(i, app, service.scheduler.role))) });
    })
    .on('DELETE', '/v2/apps/{id*}/tasks', (_q, res, url, { id }) => killAppTasks(ctx, res, url, absoluteId(id)))
    .on('DELETE', '/v2/apps/{id*}/tasks/{taskId}', (_q, res, url, { id, taskId }) => killAppTasks(ctx, res, url, absoluteId(id), taskId));
}

/**
 * Kills `victims`: with ?scale=true their apps shrink by as many, a deployment (forced only with
 * ?force=true, as Marathon's killAndScale), answered with its DeploymentResult; else they are
 * replaced and `killed` answers. Marathon refuses scale and wipe together.
 */
async function kill(ctx: ApiContext, res: http.ServerResponse, url: URL, victims: Instance[], killed: () => void): Promise<void> {
  const scale = flag(url, 'scale');
  if (scale && flag(url, 'wipe')) throw new Refusal('invalid', 'You cannot use scale and wipe at the same time.');
  const ref = await ctx.service.killInstances(victims, scale ? { force: flag(url, 'force') } : undefined, newVersion());
  if (ref) sendDeployment(res, 200, ref);
  else killed();
}

/** Kills an app's tasks (on ?host= only; `*`: every host), or the one named. */
async function killAppTasks(ctx: ApiContext, res: http.ServerResponse, url: URL, appId: string, taskId?: string) {
  const app = ctx.service.app(appId);
  const role = ctx.service.scheduler.role;
  const host = url.searchParams.get('host');
  let victims = ctx.service.instances.of(appId).filter((i) => !host || host === '*' || i.host === host);
  if (taskId !== undefined) {
    victims = victims.filter((i) => i.taskId === taskId);
    if (victims.length === 0) throw new Refusal('not_found', `Task '${taskId}' does not exist`);
  }
  await kill(ctx, res, url, victims, () => {
    if (taskId !== undefined) sendJson(res, 200, { task: taskJson(victims[0], app, role) });
    else sendJson(res, 200, { tasks: victims.map((i) => taskJson(i, app, role)) });
  });
}
