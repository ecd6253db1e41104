// The Marathon-compatible framework against a real master and agents: the app lifecycle through the
// REST API (including the seed's exact `curl -X PUT -d '{"instances":2}'`), errors, events, health,
// constraints, rolling upgrades and restarts of the framework itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { clusterFixture, waitUntil } from '../helpers/cluster';
import { EventReader, marathonFixture } from '../helpers/marathon';

const HTTP_SERVER = `"${process.execPath}" "${path.resolve(__dirname, '../fixtures/http-server.js')}"`;

const cluster = clusterFixture({
  agents: 3,
  agentResources: (i) => `cpus:2;mem:2048;disk:1000;ports:[${32000 + i * 100}-${32099 + i * 100}]`,
  agentFlags: (i) => [`--hostname=agent-${i + 1}.local`, `--attributes=rack:r${i % 2}`],
});
const marathon = marathonFixture(cluster);

describe('apps', () => {
  test('POST deploys an app; the seed\'s PUT scales it up and down; restart replaces; DELETE removes', async () => {
    const created = await marathon.api('POST', '/v2/apps', { id: 'sleeper', cmd: 'echo "port=$PORT0 app=$MARATHON_APP_ID"; sleep 3600', cpus: 0.1, mem: 32 });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.location, '/v2/apps/sleeper');
    assert.ok(created.headers['marathon-deployment-id']);
    assert.equal(created.body.id, '/sleeper');
    assert.equal(created.body.instances, 1);
    assert.equal(created.body.portDefinitions[0].port, 10000, 'port 0 gets a service port');
    await marathon.deploymentDone(String(created.headers['marathon-deployment-id']));
    const [first] = await marathon.running('/sleeper', 1);
    assert.match(first.id, /^sleeper\.[0-9a-f-]{36}$/);
    assert.equal(first.ports.length, 1);

    // Exactly the seed's call: curl -X PUT -d '{"instances":2}' (form content type, as curl sends it).
    const scaled = JSON.parse(execFileSync('curl', ['-s', '-X', 'PUT', '-d', '{"instances":2}', `${marathon.url}/v2/apps/sleeper`], { encoding: 'utf8' }));
    assert.ok(scaled.deploymentId && scaled.version, JSON.stringify(scaled));
    await marathon.deploymentDone(scaled.deploymentId);
    const two = await marathon.running('/sleeper', 2);
    assert.ok(two.some((t) => t.id === first.id), 'scaling keeps the running instance');

    const down = await marathon.api('PUT', '/v2/apps/sleeper', { instances: 1 });
    assert.equal(down.status, 200);
    await marathon.deploymentDone(down.body.deploymentId);
    const [kept] = await marathon.running('/sleeper', 1);
    assert.equal(kept.id, first.id, 'YOUNGEST_FIRST kills the younger instance');

    const versions = await marathon.api('GET', '/v2/apps/sleeper/versions');
    assert.equal(versions.body.versions.length, 3);

    const restart = await marathon.api('POST', '/v2/apps/sleeper/restart');
    assert.equal(restart.status, 200);
    await marathon.deploymentDone(restart.body.deploymentId);
    const [replaced] = await marathon.running('/sleeper', 1);
    assert.notEqual(replaced.id, first.id);

    const removed = await marathon.api('DELETE', '/v2/apps/sleeper');
    assert.equal(removed.status, 200);
    await marathon.deploymentDone(removed.body.deploymentId);
    assert.equal((await marathon.api('GET', '/v2/apps/sleeper')).status, 404);
    const state = await cluster.state();
    const framework = state.frameworks.find((f) => f.name === 'marathon')!;
    assert.equal(framework.tasks.length, 0);
  });

  test('PATCH scales; idle, the framework suppresses offers; /v2/tasks lists and /v2/tasks/delete kills (with scale); DELETE .../tasks?wipe replaces (a revive); /metrics counts', async () => {
    const created = await marathon.api('POST', '/v2/apps', { id: 'tasker', cmd: 'sleep 3600', cpus: 0.05, mem: 16, instances: 3 });
    assert.equal(created.status, 201, created.text);
    await marathon.running('/tasker', 3);
    const patched = await marathon.api('PATCH', '/v2/apps/tasker', { instances: 2 });
    assert.equal(patched.status, 200, patched.text);
    await marathon.deploymentDone(patched.body.deploymentId);
    const two = await marathon.running('/tasker', 2);
    // Nothing waits to launch: the framework suppresses offers (the master's allocation cycles say so).
    const frameworkId = (await cluster.state()).frameworks.find((f) => f.name === 'marathon')!.id;
    await waitUntil('marathon suppressed in the latest allocation cycle', async () => {
      const { cycles } = JSON.parse((await cluster.operator({ type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { limit: 1000 } })).body).mesolite_get_allocation_cycles;
      return cycles.at(-1)?.decisions.some((d: { framework_id: string; decision: string }) => d.framework_id === frameworkId && d.decision === 'suppressed') || undefined;
    });

    const listed = (await marathon.api('GET', '/v2/tasks?status=running')).body.tasks.filter((t: { appId: string }) => t.appId === '/tasker');
    assert.deepEqual(listed.map((t: { id: string }) => t.id).sort(), two.map((t) => t.id).sort());
    const metrics = (await marathon.api('GET', '/metrics')).body.gauges;
    assert.ok(metrics['marathon.apps.active.gauge'].value >= 1);
    assert.ok(metrics['marathon.instances.running.gauge'].value >= 2);

    const bad = await marathon.api('POST', '/v2/tasks/delete', { ids: 'nope' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.details[0].path, '/ids');
    const deleted = await marathon.api('POST', '/v2/tasks/delete?scale=true', { ids: [two[0].id] });
    assert.equal(deleted.status, 200, deleted.text);
    await marathon.deploymentDone(deleted.body.deploymentId);
    const [left] = await marathon.running('/tasker', 1);
    assert.equal(left.id, two[1].id);
    assert.equal((await marathon.api('GET', '/v2/apps/tasker')).body.app.instances, 1, 'scale=true lowered the instance count');

    const wiped = await marathon.api('DELETE', '/v2/apps/tasker/tasks?wipe=true');
    assert.equal(wiped.status, 200, wiped.text);
    assert.deepEqual(wiped.body.tasks.map((t: { id: string }) => t.id), [left.id]);
    const [replacement] = await waitUntil('a replacement instance', async () => {
      const running = await marathon.running('/tasker', 1);
      return running[0].id !== left.id ? running : undefined;
    });
    assert.notEqual(replacement.id, left.id);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/tasker')).body.deploymentId);
  });

  test('errors: 422 with paths, 400 invalid JSON, 404, 409 duplicate and deployment lock (force overrides)', async () => {
    const invalid = await marathon.api('POST', '/v2/apps', { id: 'Bad_Id', cmd: 'sleep 1', cpus: -1, instances: -2 });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.message, 'Object is not valid');
    const paths = invalid.body.details.map((d: { path: string }) => d.path);
    for (const p of ['/id', '/cpus', '/instances']) assert.ok(paths.includes(p), `${p} in ${JSON.stringify(invalid.body)}`);

    const both = await marathon.api('POST', '/v2/apps', { id: 'both', cmd: 'sleep 1', args: ['sleep', '1'] });
    assert.equal(both.status, 422);

    const bad = await marathon.api('POST', '/v2/apps', '{"id": "x", ');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'Invalid JSON');

    const missing = await marathon.api('GET', '/v2/apps/nope');
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /\/nope/);

    // A deployment that cannot finish (more cpus than any agent has) keeps the app locked.
    const stuck = await marathon.api('POST', '/v2/apps', { id: 'stuck', cmd: 'sleep 3600', cpus: 50, mem: 16 });
    assert.equal(stuck.status, 201);
    assert.equal((await marathon.api('POST', '/v2/apps', { id: 'stuck', cmd: 'sleep 1' })).status, 409);
    const locked = await marathon.api('PUT', '/v2/apps/stuck', { cpus: 0.1 });
    assert.equal(locked.status, 409);
    assert.match(locked.body.message, /locked/);
    assert.equal(locked.body.deployments[0].id, stuck.headers['marathon-deployment-id']);
    const queue = await marathon.api('GET', '/v2/queue');
    const entry = queue.body.queue.find((q: any) => q.app.id === '/stuck');
    await waitUntil('an insufficient-cpus reason', async () => {
      const q = (await marathon.api('GET', '/v2/queue')).body.queue.find((x: any) => x.app.id === '/stuck');
      return q?.processedOffersSummary.rejectSummaryLastOffers.some((r: any) => r.reason === 'InsufficientCpus' && r.declined > 0);
    });
    assert.equal(entry.count, 1);
    const forced = await marathon.api('PUT', '/v2/apps/stuck?force=true', { cpus: 0.1 });
    assert.equal(forced.status, 200, forced.text);
    await marathon.deploymentDone(forced.body.deploymentId);
    await marathon.running('/stuck', 1);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/stuck')).body.deploymentId);

    // The daemon kept serving through all of it.
    assert.equal((await marathon.api('GET', '/ping')).text.trim(), 'pong');
  });

  test('Marathon\'s example apps deploy unchanged', async () => {
    for (const name of ['sleep-app.json', 'large-sleep.json', 'mesos-app.json']) {
      const body = fs.readFileSync(path.resolve(__dirname, '../fixtures/marathon', name), 'utf8');
      const res = await marathon.api('POST', '/v2/apps', body);
      assert.equal(res.status, 201, `${name}: ${res.text}`);
      await marathon.deploymentDone(res.headers['marathon-deployment-id'] as string);
      await marathon.running(res.body.id, 1);
      await marathon.deploymentDone((await marathon.api('DELETE', `/v2/apps${res.body.id}`)).body.deploymentId);
    }
    // The documented example asks for role 'mesos_role' and hosts like srv2.*: accepted, then waiting for such offers.
    const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/marathon/example-app.json'), 'utf8'));
    const res = await marathon.api('POST', '/v2/apps', example);
    assert.equal(res.status, 201, res.text);
    const app = await marathon.app('/foo');
    for (const field of ['labels', 'env', 'fetch', 'readinessChecks', 'healthChecks', 'constraints', 'container', 'secrets', 'upgradeStrategy']) {
      assert.deepEqual(app[field], example[field], field);
    }
    await waitUntil('the example to wait for a mesos_role offer', async () => {
      const q = (await marathon.api('GET', '/v2/queue')).body.queue.find((x: any) => x.app.id === '/foo');
      return q?.processedOffersSummary.rejectSummaryLastOffers.some((r: any) => r.reason === 'UnfulfilledRole');
    });
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/foo?force=true')).body.deploymentId);
  });

  test('UNIQUE hostname: 4 instances on 3 agents leave the deployment waiting with a reason in /v2/queue', async () => {
    const res = await marathon.api('POST', '/v2/apps', { id: 'unique', cmd: 'sleep 3600', cpus: 0.1, mem: 16, instances: 4, constraints: [['hostname', 'UNIQUE']] });
    assert.equal(res.status, 201);
    await marathon.running('/unique', 3).catch(async () => undefined);
    await waitUntil('3 running and one waiting on a constraint', async () => {
      const app = await marathon.app('/unique');
      const q = (await marathon.api('GET', '/v2/queue')).body.queue.find((x: any) => x.app.id === '/unique');
      return app.tasksRunning === 3 && q?.count === 1 && q.processedOffersSummary.rejectSummaryLastOffers.some((r: any) => r.reason === 'UnfulfilledConstraint');
    });
    const app = await marathon.app('/unique');
    assert.equal(new Set(app.tasks.map((t: any) => t.host)).size, 3);
    assert.equal(app.deployments.length, 1, 'the deployment waits');
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/unique?force=true')).body.deploymentId);
  });

  test('constraints on attributes: GROUP_BY spreads, LIKE and CLUSTER pin', async () => {
    const res = await marathon.api('POST', '/v2/apps', { id: 'racks', cmd: 'sleep 3600', cpus: 0.1, mem: 16, instances: 2, constraints: [['rack', 'GROUP_BY', '2']] });
    await marathon.deploymentDone(res.headers['marathon-deployment-id'] as string);
    const app = await marathon.app('/racks');
    assert.equal(app.tasksRunning, 2);
    const hosts = app.tasks.map((t: any) => t.host).sort();
    // rack r0 is agents 1 and 3, rack r1 is agent 2: one instance per rack means agent-2 is used.
    assert.ok(hosts.includes('agent-2.local'), hosts.join());
    const pinned = await marathon.api('POST', '/v2/apps', { id: 'pinned', cmd: 'sleep 3600', cpus: 0.1, mem: 16, instances: 2, constraints: [['hostname', 'LIKE', 'agent-[13].*'], ['hostname', 'CLUSTER', 'agent-3.local']] });
    await marathon.deploymentDone(pinned.headers['marathon-deployment-id'] as string);
    const tasks = (await marathon.app('/pinned')).tasks;
    assert.deepEqual(tasks.map((t: any) => t.host), ['agent-3.local', 'agent-3.local']);
    for (const id of ['racks', 'pinned']) await marathon.deploymentDone((await marathon.api('DELETE', `/v2/apps/${id}`)).body.deploymentId);
  });
});

describe('events', () => {
  test('/v2/events needs text/event-stream; delivers the documented events, filtered by event_type', async () => {
    assert.equal((await marathon.api('GET', '/v2/events')).status, 405);
    const all = await EventReader.open(marathon.url);
    const onlyStatus = await EventReader.open(marathon.url, '?event_type=status_update_event');
    await all.waitFor('event_stream_attached');
    const posted = Date.now();
    const res = await marathon.api('POST', '/v2/apps', { id: '/events/app', cmd: 'sleep 3600', cpus: 0.1, mem: 16 });
    const deploymentId = res.headers['marathon-deployment-id'];
    await all.waitFor('deployment_success', (d) => d.id === deploymentId);
    for (const type of ['api_post_event', 'deployment_info', 'deployment_step_success', 'status_update_event', 'instance_changed_event']) {
      assert.ok(all.types().includes(type), `${type} in ${all.types().join()}; posted ${posted} -> ${res.status}; raw:\n${all.raw.join('\n')}\n${marathon.logs().slice(-3000)}`);
    }
    const running = await all.waitFor('status_update_event', (d) => d.taskStatus === 'TASK_RUNNING' && d.appId === '/events/app');
    assert.equal(running.eventType, 'status_update_event');
    assert.ok(running.timestamp && running.slaveId && running.host);
    await onlyStatus.waitFor('status_update_event');
    assert.deepEqual([...new Set(onlyStatus.types())], ['status_update_event']);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/events/app')).body.deploymentId);
    all.close();
    onlyStatus.close();
  });
});

describe('health and upgrades', () => {
  test('a failing health check gets the instance killed and replaced', async () => {
    const events = await EventReader.open(marathon.url);
    const res = await marathon.api('POST', '/v2/apps', {
      id: 'sick', cmd: HTTP_SERVER, cpus: 0.1, mem: 32, env: { STATUS: '500' },
      healthChecks: [{ protocol: 'HTTP', path: '/', portIndex: 0, gracePeriodSeconds: 1, intervalSeconds: 1, timeoutSeconds: 1, maxConsecutiveFailures: 2 }],
    });
    assert.equal(res.status, 201);
    const killed = await events.waitFor('unhealthy_instance_kill_event', (d) => d.appId === '/sick');
    await waitUntil('a replacement', async () => (await marathon.app('/sick')).tasks.some((t: any) => t.id !== killed.taskId));
    const health = await events.waitFor('health_status_changed_event', (d) => d.appId === '/sick');
    assert.equal(health.alive, false);
    events.close();
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/sick?force=true')).body.deploymentId);
  });

  test('Mesos-level checks: MESOS_HTTP reports healthy through the executor; a failing COMMAND check gets the instance replaced', async () => {
    const web = await marathon.api('POST', '/v2/apps', {
      id: 'mesos-web', cmd: HTTP_SERVER, cpus: 0.1, mem: 32,
      healthChecks: [{ protocol: 'MESOS_HTTP', path: '/', portIndex: 0, gracePeriodSeconds: 5, intervalSeconds: 1, timeoutSeconds: 1, delaySeconds: 0 }],
    });
    assert.equal(web.status, 201, web.text);
    await marathon.deploymentDone(web.headers['marathon-deployment-id'] as string);
    assert.equal((await marathon.app('/mesos-web')).tasksHealthy, 1, 'the deployment finishes once the executor reports healthy');

    const events = await EventReader.open(marathon.url);
    const bad = await marathon.api('POST', '/v2/apps', {
      id: 'mesos-bad', cmd: 'sleep 3600', cpus: 0.1, mem: 16,
      healthChecks: [{ protocol: 'COMMAND', command: { value: 'exit 1' }, gracePeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 1, maxConsecutiveFailures: 2, delaySeconds: 0 }],
    });
    assert.equal(bad.status, 201, bad.text);
    const killed = await events.waitFor('status_update_event', (d) => d.appId === '/mesos-bad' && d.taskStatus === 'TASK_KILLED', 30_000);
    await events.waitFor('health_status_changed_event', (d) => d.appId === '/mesos-bad' && d.alive === false);
    await waitUntil('a replacement', async () => (await marathon.app('/mesos-bad')).tasks.some((t: any) => t.id !== killed.taskId));
    events.close();
    for (const id of ['mesos-web', 'mesos-bad']) await marathon.deploymentDone((await marathon.api('DELETE', `/v2/apps/${id}?force=true`)).body.deploymentId);
  });

  test('a rolling upgrade never drops healthy instances below minimumHealthCapacity', async () => {
    const app = {
      id: 'web', cmd: HTTP_SERVER, cpus: 0.1, mem: 32, instances: 3, env: { GENERATION: '1' },
      upgradeStrategy: { minimumHealthCapacity: 0.6, maximumOverCapacity: 0 },
      healthChecks: [{ protocol: 'HTTP', path: '/', portIndex: 0, gracePeriodSeconds: 10, intervalSeconds: 1, timeoutSeconds: 1, maxConsecutiveFailures: 3 }],
    };
    const created = await marathon.api('POST', '/v2/apps', app);
    await marathon.deploymentDone(created.headers['marathon-deployment-id'] as string);
    assert.equal((await marathon.app('/web')).tasksHealthy, 3);
    const before = new Set((await marathon.app('/web')).tasks.map((t: any) => t.id));
    const update = await marathon.api('PUT', '/v2/apps/web', { env: { GENERATION: '2' } });
    let lowest = Infinity;
    let done = false;
    while (!done) {
      const current = await marathon.app('/web');
      lowest = Math.min(lowest, current.tasksHealthy);
      done = current.deployments.length === 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(lowest >= 2, `healthy instances dropped to ${lowest} (minimum ceil(3 × 0.6) = 2)`);
    const after = await marathon.app('/web');
    assert.equal(after.tasksHealthy, 3);
    assert.ok(after.tasks.every((t: any) => !before.has(t.id) && t.version === update.body.version));
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/web')).body.deploymentId);
  });
});

describe('backoff', () => {
  test('a crashing app backs off (backoffSeconds × backoffFactor^n), shown in /v2/queue; DELETE .../delay resets it', async () => {
    const res = await marathon.api('POST', '/v2/apps', { id: 'crash', cmd: 'exit 3', cpus: 0.1, mem: 16, backoffSeconds: 2, backoffFactor: 3, maxLaunchDelaySeconds: 60 });
    assert.equal(res.status, 201);
    const delayed = await waitUntil('a launch delay after the second failure', async () => {
      const app = await marathon.app('/crash');
      const q = (await marathon.api('GET', '/v2/queue')).body.queue.find((x: any) => x.app.id === '/crash');
      return app.lastTaskFailure && q && q.delay.timeLeftSeconds > 2 ? { app, q } : undefined;
    }, 30_000);
    assert.equal(delayed.app.lastTaskFailure.state, 'TASK_FAILED');
    assert.match(delayed.app.lastTaskFailure.message, /status 3/);
    assert.equal(delayed.q.delay.overdue, false);
    assert.ok(delayed.q.delay.timeLeftSeconds <= 6, `2 × 3^1 = 6 s at most, got ${delayed.q.delay.timeLeftSeconds}`);
    const reset = await marathon.api('DELETE', '/v2/queue/crash/delay');
    assert.equal(reset.status, 204);
    const q = (await marathon.api('GET', '/v2/queue')).body.queue.find((x: any) => x.app.id === '/crash');
    assert.ok(!q || q.delay.overdue === true);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/crash?force=true')).body.deploymentId);
  });
});

describe('readiness and containers', () => {
  test('readiness checks gate a deployment and are reported while it runs', async () => {
    const res = await marathon.api('POST', '/v2/apps', {
      id: 'ready', cmd: `sleep 2; ${HTTP_SERVER}`, cpus: 0.1, mem: 32, portDefinitions: [{ port: 0, name: 'http' }],
      readinessChecks: [{ name: 'up', protocol: 'HTTP', path: '/', portName: 'http', intervalSeconds: 1, timeoutSeconds: 1 }],
    });
    assert.equal(res.status, 201, res.text);
    const id = res.headers['marathon-deployment-id'] as string;
    const pending = await waitUntil('a readiness result while not ready', async () => {
      const list = (await marathon.api('GET', '/v2/deployments')).body;
      const results = list.find((d: any) => d.id === id)?.currentActions.flatMap((a: any) => a.readinessCheckResults) ?? [];
      return results.find((r: any) => r.ready === false);
    });
    assert.equal(pending.name, 'up');
    await marathon.deploymentDone(id);
    assert.equal((await marathon.app('/ready')).tasks[0].state, 'TASK_RUNNING');
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/ready')).body.deploymentId);
  });

  test('a Docker app is accepted and validated; on agents without the docker containerizer its tasks fail saying so', async () => {
    const invalid = await marathon.api('POST', '/v2/apps', { id: 'img', cmd: 'true', container: { type: 'DOCKER', docker: { image: 42 } } });
    assert.equal(invalid.status, 422, invalid.text);
    const res = await marathon.api('POST', '/v2/apps', { id: 'img', cmd: 'sleep 3600', cpus: 0.1, mem: 16, container: { type: 'DOCKER', docker: { image: 'nginx:1.25' } } });
    assert.equal(res.status, 201, res.text);
    const failure = await waitUntil('the failure to be reported', async () => (await marathon.app('/img')).lastTaskFailure);
    assert.equal(failure.state, 'TASK_FAILED');
    assert.match(failure.message, /None of the enabled containerizers \(mesos\) could create a container/);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/img?force=true')).body.deploymentId);
  });
});

describe('groups and durability', () => {
  test('POST /v2/groups deploys nested apps in dependency order; GET shows the tree', async () => {
    const events = await EventReader.open(marathon.url);
    const res = await marathon.api('POST', '/v2/groups', {
      id: '/shop',
      apps: [{ id: 'web', cmd: 'sleep 3600', cpus: 0.1, mem: 16, dependencies: ['/shop/db/store'] }],
      groups: [{ id: 'db', apps: [{ id: 'store', cmd: 'sleep 3600', cpus: 0.1, mem: 16 }] }],
    });
    assert.equal(res.status, 201, res.text);
    await marathon.deploymentDone(res.body.deploymentId);
    const group = (await marathon.api('GET', '/v2/groups/shop')).body;
    assert.deepEqual(group.apps.map((a: any) => a.id), ['/shop/web']);
    assert.deepEqual(group.groups[0].apps.map((a: any) => a.id), ['/shop/db/store']);
    const steps = events.events.filter((e) => e.type === 'deployment_step_success' && e.data.plan.id === res.body.deploymentId).map((e) => e.data.currentStep.actions.filter((a: any) => a.action !== 'StartApplication').map((a: any) => a.app)).filter((apps) => apps.length);
    const storeStep = steps.findIndex((s) => s.includes('/shop/db/store') && !s.includes('/shop/web'));
    const webStep = steps.findIndex((s) => s.includes('/shop/web'));
    assert.ok(storeStep >= 0 && webStep > storeStep, `store before web: ${JSON.stringify(steps)}`);
    events.close();
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/groups/shop')).body.deploymentId);
  });

  test('state survives a restart of the framework: same framework id, same running tasks', async () => {
    const res = await marathon.api('POST', '/v2/apps', { id: 'durable', cmd: 'sleep 3600', cpus: 0.1, mem: 16, instances: 2 });
    await marathon.deploymentDone(res.headers['marathon-deployment-id'] as string);
    const tasks = (await marathon.running('/durable', 2)).map((t) => t.id).sort();
    const frameworkId = (await marathon.api('GET', '/v2/info')).body.frameworkId;
    await marathon.stop('SIGKILL');
    await marathon.restart();
    await waitUntil('re-subscribed', async () => (await marathon.api('GET', '/v2/info')).body.frameworkId === frameworkId);
    const again = (await marathon.running('/durable', 2)).map((t) => t.id).sort();
    assert.deepEqual(again, tasks);
    const state = await cluster.state();
    assert.equal(state.frameworks.filter((f) => f.name === 'marathon').length, 1);
    assert.equal(state.frameworks.find((f) => f.name === 'marathon')!.id, frameworkId);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/durable')).body.deploymentId);
  });
});
