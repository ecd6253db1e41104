// /v2/apps (Marathon's AppsResource): list, create, show, replace or patch, restart and delete apps,
// and their stored versions. Every change is a deployment (Marathon-Deployment-Id).
import type * as http from 'node:http';
import { sendJson, type Router } from '../../../common/http';
import { Refusal } from '../../../common/refusal';
import { absoluteId, newVersion, normalizeApp, restartedApp, updatedApp, type AppDefinition } from '../app';
import { AppValidationError, validateApp } from '../validation';
import { body, flag, groupOf, sendDeployment, type ApiContext } from './http';
import { appDefinitionJson, appJson, resolveEmbed, type AppEmbed } from './views';

export function mountApps(router: Router, ctx: ApiContext): void {
  const { service } = ctx;
  router
    .on('GET', '/v2/apps', (_q, res, url) => listApps(ctx, res, url))
    .on('POST', '/v2/apps', (req, res, url) => createApp(ctx, req, res, url))
    .on('GET', '/v2/apps/{id*}', (_q, res, url, { id }) => {
      // Marathon embeds these whatever the request says (deprecated, kept for compatibility).
      const embed = resolveEmbed(url.searchParams.getAll('embed'), ['counts', 'tasks', 'lastTaskFailure', 'deployments']);
      // `/v2/apps/<group>/*`: every app of the group, under the key `*`.
      const group = groupOf(id);
      if (group !== undefined) return sendJson(res, 200, { '*': service.appsInGroup(group).map((a) => appJson(service, a, embed)) });
      sendJson(res, 200, { app: appJson(service, service.app(absoluteId(id)), embed) });
    })
    .on(['PUT', 'PATCH'], '/v2/apps/{id*}', (req, res, url, { id }) => putApp(ctx, req, res, url, absoluteId(id)))
    .on('DELETE', '/v2/apps/{id*}', async (_q, res, url, { id }) => {
      const app = service.app(absoluteId(id));
      // Marathon's one deletion forced unless asked otherwise: removing an app cancels its deployments.
      sendDeployment(res, 200, await service.deploy({ [app.id]: null }, flag(url, 'force', true), newVersion()));
    })
    .on('POST', '/v2/apps/{id*}/restart', async (_q, res, url, { id }) => {
      const version = newVersion();
      const app = service.app(absoluteId(id));
      sendDeployment(res, 200, await service.deploy({ [app.id]: restartedApp(app, version) }, flag(url, 'force'), version));
    })
    .on('GET', '/v2/apps/{id*}/versions', (_q, res, _u, { id }) => {
      const app = service.app(absoluteId(id));
      sendJson(res, 200, { versions: (service.state.versions[app.id] ?? []).map((a) => a.version).reverse() });
    })
    .on('GET', '/v2/apps/{id*}/versions/{version}', (_q, res, _u, { id, version }) => {
      const found = (service.state.versions[absoluteId(id)] ?? []).find((a) => a.version === version);
      if (!found) throw new Refusal('not_found', `App '${absoluteId(id)}' does not exist in version ${version}`);
      sendJson(res, 200, appDefinitionJson(found));
    });
}

function publishPost(ctx: ApiContext, req: http.IncomingMessage, url: URL, app: AppDefinition): void {
  ctx.service.bus.publish('api_post_event', { clientIp: req.socket.remoteAddress ?? '', uri: url.pathname, appDefinition: app });
}

/** What POST /v2/apps answers with: the new app, its counts and its deployment. */
const CREATED = new Set<AppEmbed>(['counts', 'deployments']);

async function createApp(ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
  const raw = await body(req);
  validateApp(raw);
  const version = newVersion();
  const app = normalizeApp(raw, version);
  if (ctx.service.state.apps[app.id]) throw new Refusal('conflict', `An app with id [${app.id}] already exists.`);
  publishPost(ctx, req, url, app);
  const ref = await ctx.service.deploy({ [app.id]: app }, flag(url, 'force'), version);
  sendJson(res, 201, appJson(ctx.service, ctx.service.state.apps[app.id], CREATED), { Location: `/v2/apps${app.id}`, 'Marathon-Deployment-Id': ref.deploymentId });
}

/** PUT and PATCH: a partial update unless ?partialUpdate=false; creates the app when it does not exist. */
async function putApp(ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, appId: string) {
  const raw = await body(req);
  const current = ctx.service.state.apps[appId];
  const partial = url.searchParams.has('partialUpdate') ? flag(url, 'partialUpdate') : true;
  const merged = current && partial ? { ...current, ...raw, id: appId } : { ...raw, id: appId };
  if (raw.id !== undefined && absoluteId(String(raw.id)) !== appId) {
    throw new AppValidationError([{ path: '/id', errors: [`The id in the body (${String(raw.id)}) does not match the path (${appId})`] }]);
  }
  validateApp(stripComputed(merged));
  const version = newVersion();
  const next = updatedApp(current, stripComputed(raw), version, partial && current !== undefined);
  publishPost(ctx, req, url, next);
  const ref = await ctx.service.deploy({ [appId]: next }, flag(url, 'force'), version);
  sendDeployment(res, current ? 200 : 201, ref, current ? {} : { Location: `/v2/apps${appId}` });
}

/** Fields that GET adds (counts, tasks, deployments): a body copied from GET must still validate. */
function stripComputed(app: Record<string, unknown>): Record<string, unknown> {
  const { tasks: _t, tasksStaged: _s, tasksRunning: _r, tasksHealthy: _h, tasksUnhealthy: _u, deployments: _d, lastTaskFailure: _l, readinessCheckResults: _c, tasksStats: _ts, ...rest } = app;
  return rest;
}

function listApps(ctx: ApiContext, res: http.ServerResponse, url: URL) {
  const id = url.searchParams.get('id');
  const cmd = url.searchParams.get('cmd');
  const label = url.searchParams.get('label');
  const embed = resolveEmbed(url.searchParams.getAll('embed'), ['counts', 'deployments']);
  const apps = Object.values(ctx.service.state.apps)
    .filter((a) => !id || a.id.includes(id))
    .filter((a) => !cmd || (a.cmd ?? '').includes(cmd))
    .filter((a) => !label || matchesLabel(a, label))
    .sort((a, b) => a.id.localeCompare(b.id));
  sendJson(res, 200, { apps: apps.map((a) => appJson(ctx.service, a, embed)) });
}

/** Marathon's label selector: `key`, `key==value`, `key!=value`, `key in (a,b)`, comma-separated (all must hold). */
function matchesLabel(app: AppDefinition, selector: string): boolean {
  return selector.split(/,(?![^(]*\))/).map((s) => s.trim()).every((term) => {
    let m = /^(\S+)\s*(==|!=)\s*(.*)$/.exec(term);
    if (m) return m[2] === '==' ? app.labels[m[1]] === m[3] : app.labels[m[1]] !== m[3];
    m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    if (m) {
      const values = m[3].split(',').map((v) => v.trim());
      return m[2] === 'in' ? values.includes(app.labels[m[1]]) : !values.includes(app.labels[m[1]]);
    }
    return term in app.labels;
  });
}
