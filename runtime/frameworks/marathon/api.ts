// Marathon's REST API (/v2/apps, tasks, deployments, groups, queue, info, leader, events, /ping,
// /metrics) with Marathon's status codes and bodies. App ids contain slashes, so routes are patterns.
import type * as http from 'node:http';
import { HttpError, readBody, sendJson } from '../../common/http';
import { JsonError, parseJson } from '../../common/json';
import type { Logger } from '../../common/log';
import { MESOLITE_VERSION } from '../../master/version';
import { absoluteId, newVersion, normalizeApp, parentId, restartedApp, updatedApp, type AppDefinition } from './app';
import { deploymentJson } from './deployments';
import { serveEvents } from './events';
import type { MarathonService } from './service';
import { isHealthy, type Instance } from './state';
import { StorageError } from './store';
import { AppValidationError, groupDefinition, validateApp } from './validation';

export interface ApiContext {
  service: MarathonService;
  log: Logger;
  /** Facts for /v2/info and /v2/leader. */
  info(): { leader?: string; elected: boolean; config: Record<string, unknown>; zk?: string };
  abdicate(): void;
}

type Params = string[];
type Route = [method: string, pattern: RegExp, handler: (ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, params: Params) => unknown];

const APP_ID = '(/.+?)';

/** A body as Marathon reads it: JSON whatever the Content-Type says (`curl -d` sends form encoding). */
async function body(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const bytes = await readBody(req);
  try {
    const parsed = parseJson(bytes);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    throw new JsonError('expected a JSON object');
  } catch (e) {
    const { path, message } = e as JsonError;
    // The reader's `apps[0].mem` as Marathon writes paths: `/apps(0)/mem`.
    const marathonPath = `/${path.replace(/^\/$/, '').replace(/\[(\d+)\]/g, '($1)').replace(/\./g, '/')}`;
    throw new HttpError(400, JSON.stringify({ message: 'Invalid JSON', details: [{ path: marathonPath, errors: [message] }] }));
  }
}

const flag = (url: URL, name: string) => url.searchParams.get(name) === 'true';

function taskJson(i: Instance, app: AppDefinition | undefined) {
  return {
    id: i.taskId, appId: i.appId, host: i.host, ports: i.ports, servicePorts: app?.portDefinitions.map((p) => p.port) ?? [],
    slaveId: i.agentId, state: i.state, stagedAt: i.stagedAt, startedAt: i.startedAt, version: i.version,
    ipAddresses: [{ ipAddress: i.ip, protocol: 'IPv4' }], localVolumes: [], healthCheckResults: i.healthCheckResults,
    ...(app && app.healthChecks.length ? { healthy: isHealthy(app, i) } : {}),
  };
}

function appJson(ctx: ApiContext, app: AppDefinition, embed: { tasks: boolean; readiness?: boolean }) {
  const { scheduler } = ctx.service;
  return {
    ...app,
    ...scheduler.taskCounts(app),
    deployments: ctx.service.deploymentsOf([app.id]).map((d) => ({ id: d.id })),
    ...(embed.tasks ? { tasks: scheduler.instancesOf(app.id).map((i) => taskJson(i, app)) } : {}),
    ...(embed.readiness ? { readinessCheckResults: scheduler.readinessResults(app.id) } : {}),
  };
}

function deploymentHeaders(ref: { deploymentId: string }) {
  return { 'Marathon-Deployment-Id': ref.deploymentId };
}

function publishPost(ctx: ApiContext, req: http.IncomingMessage, url: URL, app: AppDefinition): void {
  ctx.service.scheduler.bus.publish('api_post_event', { clientIp: req.socket.remoteAddress ?? '', uri: url.pathname, appDefinition: app });
}

// ---- /v2/apps -------------------------------------------------------------------------------------

async function createApp(ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
  const raw = await body(req);
  validateApp(raw);
  const version = newVersion();
  const app = normalizeApp(raw, version);
  if (ctx.service.state.apps[app.id]) throw new HttpError(409, JSON.stringify({ message: `An app with id [${app.id}] already exists.` }));
  publishPost(ctx, req, url, app);
  const ref = await ctx.service.deploy({ [app.id]: app }, flag(url, 'force'), version);
  sendJson(res, 201, appJson(ctx, ctx.service.state.apps[app.id], { tasks: true }), { Location: `/v2/apps${app.id}`, ...deploymentHeaders(ref) });
}

async function putApp(ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, [id]: Params, partialByDefault: boolean) {
  const appId = absoluteId(id);
  const raw = await body(req);
  const current = ctx.service.state.apps[appId];
  const partial = url.searchParams.has('partialUpdate') ? flag(url, 'partialUpdate') : partialByDefault;
  const merged = current && partial ? { ...current, ...raw, id: appId } : { ...raw, id: appId };
  if (raw.id !== undefined && absoluteId(String(raw.id)) !== appId) {
    throw new AppValidationError([{ path: '/id', errors: [`The id in the body (${String(raw.id)}) does not match the path (${appId})`] }]);
  }
  validateApp(stripComputed(merged));
  const version = newVersion();
  const next = updatedApp(current, stripComputed(raw), version, partial && current !== undefined);
  publishPost(ctx, req, url, next);
  const ref = await ctx.service.deploy({ [appId]: next }, flag(url, 'force'), version);
  sendJson(res, current ? 200 : 201, ref, current ? deploymentHeaders(ref) : { Location: `/v2/apps${appId}`, ...deploymentHeaders(ref) });
}

/** Fields that GET adds (counts, tasks, deployments): a body copied from GET must still validate. */
function stripComputed(app: Record<string, unknown>): Record<string, unknown> {
  const { tasks: _t, tasksStaged: _s, tasksRunning: _r, tasksHealthy: _h, tasksUnhealthy: _u, deployments: _d, lastTaskFailure: _l, readinessCheckResults: _c, ...rest } = app;
  return rest;
}

function listApps(ctx: ApiContext, res: http.ServerResponse, url: URL) {
  const id = url.searchParams.get('id');
  const cmd = url.searchParams.get('cmd');
  const label = url.searchParams.get('label');
  const embed = url.searchParams.getAll('embed');
  const apps = Object.values(ctx.service.state.apps)
    .filter((a) => !id || a.id.includes(id))
    .filter((a) => !cmd || (a.cmd ?? '').includes(cmd))
    .filter((a) => !label || matchesLabel(a, label))
    .sort((a, b) => a.id.localeCompare(b.id));
  sendJson(res, 200, { apps: apps.map((a) => appJson(ctx, a, { tasks: embed.includes('apps.tasks'), readiness: embed.includes('apps.readiness') })) });
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

function instancesOf(ctx: ApiContext, appId: string): Instance[] {
  ctx.service.app(appId);
  return ctx.service.scheduler.instancesOf(appId);
}

async function killAppTasks(ctx: ApiContext, res: http.ServerResponse, url: URL, [id, taskId]: Params) {
  const appId = absoluteId(id);
  const host = url.searchParams.get('host');
  let victims = instancesOf(ctx, appId).filter((i) => !host || i.host === host);
  if (taskId !== undefined) {
    victims = victims.filter((i) => i.taskId === taskId);
    if (victims.length === 0) throw new HttpError(404, JSON.stringify({ message: `Task '${taskId}' does not exist` }));
  }
  const ref = await ctx.service.killInstances(victims, flag(url, 'scale'), newVersion());
  if (ref) return sendJson(res, 200, ref, deploymentHeaders(ref));
  const app = ctx.service.state.apps[appId];
  if (taskId !== undefined) return sendJson(res, 200, { task: taskJson(victims[0], app) });
  sendJson(res, 200, { tasks: victims.map((i) => taskJson(i, app)) });
}

// ---- /v2/groups ------------------------------------------------------------------------------------

function groupJson(ctx: ApiContext, id: string): Record<string, unknown> | undefined {
  const apps = Object.values(ctx.service.state.apps);
  const inside = apps.filter((a) => a.id.startsWith(id === '/' ? '/' : `${id}/`));
  if (id !== '/' && inside.length === 0) return undefined;
  const childIds = new Set(inside.map((a) => parentId(a.id)).filter((g) => g !== id).map((g) => `${id === '/' ? '' : id}/${g.slice(id === '/' ? 1 : id.length + 1).split('/')[0]}`));
  return {
    id,
    apps: inside.filter((a) => parentId(a.id) === id).map((a) => appJson(ctx, a, { tasks: false })),
    groups: [...childIds].sort().map((g) => groupJson(ctx, g)),
    dependencies: [],
    version: inside.map((a) => a.version).sort().pop() ?? new Date(0).toISOString(),
  };
}

async function postGroup(ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, [path]: Params, update: boolean) {
  const { id: groupId, apps: entries } = groupDefinition(await body(req), absoluteId(path ?? '/'));
  const exists = groupJson(ctx, groupId) !== undefined && groupId !== '/';
  if (!update && exists) throw new HttpError(409, JSON.stringify({ message: `Group ${groupId} is already created. Use PUT to change this group.` }));
  const version = newVersion();
  const changes: Record<string, AppDefinition> = {};
  for (const e of entries) {
    const app = normalizeApp(e.raw, version, e.base);
    const current = ctx.service.state.apps[app.id];
    changes[app.id] = current ? updatedApp(current, { ...e.raw, id: app.id }, version, false) : app;
  }
  const ref = await ctx.service.deploy(changes, flag(url, 'force'), version);
  sendJson(res, update ? 200 : 201, ref, { ...(update ? {} : { Location: `/v2/groups${groupId}` }), ...deploymentHeaders(ref) });
}

async function deleteGroup(ctx: ApiContext, res: http.ServerResponse, url: URL, [path]: Params) {
  const groupId = absoluteId(path ?? '/');
  if (!groupJson(ctx, groupId)) throw new HttpError(404, JSON.stringify({ message: `Group '${groupId}' does not exist` }));
  const apps = Object.keys(ctx.service.state.apps).filter((a) => groupId === '/' || a.startsWith(`${groupId}/`));
  const ref = await ctx.service.deploy(Object.fromEntries(apps.map((a) => [a, null])), flag(url, 'force'), newVersion());
  sendJson(res, 200, ref, deploymentHeaders(ref));
}

// ---- /v2/queue, /v2/info, /metrics --------------------------------------------------------------------

function queueJson(ctx: ApiContext) {
  const { scheduler } = ctx.service;
  return {
    queue: [...scheduler.waiting.entries()].filter(([id]) => ctx.service.state.apps[id]).map(([id, wait]) => {
      const stats = scheduler.offerStats.get(id);
      const left = scheduler.delayLeftSeconds(id);
      const rejects = [...(stats?.rejects ?? new Map()).entries()];
      return {
        app: appJson(ctx, ctx.service.state.apps[id], { tasks: false }),
        count: wait.count,
        delay: { timeLeftSeconds: Math.ceil(left), overdue: left === 0 },
        since: wait.since,
        processedOffersSummary: {
          processedOffersCount: stats?.processed ?? 0,
          unusedOffersCount: stats?.unused ?? 0,
          ...(stats?.lastUnusedAt ? { lastUnusedOfferAt: stats.lastUnusedAt } : {}),
          ...(stats?.lastUsedAt ? { lastUsedOfferAt: stats.lastUsedAt } : {}),
          rejectSummaryLastOffers: rejects.map(([reason, declined]) => ({ reason, declined, processed: stats?.processed ?? 0 })),
          rejectSummaryLaunchAttempt: rejects.map(([reason, declined]) => ({ reason, declined, processed: stats?.processed ?? 0 })),
        },
        lastUnusedOffers: (stats?.lastUnused ?? []).map((u) => ({
          offer: { id: u.offer.id.value, agentId: u.offer.agent_id.value, hostname: u.offer.hostname, resources: u.offer.resources, attributes: u.offer.attributes ?? [] },
          timestamp: u.timestamp, reason: u.reason,
        })),
      };
    }),
  };
}

function metricsJson(ctx: ApiContext) {
  const { state } = ctx.service;
  const instances = Object.values(state.instances);
  const gauge = (value: number) => ({ value });
  return {
    version: '4.0.0',
    gauges: {
      'marathon.apps.active.gauge': gauge(Object.keys(state.apps).length),
      'marathon.deployments.active.gauge': gauge(Object.keys(state.deployments).length),
      'marathon.instances.running.gauge': gauge(instances.filter((i) => i.state === 'TASK_RUNNING').length),
      'marathon.instances.staged.gauge': gauge(instances.filter((i) => i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING').length),
      'marathon.instances.launch-overdue.gauge': gauge([...ctx.service.scheduler.waiting.keys()].filter((id) => ctx.service.scheduler.delayLeftSeconds(id) === 0).length),
      'marathon.leadership.is-leader.gauge': gauge(ctx.info().elected ? 1 : 0),
      'marathon.uptime.gauge': gauge(Math.round(process.uptime() * 1000)),
    },
    counters: {}, histograms: {}, meters: {}, timers: {},
  };
}

// ---- The route table --------------------------------------------------------------------------------

const ROUTES: Route[] = [
  ['GET', /^\/ping$/, (_c, _q, res) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('pong\n'); }],
  ['GET', /^\/metrics$/, (ctx, _q, res) => sendJson(res, 200, metricsJson(ctx))],
  ['GET', /^\/v2\/info$/, (ctx, _q, res) => {
    const info = ctx.info();
    sendJson(res, 200, {
      name: 'marathon', version: MESOLITE_VERSION, buildref: 'mesolite', elected: info.elected, leader: info.leader ?? null,
      frameworkId: ctx.service.scheduler.frameworkId ?? null, marathon_config: info.config,
      zookeeper_config: info.zk ? { zk: info.zk } : {}, http_config: { http_port: info.config.http_port }, event_subscriber: { type: 'http_callback' },
    });
  }],
  ['GET', /^\/v2\/leader$/, (ctx, _q, res) => {
    const { leader } = ctx.info();
    if (!leader) throw new HttpError(404, JSON.stringify({ message: 'There is no leader' }));
    sendJson(res, 200, { leader });
  }],
  ['DELETE', /^\/v2\/leader$/, (ctx, _q, res) => { sendJson(res, 200, { message: 'Leadership abdicated' }); ctx.abdicate(); }],
  ['GET', /^\/v2\/events$/, (ctx, req, res, url) => serveEvents(ctx.service.scheduler.bus, req, res, url)],
  ['GET', /^\/v2\/apps$/, (ctx, _q, res, url) => listApps(ctx, res, url)],
  ['POST', /^\/v2\/apps$/, createApp],
  ['GET', new RegExp(`^/v2/apps${APP_ID}/versions$`), (ctx, _q, res, _u, [id]) => {
    ctx.service.app(absoluteId(id));
    sendJson(res, 200, { versions: (ctx.service.state.versions[absoluteId(id)] ?? []).map((a) => a.version).reverse() });
  }],
  ['GET', new RegExp(`^/v2/apps${APP_ID}/versions/([^/]+)$`), (ctx, _q, res, _u, [id, version]) => {
    const found = (ctx.service.state.versions[absoluteId(id)] ?? []).find((a) => a.version === version);
    if (!found) throw new HttpError(404, JSON.stringify({ message: `App '${absoluteId(id)}' does not exist in version ${version}` }));
    sendJson(res, 200, found);
  }],
  ['POST', new RegExp(`^/v2/apps${APP_ID}/restart$`), async (ctx, _q, res, url, [id]) => {
    const version = newVersion();
    const ref = await ctx.service.deploy({ [absoluteId(id)]: restartedApp(ctx.service.app(absoluteId(id)), version) }, flag(url, 'force'), version);
    sendJson(res, 200, ref, deploymentHeaders(ref));
  }],
  ['GET', new RegExp(`^/v2/apps${APP_ID}/tasks$`), (ctx, _q, res, _u, [id]) => {
    const app = ctx.service.app(absoluteId(id));
    sendJson(res, 200, { tasks: instancesOf(ctx, app.id).map((i) => taskJson(i, app)) });
  }],
  ['DELETE', new RegExp(`^/v2/apps${APP_ID}/tasks$`), (ctx, _q, res, url, params) => killAppTasks(ctx, res, url, params)],
  ['DELETE', new RegExp(`^/v2/apps${APP_ID}/tasks/([^/]+)$`), (ctx, _q, res, url, params) => killAppTasks(ctx, res, url, params)],
  ['GET', new RegExp(`^/v2/apps${APP_ID}$`), (ctx, _q, res, _u, [id]) => {
    const app = ctx.service.app(absoluteId(id));
    sendJson(res, 200, { app: { ...appJson(ctx, app, { tasks: true, readiness: true }), ...(app.lastTaskFailure ? { lastTaskFailure: app.lastTaskFailure } : {}) } });
  }],
  ['PUT', new RegExp(`^/v2/apps${APP_ID}$`), (ctx, req, res, url, params) => putApp(ctx, req, res, url, params, true)],
  ['PATCH', new RegExp(`^/v2/apps${APP_ID}$`), (ctx, req, res, url, params) => putApp(ctx, req, res, url, params, true)],
  ['DELETE', new RegExp(`^/v2/apps${APP_ID}$`), async (ctx, _q, res, url, [id]) => {
    const app = ctx.service.app(absoluteId(id));
    const ref = await ctx.service.deploy({ [app.id]: null }, flag(url, 'force'), newVersion());
    sendJson(res, 200, ref, deploymentHeaders(ref));
  }],
  ['GET', /^\/v2\/tasks$/, (ctx, _q, res, url) => {
    const status = url.searchParams.getAll('status').map((s) => `TASK_${s.toUpperCase()}`);
    const instances = Object.values(ctx.service.state.instances).filter((i) => status.length === 0 || status.includes(i.state));
    sendJson(res, 200, { tasks: instances.map((i) => taskJson(i, ctx.service.state.apps[i.appId])) });
  }],
  ['POST', /^\/v2\/tasks\/delete$/, async (ctx, req, res, url) => {
    const raw = await body(req);
    if (!Array.isArray(raw.ids) || raw.ids.some((x) => typeof x !== 'string')) throw new AppValidationError([{ path: '/ids', errors: ['expected an array of task ids'] }]);
    const victims = (raw.ids as string[]).map((taskId) => ctx.service.state.instances[taskId]).filter((i): i is Instance => i !== undefined);
    const ref = await ctx.service.killInstances(victims, flag(url, 'scale'), newVersion());
    sendJson(res, 200, ref ?? {}, ref ? deploymentHeaders(ref) : {});
  }],
  ['GET', /^\/v2\/deployments$/, (ctx, _q, res) => {
    sendJson(res, 200, Object.values(ctx.service.state.deployments).map((d) => deploymentJson(d, (app) => ctx.service.scheduler.readinessResults(app))));
  }],
  ['DELETE', /^\/v2\/deployments\/([^/]+)$/, async (ctx, _q, res, url, [id]) => {
    const ref = await ctx.service.cancel(id, flag(url, 'force'), newVersion());
    if (!ref) { res.writeHead(202, { 'Content-Length': 0 }); res.end(); return; }
    sendJson(res, 200, ref, deploymentHeaders(ref));
  }],
  ['GET', /^\/v2\/queue$/, (ctx, _q, res) => sendJson(res, 200, queueJson(ctx))],
  ['DELETE', new RegExp(`^/v2/queue${APP_ID}/delay$`), (ctx, _q, res, _u, [id]) => {
    ctx.service.app(absoluteId(id));
    ctx.service.scheduler.resetDelay(absoluteId(id));
    res.writeHead(204);
    res.end();
  }],
  ['GET', /^\/v2\/groups(\/.*)?$/, (ctx, _q, res, _u, [path]) => {
    const group = groupJson(ctx, absoluteId(path ?? '/'));
    if (!group) throw new HttpError(404, JSON.stringify({ message: `Group '${absoluteId(path ?? '/')}' does not exist` }));
    sendJson(res, 200, group);
  }],
  ['POST', /^\/v2\/groups(\/.*)?$/, (ctx, req, res, url, params) => postGroup(ctx, req, res, url, params, false)],
  ['PUT', /^\/v2\/groups(\/.*)?$/, (ctx, req, res, url, params) => postGroup(ctx, req, res, url, params, true)],
  ['DELETE', /^\/v2\/groups(\/.*)?$/, (ctx, _q, res, url, params) => deleteGroup(ctx, res, url, params)],
];

/** Answers one request: Marathon's JSON errors (4xx with `message`, 422 with `details`). */
export async function handleApi(ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  try {
    const matching = ROUTES.filter(([, pattern]) => pattern.test(path));
    if (matching.length === 0) throw new HttpError(404, JSON.stringify({ message: `No endpoint at ${path}` }));
    const route = matching.find(([method]) => method === req.method);
    if (!route) throw new HttpError(405, JSON.stringify({ message: `Method ${req.method} not allowed` }), { Allow: [...new Set(matching.map(([m]) => m))].join(', ') });
    const params = route[1].exec(path)!.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p))) as Params;
    await route[2](ctx, req, res, url, params);
  } catch (e) {
    if (res.headersSent) { res.destroy(); return; }
    if (e instanceof AppValidationError) return sendJson(res, 422, e.body);
    // The store logged the cause; the change was undone, so the client may retry.
    if (e instanceof StorageError) return sendJson(res, 503, { message: e.message });
    if (e instanceof HttpError) {
      let payload: unknown;
      try { payload = JSON.parse(e.message); } catch { payload = { message: e.message }; }
      if (e.status >= 400 && e.status < 500 && e.status !== 404) ctx.log.info(`${req.method} ${path} -> ${e.status}`);
      return sendJson(res, e.status, payload, e.headers);
    }
    ctx.log.error(`${req.method} ${path}: ${(e as Error).stack ?? String(e)}`);
    sendJson(res, 500, { message: (e as Error).message });
  }
}
