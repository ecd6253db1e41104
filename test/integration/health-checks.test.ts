// Health checks and checks run by the built-in executors between real processes: HTTP, TCP and
// COMMAND health checks report `healthy` in TASK_RUNNING updates (and in the master's views), a task
// failing its health check is killed, general checks report `check_status`, and the master refuses
// malformed health checks. The probes themselves are tried against real servers and commands too.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { getJson } from '../../runtime/common/http';
import type { HealthCheck, Offer, Resource, Task, TaskInfo, TaskStatus } from '../../runtime/common/protocol/v1';
import { commandProbe, httpProbe, tcpProbe } from '../../runtime/executor/probes';
import { clusterFixture, commandTask, freePort, subscribedScheduler, type TestScheduler } from '../helpers/cluster';

let ports: number[] = [];
const cluster = clusterFixture(async () => {
  // Ports known to be free just now (other clusters on this machine use the default range).
  ports = [await freePort(), await freePort(), await freePort()];
  const range = ports.map((p) => `${p}-${p}`).join(',');
  return { agents: 1, agentResources: () => `cpus:4;mem:4096;disk:10000;ports:[${range}]` };
});

const NODE = JSON.stringify(process.execPath);

/** A command task using one port of the offer, with a health check. */
function portTask(offer: Offer, id: string, port: number, command: string, healthCheck: HealthCheck): TaskInfo {
  const task = commandTask(offer, id, command);
  const ports: Resource = { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: port, end: port }] }, allocation_info: { role: offer.allocation_info?.role ?? '*' } };
  return { ...task, resources: [...task.resources!, ports], health_check: healthCheck };
}

/** Runs a test with a subscribed scheduler and its first offer; the framework is torn down when the test `t` ends. */
async function withScheduler(t: TestContext, body: (s: TestScheduler, offer: Offer) => Promise<void>): Promise<void> {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await body(s, offer);
}

const healthUpdate = (healthy: boolean) => (s: TaskStatus) => s.state === 'TASK_RUNNING' && s.healthy === healthy && s.reason === 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED';

async function update(s: TestScheduler, taskId: string, predicate: (s: TaskStatus) => boolean, timeoutMs = 30_000): Promise<TaskStatus> {
  return (await s.next('UPDATE', (e) => e.update.status.task_id.value === taskId && predicate(e.update.status), timeoutMs)).update.status;
}

test('a task serving HTTP on its port turns healthy; the scheduler, /master/state and GET_TASKS see healthy: true', (t) => withScheduler(t, async (s, offer) => {
  const port = ports[0];
  const server = `exec ${NODE} -e "require('http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')"`;
  await s.launch(offer, [portTask(offer, 'web', port, server, { type: 'HTTP', http: { scheme: 'http', port, path: '/health' }, delay_seconds: 0, interval_seconds: 1, grace_period_seconds: 30 })]);
  const healthy = await update(s, 'web', healthUpdate(true));
  assert.equal(healthy.executor_id?.value, 'web');
  // One healthy update while the task stays healthy.
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(s.events.filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'web' && e.update.status.healthy !== undefined).length, 1);

  type V0Task = { id: string; statuses: Array<{ state: string; healthy?: boolean }>; health_check?: { type: string } };
  const state = await cluster.state();
  const task = (state.frameworks.find((f) => f.id === s.frameworkId)!.tasks as unknown as V0Task[]).find((t) => t.id === 'web')!;
  assert.equal(task.statuses.at(-1)!.healthy, true);
  assert.equal(task.health_check?.type, 'HTTP');
  const tasks = JSON.parse((await cluster.operator({ type: 'GET_TASKS' })).body) as { get_tasks: { tasks: Task[] } };
  const viaOperator = tasks.get_tasks.tasks.find((t) => t.task_id.value === 'web')!;
  assert.equal(viaOperator.statuses.at(-1)!.healthy, true);
  assert.equal(viaOperator.health_check?.type, 'HTTP');
  const agentState = await getJson<{ frameworks: Array<{ executors: Array<{ tasks: Array<{ id: string; statuses: Array<{ healthy?: boolean }> }> }> }> }>(`${cluster.agents[0].url}/state`);
  assert.equal(agentState.frameworks.flatMap((f) => f.executors).flatMap((e) => e.tasks).find((t) => t.id === 'web')!.statuses.at(-1)!.healthy, true);

  await s.kill('web');
  const killed = await s.status('web', 'TASK_KILLED');
  assert.equal(killed.healthy, undefined, 'a kill the scheduler asked for says nothing about health');
}));

test('a failing COMMAND health check marks the task unhealthy and kills it after consecutive_failures', (t) => withScheduler(t, async (s, offer) => {
  const task = { ...commandTask(offer, 'sick', 'sleep 1000'), health_check: { type: 'COMMAND' as const, command: { value: 'exit 1' }, delay_seconds: 0, interval_seconds: 0.5, grace_period_seconds: 0, consecutive_failures: 2 } };
  await s.launch(offer, [task]);
  const killed = await s.status('sick', 'TASK_KILLED', 30_000);
  assert.equal(killed.healthy, false);
  const unhealthy = s.events.filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'sick' && e.update.status.state === 'TASK_RUNNING' && e.update.status.healthy === false);
  assert.equal(unhealthy.length, 2);
  assert.deepEqual(s.statesOf('sick'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_RUNNING', 'TASK_RUNNING', 'TASK_KILLED']);
}));

test('a COMMAND health check (legacy form, no type) runs in the task\'s sandbox with the task\'s environment', (t) => withScheduler(t, async (s, offer) => {
  const task = {
    ...commandTask(offer, 'ready', 'touch ready-file; sleep 1000'),
    health_check: { command: { value: 'test -f ready-file && test "$MESOS_TASK_ID" = ready && test "$CHECK_VAR" = 1', environment: { variables: [{ name: 'CHECK_VAR', value: '1' }] } }, delay_seconds: 0, interval_seconds: 0.5, grace_period_seconds: 20 },
  };
  await s.launch(offer, [task]);
  await update(s, 'ready', healthUpdate(true));
  await s.kill('ready');
  await s.status('ready', 'TASK_KILLED');
}));

test('a TCP health check turns healthy once the task listens, unhealthy when it stops listening', (t) => withScheduler(t, async (s, offer) => {
  const port = ports[1];
  // Listens for 5 s, then closes the socket but keeps running.
  const server = `exec ${NODE} -e "const s = require('net').createServer((c) => c.end()).listen(${port}, '127.0.0.1'); setTimeout(() => s.close(), 5000); setTimeout(() => {}, 1e6)"`;
  await s.launch(offer, [portTask(offer, 'tcp', port, server, { type: 'TCP', tcp: { port }, delay_seconds: 0, interval_seconds: 0.5, grace_period_seconds: 20, consecutive_failures: 100 })]);
  await update(s, 'tcp', healthUpdate(true));
  await update(s, 'tcp', healthUpdate(false));
  await s.kill('tcp');
  await s.status('tcp', 'TASK_KILLED');
}));

test('a task group\'s task failing its health check is killed unhealthy, and the default executor kills the rest of the group', (t) => withScheduler(t, async (s, offer) => {
  const executor = { type: 'DEFAULT' as const, executor_id: { value: 'hc-group' }, resources: commandTask(offer, 'x', 'true').resources };
  const sick = { ...commandTask(offer, 'g-sick', 'sleep 1000'), health_check: { type: 'COMMAND' as const, command: { value: 'false' }, delay_seconds: 0, interval_seconds: 0.5, grace_period_seconds: 0, consecutive_failures: 1 } };
  const well = commandTask(offer, 'g-well', 'sleep 1000');
  await s.accept([offer.id.value], [{ type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks: [sick, well] } } }]);
  assert.equal((await s.status('g-sick', 'TASK_KILLED', 30_000)).healthy, false);
  // As in Mesos (MESOS-8543), the default executor marks every task ending after the kill unhealthy.
  assert.equal((await s.status('g-well', 'TASK_KILLED')).healthy, false);
}));

test('a general COMMAND check reports check_status: empty at first, then the exit code, without judging it', (t) => withScheduler(t, async (s, offer) => {
  const task = { ...commandTask(offer, 'checked', 'sleep 1000'), check: { type: 'COMMAND' as const, command: { command: { value: 'exit 3' } }, delay_seconds: 0, interval_seconds: 0.5 } };
  await s.launch(offer, [task]);
  const first = await s.status('checked', 'TASK_RUNNING');
  assert.deepEqual(first.check_status, { type: 'COMMAND', command: {} });
  const checked = await update(s, 'checked', (st) => st.reason === 'REASON_TASK_CHECK_STATUS_UPDATED');
  assert.deepEqual(checked.check_status, { type: 'COMMAND', command: { exit_code: 3 } });
  assert.equal(checked.healthy, undefined);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(s.events.filter((e) => e.type === 'UPDATE' && e.update.status.reason === 'REASON_TASK_CHECK_STATUS_UPDATED').length, 1, 'an unchanged result is not sent again');
  await s.kill('checked');
  await s.status('checked', 'TASK_KILLED');
}));

test('the master refuses a LAUNCH with a malformed health check, naming the field', (t) => withScheduler(t, async (s, offer) => {
  await s.launch(offer, [{ ...commandTask(offer, 'bad-hc', 'sleep 1'), health_check: { type: 'HTTP', http: { port: 8080, path: 'health' } } }]);
  const error = await s.status('bad-hc', 'TASK_ERROR');
  assert.equal(error.reason, 'REASON_TASK_INVALID');
  assert.equal(error.message, "Task bad-hc uses invalid health check: 'health_check.http.path' must start with '/'");
}));

test('probes: HTTP follows redirects and reports the status code; TCP reports a refused connection; COMMAND is killed when aborted', async () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/old') { res.writeHead(302, { Location: '/new' }); return res.end(); }
    res.writeHead(req.url === '/new' ? 204 : 503);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    const signal = new AbortController().signal;
    assert.deepEqual(await httpProbe('http', port, '/old', false)(signal), { type: 'HTTP', http: { status_code: 204 } });
    assert.deepEqual(await httpProbe('http', port, '/other', false)(signal), { type: 'HTTP', http: { status_code: 503 } });
    assert.deepEqual(await tcpProbe(port, false)(signal), { type: 'TCP', tcp: { succeeded: true } });
  } finally {
    await new Promise((r) => server.close(r));
  }
  const closed = await freePort();
  assert.deepEqual(await tcpProbe(closed, false)(new AbortController().signal), { type: 'TCP', tcp: { succeeded: false } });
  await assert.rejects(httpProbe('http', closed, '/', false)(new AbortController().signal));

  const tmp = fs.realpathSync(os.tmpdir());
  const context = { cwd: tmp, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', FROM_TASK: 'yes' } };
  assert.deepEqual(await commandProbe({ value: 'test "$FROM_TASK" = yes && test "$(pwd)" = "$EXPECTED"; exit $?', environment: { variables: [{ name: 'EXPECTED', value: tmp }] } }, context)(new AbortController().signal), { type: 'COMMAND', command: { exit_code: 0 } });
  const abort = new AbortController();
  const running = commandProbe({ value: 'sleep 30' }, context)(abort.signal);
  setTimeout(() => abort.abort(), 200);
  const aborted = await running;
  assert.equal(aborted.command?.exit_code, 128 + 9);
});

test('probes: an HTTPS health check accepts a self-signed certificate, as Mesos\' curl -k does', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-tls-'));
  // scripts/provision.sh installs openssl; without it this fails rather than skips.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as { port: number };
    assert.deepEqual(await httpProbe('https', port, '/', false)(new AbortController().signal), { type: 'HTTP', http: { status_code: 200 } });
  } finally {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
