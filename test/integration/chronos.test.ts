// The Chronos-compatible job framework (`mesolite chronos`) on a real process cluster: scheduled runs
// counted through its API and the master's tasks, retries, dependent jobs (a chain and a fan-in), run
// now, kill, epsilon, bad input, and an idle framework suppressing offers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postJson } from '../../runtime/common/http';
import { chronosFixture, masterTasksOf } from '../helpers/chronos';
import { clusterFixture, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 1 });
const chronos = chronosFixture(cluster, ['--failure_retry=300']);

const TASK_ID = /^ct:(\d+):(\d+):([\w.-]+):(.*)$/;
const small = { cpus: 0.1, mem: 16, disk: 1 };

async function scheduled(job: Record<string, unknown>) {
  const res = await chronos.api('POST', '/v1/scheduler/iso8601', { ...small, ...job });
  assert.equal(res.status, 204, res.text);
}

async function dependent(job: Record<string, unknown>) {
  const res = await chronos.api('POST', '/v1/scheduler/dependency', { ...small, ...job });
  assert.equal(res.status, 204, res.text);
}

async function runNow(name: string, query = '') {
  const res = await chronos.api('PUT', `/v1/scheduler/job/${name}${query}`);
  assert.equal(res.status, 204, res.text);
}

/** A job that runs only when asked to (its first occurrence is far off; R0 jobs are disabled after a run, as in Chronos). */
const manual = (name: string, command = 'true') => scheduled({ name, command, schedule: 'R1/2100-01-01T00:00:00Z/PT1H' });

test('a R5/…/PT2S job runs five times: counted by the API and by the master', async () => {
  await scheduled({ name: 'five', command: 'echo run', schedule: 'R5//PT2S' });
  const job = await chronos.jobUntil('five', 'five successes', (j) => j.successCount === 5, 40_000);
  assert.equal(job.errorCount, 0);
  assert.ok(job.lastSuccess);
  assert.equal(job.disabled, true, 'its repetitions used up, Chronos disables it');
  assert.match(job.schedule, /^R0\//);
  const tasks = await waitUntil('five finished tasks at the master', async () => {
    const t = await masterTasksOf(cluster, 'five');
    return t.length === 5 && t.every((x) => x.state === 'TASK_FINISHED') ? t : undefined;
  });
  const dues = tasks.map((t) => TASK_ID.exec(t.id)).map((m) => {
    assert.ok(m, 'task ids are ct:<millis>:<attempt>:<job>:<args>');
    assert.equal(m[2], '0');
    assert.equal(m[3], 'five');
    return Number(m[1]);
  }).sort((a, b) => a - b);
  for (let i = 1; i < dues.length; i++) assert.equal(dues[i] - dues[i - 1], 2000, 'due times two seconds apart');
  assert.equal((await chronos.summaryOf('five')).status, 'success');
});

test('a failing job is retried `retries` times, then counts one error', async () => {
  await scheduled({ name: 'fails', command: 'exit 3', schedule: 'R1//PT1H', retries: 2 });
  const job = await chronos.jobUntil('fails', 'an error', (j) => j.errorCount === 1);
  assert.equal(job.successCount, 0);
  assert.equal(job.errorsSinceLastSuccess, 1);
  assert.ok(job.lastError);
  const attempts = (await masterTasksOf(cluster, 'fails')).map((t) => {
    assert.equal(t.state, 'TASK_FAILED');
    return Number(TASK_ID.exec(t.id)![2]);
  }).sort();
  assert.deepEqual(attempts, [0, 1, 2], 'the first run and two retries');
  const summary = await chronos.summaryOf('fails');
  assert.equal(summary.status, 'failure');
  assert.equal(summary.state, 'idle');
});

test('a chain A → B: B runs after each success of A, not after a failure', async () => {
  await manual('chain-a');
  await dependent({ name: 'chain-b', command: 'true', parents: ['chain-a'] });
  await runNow('chain-a');
  await chronos.jobUntil('chain-b', 'one success', (j) => j.successCount === 1);
  await runNow('chain-a');
  await chronos.jobUntil('chain-b', 'two successes', (j) => j.successCount === 2);

  await scheduled({ name: 'chain-f', command: 'exit 1', schedule: 'R1/2100-01-01T00:00:00Z/PT1H', retries: 0 });
  await dependent({ name: 'chain-g', command: 'true', parents: ['chain-f'] });
  await runNow('chain-f');
  await chronos.jobUntil('chain-f', 'an error', (j) => j.errorCount === 1);
  // Its child would have been queued in the same change that counted the error.
  assert.equal((await chronos.summaryOf('chain-g')).state, 'idle');
  assert.equal((await chronos.job('chain-g')).successCount, 0);
  assert.deepEqual(await masterTasksOf(cluster, 'chain-g'), []);
  const csv = (await chronos.api('GET', '/v1/scheduler/graph/csv')).text;
  assert.match(csv, /^link,chain-a,chain-b$/m);
  assert.match(csv, /^node,chain-f,failure,idle$/m);
  assert.match((await chronos.api('GET', '/v1/scheduler/graph/dot')).text, /^digraph G \{/);
});

test('a fan-in A, B → C: C runs once both parents succeeded since its last run', async () => {
  await manual('fan-a');
  await manual('fan-b');
  await dependent({ name: 'fan-c', command: 'true', parents: ['fan-a', 'fan-b'] });
  await runNow('fan-a');
  await chronos.jobUntil('fan-a', 'one success', (j) => j.successCount === 1);
  await runNow('fan-a');
  await chronos.jobUntil('fan-a', 'two successes', (j) => j.successCount === 2);
  assert.equal((await chronos.job('fan-c')).successCount, 0, 'one parent is not enough');
  assert.equal((await chronos.summaryOf('fan-c')).state, 'idle');
  await runNow('fan-b');
  await chronos.jobUntil('fan-c', 'one success', (j) => j.successCount === 1);
  await runNow('fan-b');
  await chronos.jobUntil('fan-b', 'two successes', (j) => j.successCount === 2);
  assert.equal((await chronos.summaryOf('fan-c')).state, 'idle', 'fan-a has not run since');
  await runNow('fan-a');
  await chronos.jobUntil('fan-c', 'two successes', (j) => j.successCount === 2);
  assert.equal((await masterTasksOf(cluster, 'fan-c')).length, 2);
});

test('run now with arguments; mark successful', async () => {
  await manual('now', 'echo');
  await runNow('now', '?arguments=hello');
  await chronos.jobUntil('now', 'a success', (j) => j.successCount === 1);
  const [task] = await masterTasksOf(cluster, 'now');
  assert.equal(TASK_ID.exec(task.id)![4], 'hello');
  const marked = await chronos.api('PUT', '/v1/scheduler/job/success/now');
  assert.equal(marked.status, 200);
  assert.equal(marked.text, 'marked job now as successful: true');
  assert.equal((await chronos.job('now')).successCount, 2);
});

test('an async job\'s run ends when the job reports it: PUT /v1/scheduler/task/<id> {statusCode}', async () => {
  await scheduled({ name: 'async', command: 'true', schedule: 'R1/2100-01-01T00:00:00Z/PT1H', async: true });
  await runNow('async');
  const [task] = await waitUntil('its task finished at the master', async () => {
    const t = await masterTasksOf(cluster, 'async');
    return t.length === 1 && t[0].state === 'TASK_FINISHED' ? t : undefined;
  });
  assert.equal((await chronos.summaryOf('async')).state, '1 running', 'the run goes on until the job reports');
  assert.equal((await chronos.job('async')).successCount, 0);
  const bad = await chronos.api('PUT', `/v1/scheduler/task/${encodeURIComponent(task.id)}`, { statusCode: 'ok' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /'statusCode'/);
  const reported = await chronos.api('PUT', `/v1/scheduler/task/${encodeURIComponent(task.id)}`, { statusCode: 0 });
  assert.equal(reported.status, 204, reported.text);
  const job = await chronos.job('async');
  assert.equal(job.successCount, 1);
  assert.equal((await chronos.summaryOf('async')).state, 'idle');
  assert.equal((await chronos.api('PUT', `/v1/scheduler/task/${encodeURIComponent(task.id)}`, { statusCode: 0 })).status, 404, 'reported once');
});

test('kill: the tasks of a job end KILLED, counted neither as success nor as error', async () => {
  await manual('sleeper', 'sleep 600');
  await runNow('sleeper');
  await waitUntil('sleeper running', async () => (await chronos.summaryOf('sleeper')).state === '1 running');
  const killed = await chronos.api('DELETE', '/v1/scheduler/task/kill/sleeper');
  assert.equal(killed.status, 204, killed.text);
  await waitUntil('sleeper idle', async () => (await chronos.summaryOf('sleeper')).state === 'idle');
  const job = await chronos.job('sleeper');
  assert.equal(job.successCount, 0);
  assert.equal(job.errorCount, 0);
  assert.deepEqual((await masterTasksOf(cluster, 'sleeper')).map((t) => t.state), ['TASK_KILLED']);
});

test('epsilon: an occurrence missed by more than epsilon is skipped and counted', async () => {
  const start = new Date(Date.now() - 10 * 60_000).toISOString();
  await scheduled({ name: 'late', command: 'true', schedule: `R/${start}/PT1H`, epsilon: 'PT30S' });
  await waitUntil('a skipped run in /metrics', async () => (await chronos.api('GET', '/metrics')).body.counters['jobs.run.skipped.late']?.count === 1);
  const job = await chronos.job('late');
  assert.equal(job.successCount, 0);
  const next = Date.parse(job.schedule.split('/')[1]);
  assert.equal(next, Date.parse(start) + 3_600_000, 'the next occurrence is an hour after the missed one');
  assert.deepEqual(await masterTasksOf(cluster, 'late'), []);
});

test('bad input: 400 naming the field, 404 for unknown jobs; the daemon keeps serving', async () => {
  const bad = async (path: string, body: unknown, field: RegExp) => {
    const res = await chronos.api('POST', path, body);
    assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.body.status, 'Bad Request');
    assert.match(res.body.message, field);
  };
  await bad('/v1/scheduler/iso8601', { name: 'bad name!', command: 'true', schedule: 'R1//PT1M' }, /'name'/);
  await bad('/v1/scheduler/iso8601', { name: 'x', command: 'true', schedule: 'R1/yesterday/PT1M' }, /'schedule'/);
  await bad('/v1/scheduler/iso8601', { name: 'x', command: 'true', schedule: 'R1//P1Q' }, /'schedule'/);
  await bad('/v1/scheduler/iso8601', { name: 'x', command: 'true', schedule: 'R1//PT1M', scheduleTimeZone: 'Mars/Olympus' }, /'scheduleTimeZone'/);
  await bad('/v1/scheduler/iso8601', { name: 'x', command: 'true', schedule: 'R1//PT1M', epsilon: 'soon' }, /'epsilon'/);
  await bad('/v1/scheduler/iso8601', { name: 'x', command: 'true', schedule: 'R1//PT1M', cpus: -1 }, /'cpus'/);
  await bad('/v1/scheduler/iso8601', { name: 'x', command: 'true', schedule: 'R1//PT1M', constraints: [['rack', 'NEAR', 'a']] }, /'constraints\[0\]\[1\]'/);
  await bad('/v1/scheduler/iso8601', { name: 'x', schedule: 'R1//PT1M' }, /'command'/);
  await bad('/v1/scheduler/dependency', { name: 'x', command: 'true', parents: ['nobody'] }, /'parents'.*nobody/);
  await bad('/v1/scheduler/dependency', { name: 'x', command: 'true', parents: [] }, /'parents'/);
  await manual('cycle-root');
  await dependent({ name: 'cycle-1', command: 'true', parents: ['cycle-root'] });
  await dependent({ name: 'cycle-2', command: 'true', parents: ['cycle-1'] });
  await bad('/v1/scheduler/dependency', { name: 'cycle-1', command: 'true', parents: ['cycle-2'] }, /'parents'.*cycle/);
  assert.deepEqual((await chronos.job('cycle-1')).parents, ['cycle-root'], 'the refused change left the job as it was');
  const longArgs = await chronos.api('PUT', `/v1/scheduler/job/cycle-root?arguments=${'x'.repeat(300)}`);
  assert.equal(longArgs.status, 400, longArgs.text);
  assert.match(longArgs.body.message, /'arguments'/);
  assert.equal((await chronos.summaryOf('cycle-root')).state, 'idle', 'the refused run was not queued');
  const notJson = await chronos.api('POST', '/v1/scheduler/iso8601', '{"name":');
  assert.equal(notJson.status, 400);
  for (const [method, path] of [['GET', '/v1/scheduler/job/ghost'], ['PUT', '/v1/scheduler/job/ghost'], ['DELETE', '/v1/scheduler/job/ghost'], ['DELETE', '/v1/scheduler/task/kill/ghost'], ['GET', '/v1/scheduler/job/stat/ghost']]) {
    const res = await chronos.api(method, path);
    assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
    assert.match(res.body.message, /ghost/);
  }
  assert.equal((await chronos.api('GET', '/ping')).status, 200);
});

test('an idle job framework suppresses offers; a due run revives them', async () => {
  const frameworkId = await chronos.frameworkId(cluster);
  const cycles = async (query: Record<string, unknown>) => JSON.parse((await postJson(`${cluster.masterUrl}/api/v1`, {
    type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { ...query, include_state: true },
  })).body).mesolite_get_allocation_cycles.cycles as any[];
  const suppressedIn = (c: any) => c.state.frameworks.find((f: any) => f.framework_id === frameworkId)?.suppressed_roles;
  const since = await waitUntil('chronos suppressed', async () => {
    const [last] = await cycles({ limit: 1 });
    return last && suppressedIn(last)?.includes('*') ? last.cycle as number : undefined;
  });
  const idle = await waitUntil('five more cycles', async () => {
    const later = await cycles({ since, limit: 5 });
    return later.length === 5 ? later : undefined;
  });
  assert.ok(idle.every((c) => suppressedIn(c)?.includes('*')), 'it stays suppressed while idle');
  assert.ok(idle.every((c) => !c.decisions.some((d: any) => d.decision === 'offered' && d.framework_id === frameworkId)), 'no offers while idle');
  await manual('wake');
  await runNow('wake');
  await chronos.jobUntil('wake', 'a success', (j) => j.successCount === 1);
  await waitUntil('chronos suppressed again', async () => {
    const [last] = await cycles({ limit: 1 });
    return last && suppressedIn(last)?.includes('*');
  });
});

test('delete: a dependent job\'s children take its parents; the job is gone', async () => {
  await manual('del-a');
  await dependent({ name: 'del-b', command: 'true', parents: ['del-a'] });
  await dependent({ name: 'del-c', command: 'true', parents: ['del-b'] });
  const res = await chronos.api('DELETE', '/v1/scheduler/job/del-b');
  assert.equal(res.status, 204, res.text);
  assert.equal((await chronos.api('GET', '/v1/scheduler/job/del-b')).status, 404);
  assert.deepEqual((await chronos.job('del-c')).parents, ['del-a']);
  const found = (await chronos.api('GET', '/v1/scheduler/jobs/search?name=DEL-')).body.map((j: any) => j.name).sort();
  assert.deepEqual(found, ['del-a', 'del-c']);
});
