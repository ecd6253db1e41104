// Marathon's REST API as Marathon's clients read it: every endpoint called, and every answer checked
// against JSON Schemas of Marathon's RAML types by the HTTP helper (test/helpers/marathon-conformance.ts);
// what `embed` adds, healthCheckResults for every kind of health check, query flags in any case with
// Marathon's defaults, and kills that scale down.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { clusterFixture, waitUntil } from '../helpers/cluster';
import { marathonFixture } from '../helpers/marathon';

const HTTP_SERVER = `"${process.execPath}" "${path.resolve(__dirname, '../fixtures/http-server.js')}"`;
const CHEAP = { cmd: 'sleep 3600', cpus: 0.01, mem: 8 };
const UNLAUNCHABLE = { cmd: 'sleep 3600', cpus: 100, mem: 8 };
const FAST = { gracePeriodSeconds: 5, intervalSeconds: 1, timeoutSeconds: 1, delaySeconds: 0 };

const cluster = clusterFixture({ agents: 2, agentResources: (i) => `cpus:2;mem:2048;disk:1000;ports:[${33000 + i * 100}-${33099 + i * 100}]` });
const marathon = marathonFixture(cluster);

/** Which of the AppInfo additions an app carries. */
const added = (app: Record<string, unknown>) =>
  ['tasksStaged', 'tasks', 'deployments', 'readinessCheckResults', 'lastTaskFailure', 'tasksStats'].filter((k) => k in app);

async function removed(id: string): Promise<void> {
  await marathon.deploymentDone((await marathon.api('DELETE', `/v2/apps${id}`)).body.deploymentId);
}

describe('types', () => {
  test('healthCheckResults for every kind of check: HTTP and TCP run here, MESOS_HTTP, MESOS_TCP and COMMAND from the executor', async () => {
    const checks: Record<string, object> = {
      '/kinds/http': { protocol: 'HTTP', path: '/', portIndex: 0 },
      '/kinds/tcp': { protocol: 'TCP', portIndex: 0 },
      '/kinds/mesos-http': { protocol: 'MESOS_HTTP', path: '/', portIndex: 0 },
      '/kinds/mesos-tcp': { protocol: 'MESOS_TCP', portIndex: 0 },
      '/kinds/command': { protocol: 'COMMAND', command: { value: 'true' } },
    };
    const created = await marathon.api('POST', '/v2/groups', {
      id: 'kinds', apps: Object.entries(checks).map(([id, check]) => ({ id, cmd: HTTP_SERVER, cpus: 0.05, mem: 32, healthChecks: [{ ...FAST, ...check }] })),
    });
    assert.equal(created.status, 201, created.text);
    await marathon.deploymentDone(created.body.deploymentId, 60_000);
    for (const id of Object.keys(checks)) {
      const app = await marathon.app(id);
      assert.equal(app.tasksHealthy, 1, id);
      const [task] = app.tasks;
      assert.equal(task.healthy, undefined, `${id}: Marathon's Task has no healthy`);
      assert.equal(task.role, '*');
      assert.equal(task.healthCheckResults.length, 1, `${id}: ${JSON.stringify(task)}`);
      const [result] = task.healthCheckResults;
      assert.equal(result.alive, true, id);
      assert.equal(result.consecutiveFailures, 0);
      assert.ok(result.firstSuccess && result.lastSuccess, id);
      assert.equal(result.instanceId, task.id.replace(/\.([^.]+)$/, '.marathon-$1'), 'the instance id of the task');
      assert.equal(result.lastFailure, undefined, 'no failure yet: left out, not null');
    }
    // The same tasks through every task listing.
    const listed = (await marathon.api('GET', '/v2/tasks?status=running')).body.tasks.filter((t: any) => t.appId.startsWith('/kinds/'));
    assert.equal(listed.length, 5);
    assert.ok(listed.every((t: any) => t.healthCheckResults.length === 1));
    assert.equal((await marathon.api('GET', '/v2/tasks?status[]=staging')).body.tasks.filter((t: any) => t.appId.startsWith('/kinds/')).length, 0);
    // Marathon's group forms of an app path.
    const inGroup = (await marathon.api('GET', '/v2/apps/kinds/*')).body['*'];
    assert.deepEqual(inGroup.map((a: any) => a.id), Object.keys(checks).sort());
    assert.ok(inGroup.every((a: any) => a.tasks.length === 1));
    assert.equal((await marathon.api('GET', '/v2/apps/kinds/*/tasks')).body.tasks.length, 5);
    assert.equal((await marathon.api('GET', '/v2/apps/nothing/*')).status, 404);
    const group = (await marathon.api('GET', '/v2/groups/kinds?embed=group.apps&embed=group.apps.tasks')).body;
    assert.equal(group.groups, undefined, 'only what embed names');
    assert.ok(group.apps.every((a: any) => a.tasks.length === 1 && 'deployments' in a && !('tasksRunning' in a)));
    assert.ok((await marathon.api('GET', '/v2/groups')).body.groups.some((g: any) => g.id === '/kinds'));
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/groups/kinds')).body.deploymentId);
  });

  test('embed on GET /v2/apps and GET /v2/apps/{id}: every value and prefix; counts and deployments always listed', async () => {
    const crash = await marathon.api('POST', '/v2/apps', { id: 'crash', cmd: 'exit 3', cpus: 0.01, mem: 8, backoffSeconds: 60 });
    assert.equal(crash.status, 201, crash.text);
    assert.deepEqual(added(crash.body), ['tasksStaged', 'deployments'], 'POST answers the app with its counts and deployment');
    await waitUntil('a task failure', async () => (await marathon.app('/crash')).lastTaskFailure);
    const list = async (query: string) => (await marathon.api('GET', `/v2/apps?id=/crash${query}`)).body.apps[0];
    const cases: Array<[string, string[]]> = [
      ['', ['tasksStaged', 'deployments']],
      ['&embed=apps.tasks', ['tasksStaged', 'tasks', 'deployments']],
      ['&embed=apps.counts', ['tasksStaged', 'deployments']],
      ['&embed=apps.deployments', ['tasksStaged', 'deployments']],
      ['&embed=apps.readiness', ['tasksStaged', 'deployments', 'readinessCheckResults']],
      ['&embed=apps.lastTaskFailure', ['tasksStaged', 'deployments', 'lastTaskFailure']],
      ['&embed=app.lastTaskFailure', ['tasksStaged', 'deployments', 'lastTaskFailure']],
      ['&embed=apps.failures', ['tasksStaged', 'tasks', 'deployments', 'lastTaskFailure']],
      ['&embed=apps.taskStats', ['tasksStaged', 'deployments', 'tasksStats']],
      ['&embed=apps.tasks&embed=apps.lastTaskFailure&embed=apps.taskStats', ['tasksStaged', 'tasks', 'deployments', 'lastTaskFailure', 'tasksStats']],
      ['&embed=apps.nonsense', ['tasksStaged', 'deployments']],
    ];
    for (const [query, expected] of cases) assert.deepEqual(added(await list(query)), expected, query || '(no embed)');
    const failure = (await list('&embed=apps.lastTaskFailure')).lastTaskFailure;
    assert.equal(failure.state, 'TASK_FAILED');
    assert.equal(failure.appId, '/crash');

    const show = async (query: string) => (await marathon.api('GET', `/v2/apps/crash${query}`)).body.app;
    assert.deepEqual(added(await show('')), ['tasksStaged', 'tasks', 'deployments', 'lastTaskFailure'], 'Marathon always embeds these in one app');
    assert.deepEqual(added(await show('?embed=app.readiness&embed=app.taskStats')), ['tasksStaged', 'tasks', 'deployments', 'readinessCheckResults', 'lastTaskFailure', 'tasksStats']);
    // The stored definition is Marathon's App, the failure is not part of it.
    const [version] = (await marathon.api('GET', '/v2/apps/crash/versions')).body.versions;
    assert.equal((await marathon.api('GET', `/v2/apps/crash/versions/${version}`)).body.lastTaskFailure, undefined);
    await removed('/crash');
  });

  test('task stats, the queue with its unused offers, deployments, versions and /v2/info answer their types', async () => {
    const web = await marathon.api('POST', '/v2/apps', { id: 'stats', ...CHEAP, instances: 2, labels: { team: 'a' } });
    await marathon.deploymentDone(web.body.deployments[0].id);
    await marathon.running('/stats', 2);
    const stats = (await marathon.api('GET', '/v2/apps/stats?embed=app.taskStats')).body.app.tasksStats;
    assert.equal(stats.totalSummary.stats.counts.running, 2);
    assert.equal(typeof stats.totalSummary.stats.lifeTime.averageSeconds, 'number');
    assert.equal(stats.withLatestConfig.stats.counts.running, 2);

    const waiting = await marathon.api('POST', '/v2/apps', { id: 'waiting', ...UNLAUNCHABLE });
    const queued = await waitUntil('offers matched for the waiting app', async () => {
      const q = (await marathon.api('GET', '/v2/queue')).body.queue.find((e: any) => e.app.id === '/waiting');
      return q?.lastUnusedOffers?.length ? q : undefined;
    });
    assert.equal(queued.role, '*');
    assert.deepEqual(Object.keys(queued.app).filter((k) => k.startsWith('tasks') || k === 'deployments'), [], 'the queue shows the App, not an AppInfo');
    const cpus = queued.lastUnusedOffers[0].offer.resources.find((r: any) => r.name === 'cpus');
    assert.equal(typeof cpus.scalar, 'number', 'an offer resource as Marathon flattens it');
    const deployments = (await marathon.api('GET', '/v2/deployments')).body;
    assert.ok(deployments.some((d: any) => d.id === waiting.body.deployments[0].id));
    const rolledBack = await marathon.api('DELETE', `/v2/deployments/${waiting.body.deployments[0].id}`);
    assert.equal(rolledBack.status, 200, rolledBack.text);
    await marathon.deploymentDone(rolledBack.body.deploymentId);

    const info = (await marathon.api('GET', '/v2/info')).body;
    assert.equal(info.http_config.http_port, marathon.port);
    assert.equal(typeof info.marathon_config.decline_offer_duration, 'number', 'numbers as numbers');
    assert.equal(info.marathon_config.master, cluster.masterAddress);
    assert.equal(info.zookeeper_config.zk_max_versions, 50);
    assert.equal((await marathon.api('GET', '/v2/leader')).body.leader, `127.0.0.1:${marathon.port}`);

    const patched = await marathon.api('PATCH', '/v2/apps/stats', { labels: { team: 'b' } });
    await marathon.deploymentDone(patched.body.deploymentId);
    const restarted = await marathon.api('POST', '/v2/apps/stats/restart?force=True');
    assert.equal(restarted.status, 200, restarted.text);
    await marathon.deploymentDone(restarted.body.deploymentId);
    assert.equal((await marathon.api('GET', '/v2/apps/stats/versions')).body.versions.length, 3);
    assert.equal((await marathon.api('GET', '/v2/apps/nothing')).status, 404);
    assert.equal((await marathon.api('POST', '/v2/apps', { id: 'Bad Id', cmd: 'x' })).status, 422);
    await removed('/stats');
  });
});

describe('query parameters', () => {
  test('force in any case; DELETE /v2/apps/{id} forced unless force=false, every other change not unless force=true', async () => {
    const locked = await marathon.api('POST', '/v2/apps', { id: 'locked', ...UNLAUNCHABLE });
    assert.equal(locked.status, 201, locked.text);
    for (const query of ['', '?force=false', '?force=False', '?force=', '?force=yes']) {
      assert.equal((await marathon.api('PUT', `/v2/apps/locked${query}`, { cpus: 99 })).status, 409, `PUT${query}`);
    }
    for (const query of ['?force=false', '?force=FALSE']) assert.equal((await marathon.api('DELETE', `/v2/apps/locked${query}`)).status, 409, `DELETE${query}`);
    const forced = await marathon.api('PUT', '/v2/apps/locked?force=True', { cpus: 99 });
    assert.equal(forced.status, 200, forced.text);
    // No force parameter: Marathon's default for deleting an app is force=true.
    const deleted = await marathon.api('DELETE', '/v2/apps/locked');
    assert.equal(deleted.status, 200, deleted.text);
    await marathon.deploymentDone(deleted.body.deploymentId);
  });

  test('kills: scale=True and scale=TRUE shrink the app (a deployment), wipe=False replaces, scale with wipe is 400', async () => {
    const app = await marathon.api('POST', '/v2/apps', { id: 'shrink', ...CHEAP, instances: 3 });
    await marathon.deploymentDone(app.body.deployments[0].id);
    const tasks = await marathon.running('/shrink', 3);

    const one = await marathon.api('DELETE', `/v2/apps/shrink/tasks/${tasks[0].id}?scale=True`);
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(Object.keys(one.body).sort(), ['deploymentId', 'version']);
    await marathon.deploymentDone(one.body.deploymentId);
    assert.equal((await marathon.app('/shrink')).instances, 2);

    const other = await marathon.api('POST', '/v2/tasks/delete?scale=TRUE', { ids: [tasks[1].id] });
    assert.ok(other.body.deploymentId, other.text);
    await marathon.deploymentDone(other.body.deploymentId);
    const [left] = await marathon.running('/shrink', 1);
    assert.equal(left.id, tasks[2].id);

    assert.equal((await marathon.api('DELETE', '/v2/apps/shrink/tasks?scale=true&wipe=True')).status, 400);
    assert.equal((await marathon.api('POST', '/v2/tasks/delete?scale=True&wipe=true', { ids: [left.id] })).status, 400);
    const replaced = await marathon.api('DELETE', `/v2/apps/shrink/tasks/${left.id}?wipe=False&scale=false`);
    assert.equal(replaced.body.task.id, left.id, replaced.text);
    const replacement = await waitUntil('a replacement', async () => (await marathon.running('/shrink', 1)).find((t) => t.id !== left.id));
    assert.equal((await marathon.app('/shrink')).instances, 1, 'a kill without scale keeps the size');
    const listed = await marathon.api('POST', '/v2/tasks/delete', { ids: [replacement.id] });
    assert.deepEqual(listed.body.tasks.map((t: any) => t.id), [replacement.id], 'without scale the killed tasks are listed');
    await removed('/shrink');
  });
});
