// Mesos' endpoints as web clients reach them, on a real master and agent: ?jsonp=<callback> on JSON GETs
// (text/javascript, `callback(<json>);`), bad callback names refused, the master's routes under
// /master/… and the agent's under /slave(1)/…, /roles, /slave(1)/monitor/statistics from /proc, and the
// agent state's reservation and build fields and task metrics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandTask, subscribedScheduler, TestCluster, waitUntil } from '../helpers/cluster';

async function jsonp(url: string, callback = 'cb'): Promise<any> {
  const r = await fetch(`${url}${url.includes('?') ? '&' : '?'}jsonp=${callback}`);
  const body = await r.text();
  assert.equal(r.status, 200, `${url}: ${body}`);
  assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8', url);
  assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(body), url);
  const m = new RegExp(`^${callback.replace(/[.$]/g, '\\$&')}\\(([\\s\\S]*)\\);$`).exec(body);
  assert.ok(m, `${url} answered ${body.slice(0, 80)}`);
  return JSON.parse(m[1]);
}

test('JSONP on every JSON GET of master and agent, with Mesos\' full paths; bad callbacks refused', async (t) => {
  const cluster = await TestCluster.start({ agents: 1, agentResources: () => 'cpus:4;mem:2048;disk:1000;ports:[35000-35099]' }, t);
  const scheduler = await subscribedScheduler(t, cluster, { name: 'jsonp-fw', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] });
  const [offer] = await scheduler.offers();
  await scheduler.launch(offer, [commandTask(offer, 'busy', 'echo hello; exec sh -c "while :; do :; done"', 'cpus:0.5;mem:64'), commandTask(offer, 'done', 'echo bye', 'cpus:0.1;mem:16')]);
  await scheduler.status('busy', 'TASK_RUNNING');
  await scheduler.status('done', 'TASK_FINISHED');
  const m = cluster.masterUrl;
  const a = cluster.agents[0].url;

  for (const path of ['/master/state', '/state', '/master/state.json', '/metrics/snapshot', '/master/metrics/snapshot', '/master/frameworks', '/master/slaves',
    '/master/tasks', '/master/flags', '/master/roles', '/roles', '/master/maintenance/schedule', '/maintenance/schedule', '/master/maintenance/status', '/master/weights', '/version', '/master/state-summary', '/state-summary']) {
    await jsonp(`${m}${path}`);
  }
  const roles = await jsonp(`${m}/master/roles`, 'angular.callbacks._1');
  const web = roles.roles.find((r: any) => r.name === 'web');
  assert.deepEqual(web.frameworks, [scheduler.frameworkId]);
  assert.equal(web.allocated.cpus, 0.5);
  assert.deepEqual(web.quota, { role: 'web', guarantee: {}, limit: {}, consumed: web.allocated });
  const summary = await jsonp(`${m}/master/state-summary`);
  assert.equal(summary.slaves[0].TASK_RUNNING, 1);
  assert.equal(summary.slaves[0].TASK_FINISHED, 1);
  assert.deepEqual(summary.slaves[0].framework_ids, [scheduler.frameworkId]);
  assert.equal(summary.frameworks[0].name, 'jsonp-fw');
  assert.deepEqual(summary.frameworks[0].slave_ids, [offer.agent_id.value]);
  assert.equal((await fetch(`${m}/master/health`)).status, 200);
  assert.equal((await fetch(`${m}/master/redirect`, { redirect: 'manual' })).status, 307);

  const state = await jsonp(`${a}/slave(1)/state`);
  for (const path of ['/state', '/slave(1)/state.json', '/slave(1)/flags', '/flags', '/metrics/snapshot', '/slave(1)/metrics/snapshot', '/slave(1)/monitor/statistics']) await jsonp(`${a}${path}`);
  assert.equal((await fetch(`${a}/slave(1)/health`)).status, 200);
  const sandbox = state.frameworks[0].executors.find((e: any) => e.id === 'busy').directory;
  assert.equal((await jsonp(`${a}/files/browse?path=${encodeURIComponent(sandbox)}`)).some((f: any) => f.path.endsWith('/stdout')), true);
  assert.match((await jsonp(`${a}/files/read?path=${encodeURIComponent(`${sandbox}/stdout`)}&offset=0`)).data, /hello/);

  // Bad callback names: 400 naming the parameter; nothing is wrapped or run.
  for (const bad of ['alert(1)', 'a;b', '1abc', 'a..b', `${'x'.repeat(200)}`, '']) {
    const r = await fetch(`${m}/master/state?jsonp=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, bad);
    assert.match(await r.text(), /'jsonp'/);
  }
  assert.equal((await fetch(`${a}/state?jsonp=a%3Bb`)).status, 400);

  // The agent's state: reservations (none here) and the build's real date, time and user.
  assert.deepEqual(state.reserved_resources, {});
  assert.deepEqual(state.reserved_resources_allocated, {});
  assert.equal(state.unreserved_resources.cpus, 4);
  assert.equal(state.unreserved_resources_allocated.cpus, 0.5);
  assert.ok(state.build_time > 1_600_000_000 && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(state.build_date) && state.build_user, JSON.stringify(state));

  const metrics = await jsonp(`${a}/metrics/snapshot`);
  for (const s of ['finished', 'failed', 'killed', 'lost', 'running', 'staging', 'starting']) assert.equal(typeof metrics[`slave/tasks_${s}`], 'number', s);
  assert.equal(metrics['slave/tasks_running'], 1);
  assert.equal(metrics['slave/tasks_finished'], 1);

  // The busy task's executor uses CPU and memory, read from /proc.
  const busy = await waitUntil('the busy executor\'s CPU time', async () => {
    const stats = await jsonp(`${a}/slave(1)/monitor/statistics`);
    const e = stats.find((x: any) => x.executor_id === 'busy');
    return e && e.statistics.cpus_user_time_secs > 0.2 ? e : undefined;
  });
  assert.equal(busy.framework_id, scheduler.frameworkId);
  assert.ok(busy.statistics.mem_rss_bytes > 0 && busy.statistics.processes >= 1, JSON.stringify(busy));
  assert.equal(busy.statistics.cpus_limit, 0.5);
  assert.equal(busy.statistics.mem_limit_bytes, 64 * 1024 * 1024);
  assert.ok(Math.abs(busy.statistics.timestamp - Date.now() / 1000) < 60);
});
