// The app framework's web UI at /ui/ (like Marathon's): applications with their status, groups, an app's
// page (instances, configuration, versions, last failure, the queue's offer summary), deployments with
// rollback, and the create/edit form. Whatever the API says is re-read when /v2/events announces a
// change (debounced), never on a timer.
import { facts, h, link, replace, table, type Child } from '../shared/dom';
import { megabytes, time } from '../shared/format';
import { renderLoop } from '../shared/render-loop';
import { browserTransport } from '../shared/transport';
import { appForm, type AppJson } from './form';

/** The app framework's root as the browser sees it (this page is at <root>ui/). */
const base = location.pathname.replace(/ui\/?$/, '');
const api = browserTransport(base);

interface Snapshot { apps: AppJson[]; deployments: any[]; queue: any[] }
let data: Snapshot = { apps: [], deployments: [], queue: [] };
let detail: { id: string; app?: AppJson; versions?: string[] } | undefined;
let status = 'Connecting…';
let notice = '';
const root = document.getElementById('app')!;

/** Marathon UI's status of an app. */
export function appStatus(app: AppJson, queue: any[]): string {
  const queued = queue.find((q) => q.app?.id === app.id);
  if ((app.deployments ?? []).length > 0) return 'Deploying';
  if (queued?.delay && !queued.delay.overdue) return 'Delayed';
  if (queued) return 'Waiting';
  if (app.instances === 0 && (app.tasksRunning ?? 0) === 0) return 'Suspended';
  return 'Running';
}

const health = (a: AppJson) => (a.healthChecks ?? []).length === 0 ? '' : `${a.tasksHealthy ?? 0} healthy, ${a.tasksUnhealthy ?? 0} unhealthy`;
const appLink = (id: string) => link(`#/apps${id}`, id);

async function call(method: string, path: string, body?: unknown): Promise<any> {
  try {
    const answer = await api.json(method, path, body);
    notice = '';
    return answer;
  } catch (e) {
    notice = (e as Error).message;
    schedule();
    throw e;
  }
}

async function refresh(): Promise<void> {
  const [apps, deployments, queue] = await Promise.all([
    api.json('GET', '/v2/apps?embed=apps.counts&embed=apps.deployments&embed=apps.lastTaskFailure'), api.json('GET', '/v2/deployments'), api.json('GET', '/v2/queue'),
  ]);
  data = { apps: apps.apps, deployments, queue: queue.queue };
  const d = detail;
  if (d) {
    try {
      const [app, versions] = await Promise.all([api.json('GET', `/v2/apps${d.id}?embed=app.tasks&embed=app.counts&embed=app.deployments&embed=app.lastTaskFailure`), api.json('GET', `/v2/apps${d.id}/versions`)]);
      if (detail === d) Object.assign(d, { app: app.app, versions: versions.versions });
    } catch {
      if (detail === d) d.app = undefined; // destroyed meanwhile
    }
  }
  schedule();
}

let refreshing: Promise<void> | undefined;
let pending = false;
function refreshSoon(): void {
  if (refreshing) { pending = true; return; }
  refreshing = refresh().catch((e) => { status = `Reading the API failed: ${(e as Error).message}`; schedule(); }).finally(() => {
    refreshing = undefined;
    if (pending) { pending = false; refreshSoon(); }
  });
}

function listPage(filter: (a: AppJson) => boolean, title: string): Child {
  return [h('h2', {}, title), h('p', {}, link('#/create', 'Create Application')), table('apps', [
    { title: 'Name', value: (a: AppJson) => a.id, cell: (a) => appLink(a.id) },
    { title: 'CPU', value: (a) => a.cpus },
    { title: 'Memory', value: (a) => a.mem, cell: (a) => megabytes(a.mem) },
    { title: 'Status', value: (a) => appStatus(a, data.queue), cell: (a) => h('span', { class: `status-${appStatus(a, data.queue)}` }, appStatus(a, data.queue)) },
    { title: 'Running Instances', value: (a) => `${a.tasksRunning ?? 0} of ${a.instances}` },
    { title: 'Health', value: health },
  ], data.apps.filter(filter), schedule)];
}

function groupsPage(): Child {
  const groups = new Map<string, AppJson[]>();
  for (const a of data.apps) {
    const group = a.id.slice(0, a.id.lastIndexOf('/')) || '/';
    groups.set(group, [...(groups.get(group) ?? []), a]);
  }
  return [h('h2', {}, 'Groups'), table('groups', [
    { title: 'Group', value: ([g]: [string, AppJson[]]) => g, cell: ([g]) => link(`#/groups${g === '/' ? '' : g}`, g) },
    { title: 'Applications', value: ([, apps]) => apps.length },
    { title: 'Running Instances', value: ([, apps]) => apps.reduce((s, a) => s + (a.tasksRunning ?? 0), 0) },
  ], [...groups], schedule)];
}

/** The app's definition as the form and PUT take it: without what the API adds. */
function definition(app: AppJson): AppJson {
  const { version: _v, versionInfo: _vi, tasks: _t, tasksStaged: _s, tasksRunning: _r, tasksHealthy: _h, tasksUnhealthy: _u, deployments: _d, lastTaskFailure: _l, ...rest } = app;
  return rest;
}

function appPage(id: string): Child {
  if (!detail || detail.id !== id) { detail = { id }; refreshSoon(); }
  const app = detail.app;
  if (!app) return h('p', {}, `Loading ${id}… (or no such app)`);
  const queued = data.queue.find((q) => q.app?.id === id);
  const summary = queued?.processedOffersSummary;
  const act = (label: string, run: () => Promise<unknown>, cls?: string) => h('button', { type: 'button', class: cls, id: `action-${label.toLowerCase()}`, onclick: () => run().then(refreshSoon, () => undefined) }, label);
  return [
    h('h2', {}, id, ' ', h('span', { class: 'app-status' }, appStatus(app, data.queue))),
    h('p', { class: 'actions' },
      act('Scale', async () => { const n = prompt('Scale to how many instances?', String(app.instances)); if (n !== null) await call('PUT', `/v2/apps${id}`, { instances: Number(n) }); }), ' ',
      act('Restart', () => call('POST', `/v2/apps${id}/restart`)), ' ',
      act('Suspend', () => call('PUT', `/v2/apps${id}`, { instances: 0 })), ' ',
      link(`#/edit${id}`, 'Edit'), ' ',
      act('Destroy', async () => { if (confirm(`Destroy ${id}?`)) { await call('DELETE', `/v2/apps${id}`); detail = undefined; location.hash = '#/'; } }, 'danger')),
    h('h3', {}, `Instances (${(app.tasks ?? []).length})`), table('instances', [
      { title: 'ID', value: (t: any) => t.id },
      { title: 'Host', value: (t) => t.host },
      { title: 'Ports', value: (t) => (t.ports ?? []).join(', ') },
      { title: 'Health', value: (t) => (t.healthCheckResults ?? []).length === 0 ? '' : t.healthCheckResults.every((r: any) => r.alive) ? 'Healthy' : 'Unhealthy' },
      { title: 'Status', value: (t) => t.state },
      { title: 'Updated', value: (t) => t.stagedAt ?? '', cell: (t) => t.startedAt ?? t.stagedAt ?? '' },
      { title: 'Version', value: (t) => t.version },
    ], app.tasks ?? [], schedule),
    h('h3', {}, 'Configuration'), h('pre', { class: 'config' }, JSON.stringify(definition(app), null, 2)),
    h('h3', {}, 'Last task failure'), app.lastTaskFailure ? facts([['Task', app.lastTaskFailure.taskId], ['State', app.lastTaskFailure.state], ['Message', app.lastTaskFailure.message], ['At', app.lastTaskFailure.timestamp]]) : h('p', {}, 'None'),
    h('h3', {}, 'Queue'), queued ? facts([
      ['Waiting instances', queued.count], ['Delay', queued.delay ? `${queued.delay.timeLeftSeconds} s${queued.delay.overdue ? ' (overdue)' : ''}` : ''],
      ['Offers processed', summary?.processedOffersCount ?? 0], ['Offers unused', summary?.unusedOffersCount ?? 0],
      ['Rejected because', (summary?.rejectSummaryLastOffers ?? []).filter((r: any) => r.declined > 0).map((r: any) => `${r.reason} ${r.declined}/${r.processed}`).join(', ')],
    ]) : h('p', {}, 'Not waiting for offers'),
    h('h3', {}, 'Versions'), table('versions', [
      { title: 'Version', value: (v: string) => v },
      { title: '', value: () => '', cell: (v) => v === app.version ? 'current' : h('button', { type: 'button', onclick: async () => { const old = await call('GET', `/v2/apps${id}/versions/${v}`); await call('PUT', `/v2/apps${id}`, definition(old)); refreshSoon(); } }, 'Apply') },
    ], [...(detail.versions ?? [])].reverse(), schedule, { filter: false }),
  ];
}

function deploymentsPage(): Child {
  return [h('h2', {}, 'Deployments'), table('deployments', [
    { title: 'ID', value: (d: any) => d.id },
    { title: 'Affected applications', value: (d) => (d.affectedApps ?? []).join(', ') },
    { title: 'Action', value: (d) => (d.currentActions ?? []).map((a: any) => `${a.action} ${a.app}`).join(', ') },
    { title: 'Progress', value: (d) => `${d.currentStep}/${d.totalSteps}` },
    { title: 'Started', value: (d) => d.version, cell: (d) => time(Date.parse(d.version) / 1000) },
    { title: '', value: () => '', cell: (d) => h('span', {},
      h('button', { type: 'button', onclick: () => call('DELETE', `/v2/deployments/${d.id}`).then(refreshSoon, () => undefined) }, 'Rollback'), ' ',
      h('button', { type: 'button', onclick: () => call('DELETE', `/v2/deployments/${d.id}?force=true`).then(refreshSoon, () => undefined) }, 'Stop')) },
  ], data.deployments, schedule)];
}

/** Sends a definition; Marathon's 422 details come back to the form. */
function submitter(method: 'POST' | 'PUT', id?: string) {
  return async (app: AppJson) => {
    const r = await fetch(`${base}${method === 'POST' ? 'v2/apps' : `v2/apps${id}`}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(app) });
    const body = await r.json().catch(() => ({}));
    if (r.ok) { location.hash = `#/apps${app.id.startsWith('/') ? app.id : `/${app.id}`}`; return undefined; }
    return body.details ?? [{ path: '/', errors: [body.message ?? `${r.status}`] }];
  };
}

/** Forms are built once per visit: live re-renders must not wipe what is being typed. */
let form: { key: string; element: HTMLElement } | undefined;
function formPage(key: string, build: () => HTMLElement | undefined): Child {
  if (form?.key !== key) {
    const element = build();
    if (!element) return h('p', {}, 'Loading…');
    form = { key, element };
  }
  return form.element;
}

function page(): Child {
  const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  if (!hash.startsWith('/edit') && !hash.startsWith('/create')) form = undefined;
  if (hash === '/create') return [h('h2', {}, 'New application'), formPage(hash, () => appForm({ submit: submitter('POST') }))];
  if (hash.startsWith('/edit/')) {
    const id = hash.slice('/edit'.length);
    if (!detail || detail.id !== id) { detail = { id }; refreshSoon(); }
    return [h('h2', {}, `Edit ${id}`), formPage(hash, () => detail?.app && appForm({ app: definition(detail.app), submit: submitter('PUT', id) }))];
  }
  if (hash.startsWith('/apps/')) return appPage(hash.slice('/apps'.length));
  if (hash === '/deployments') return deploymentsPage();
  if (hash === '/groups') return groupsPage();
  if (hash.startsWith('/groups/')) { const g = hash.slice('/groups'.length); return listPage((a) => a.id.startsWith(`${g}/`), `Group ${g}`); }
  return listPage(() => true, 'Applications');
}

const schedule = renderLoop(render);

function render(): void {
  const nav = h('nav', {}, h('strong', {}, 'Mesolite apps'), link('#/', 'Applications'), link('#/groups', 'Groups'), link('#/deployments', `Deployments (${data.deployments.length})`),
    h('span', { class: 'status', id: 'status' }, status));
  replace(root, h('div', {}, nav, h('main', {}, notice ? h('p', { class: 'error', id: 'notice' }, notice) : null, page())));
}

function listen(): void {
  const events = new EventSource(`${base}v2/events`);
  events.onopen = () => { status = 'Live'; refreshSoon(); };
  events.onmessage = () => refreshSoon();
  // Marathon's events are named by their type; any of them may change what the pages show.
  for (const type of ['deployment_info', 'deployment_success', 'deployment_failed', 'deployment_step_success', 'status_update_event', 'instance_changed_event', 'api_post_event', 'app_terminated_event', 'health_status_changed_event', 'instance_health_changed_event', 'group_change_success', 'failed_health_check_event', 'unhealthy_instance_kill_event']) {
    events.addEventListener(type, () => refreshSoon());
  }
  events.onerror = () => { status = 'Reconnecting to /v2/events…'; schedule(); };
}

window.addEventListener('hashchange', () => { if (!location.hash.startsWith('#/apps/') && !location.hash.startsWith('#/edit/')) detail = undefined; notice = ''; schedule(); });
listen();
refreshSoon();
