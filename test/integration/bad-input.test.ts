// Bad input gets a clear 4xx naming the problem and the daemons keep serving; a bounded fuzz loop over
// the scheduler, executor, operator and agent APIs never produces a 5xx or a crash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson, openStream, postJson, request } from '../../runtime/common/http';
import { seededRandom } from '../../runtime/master/allocator/hierarchical';
import { clusterFixture, commandTask, subscribedScheduler, TestScheduler } from '../helpers/cluster';
import { mutate, rawPost } from '../helpers/hostile';

const cluster = clusterFixture({ agents: 1 });

const schedulerUrl = () => `${cluster.masterUrl}/api/v1/scheduler`;

test('the scheduler API answers bad requests with a 4xx that names the problem', async () => {
  const cases: Array<{ body: string; headers?: Record<string, string>; status: number; message: RegExp }> = [
    { body: '{"type": "SUBSCRIBE",', status: 400, message: /Failed to parse body into JSON/ },
    { body: '[1,2]', status: 400, message: /JSON object/ },
    { body: '{"type":"LAUNCH_ROCKETS"}', status: 400, message: /'type' must be one of/ },
    { body: '{"type":"SUBSCRIBE"}', status: 400, message: /'subscribe' must be an object/ },
    { body: '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":7,"name":"x"}}}', status: 400, message: /'subscribe\.framework_info\.user' must be a string/ },
    { body: '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"x","failover_timeout":"1h"}}}', status: 400, message: /'subscribe\.framework_info\.failover_timeout' must be a number/ },
    { body: '{"type":"ACCEPT","framework_id":{"value":"f"},"accept":{"offer_ids":[{"value":""}]}}', status: 400, message: /'accept\.offer_ids\[0\]\.value'/ },
    { body: '{"type":"ACKNOWLEDGE","framework_id":{"value":"f"},"acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"not base64!"}}', status: 400, message: /'acknowledge\.uuid' must be base64/ },
    { body: '{"type":"DECLINE","framework_id":{"value":"f"},"decline":{"offer_ids":[],"filters":{"refuse_seconds":"soon"}}}', status: 400, message: /'decline\.filters\.refuse_seconds' must be a number/ },
    { body: '{"type":"REVIVE"}', status: 400, message: /framework_id/ },
    { body: '{}', headers: { 'Content-Type': 'text/plain' }, status: 415, message: /application\/json/ },
    { body: '{}', headers: { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'x' }, status: 400, message: /'type' must be one of/ },
  ];
  for (const c of cases) {
    const r = await request('POST', schedulerUrl(), c.body, { 'Content-Type': 'application/json', ...c.headers });
    assert.equal(r.status, c.status, `${c.body} -> ${r.status} ${r.body}`);
    assert.match(r.body, c.message, c.body);
  }
  const noType = await request('POST', schedulerUrl(), '{}', { 'Content-Type': '' });
  assert.equal(noType.status, 415);
  const streamIdOnSubscribe = await postJson(schedulerUrl(), { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'x' } } }, { 'Mesos-Stream-Id': 'x' });
  assert.equal(streamIdOnSubscribe.status, 400);
  assert.match(streamIdOnSubscribe.body, /should not include the 'Mesos-Stream-Id' header/);
  const get = await request('GET', schedulerUrl());
  assert.equal(get.status, 405);
  const huge = await request('POST', schedulerUrl(), JSON.stringify({ type: 'REQUEST', pad: 'x'.repeat(9 * 1024 * 1024) }));
  assert.equal(huge.status, 413);
  assert.match(huge.body, /exceeds the limit/);
  assert.equal((await request('GET', `${cluster.masterUrl}/health`)).status, 200);
});

test('FrameworkInfo the master refuses is answered as Mesos does: 200, an ERROR event, and the stream closes', async () => {
  const events: Array<Record<string, any>> = [];
  const refusals = [
    [{ user: 'u', name: 'x', roles: ['a'] }, /'FrameworkInfo\.roles' must not be set when the framework is not MULTI_ROLE capable/],
    [{ user: 'u', name: 'x', role: 'a', capabilities: [{ type: 'MULTI_ROLE' }] }, /'FrameworkInfo\.role' must not be set/],
    [{ user: 'u', name: 'x', roles: ['a', 'a'], capabilities: [{ type: 'MULTI_ROLE' }] }, /duplicate/],
  ] as const;
  for (const [info, message] of refusals) {
    events.length = 0;
    const stream = await openStream(schedulerUrl(), { type: 'SUBSCRIBE', subscribe: { framework_info: info } }, (e) => events.push(e));
    await stream.ended;
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'ERROR');
    assert.match(events[0].error.message, message);
  }
});

test('the executor API refuses unknown executors and malformed updates', async () => {
  const url = `${cluster.agents[0].url}/api/v1/executor`;
  const ids = { framework_id: { value: 'f' }, executor_id: { value: 'e' } };
  const unknown = await postJson(url, { ...ids, type: 'SUBSCRIBE', subscribe: {} });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /Framework cannot be found/);
  const heartbeat = await postJson(url, { ...ids, type: 'HEARTBEAT' });
  assert.equal(heartbeat.status, 202);
  const source = await postJson(url, { ...ids, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_RUNNING', source: 'SOURCE_MASTER', uuid: 'jhadf73jhakdlfha723adf' } } });
  assert.equal(source.status, 400);
  assert.match(source.body, /expecting 'SOURCE_EXECUTOR'/);
  const staging = await postJson(url, { ...ids, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_STAGING', uuid: 'AAAA' } } });
  assert.equal(staging.status, 400);
  assert.match(staging.body, /TASK_STAGING/);
  const badState = await postJson(url, { ...ids, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_DANCING', uuid: 'AAAA' } } });
  assert.match(badState.body, /'update\.status\.state' must be one of/);
});

test('an executor host\'s EXECUTOR_CALLS are answered call by call, as /api/v1/executor answers each', async () => {
  const url = `${cluster.agents[0].url}/internal/v1/executor_host`;
  const ids = { framework_id: { value: 'f' }, executor_id: { value: 'e' } };
  const calls = [
    { ...ids, type: 'HEARTBEAT' },
    { ...ids, type: 'SUBSCRIBE', subscribe: {} },
    { ...ids, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_DANCING', uuid: 'AAAA' } } },
    { ...ids, framework_id: { value: 'another' }, type: 'HEARTBEAT' },
    'not a call',
  ];
  const answered = await postJson(url, { type: 'EXECUTOR_CALLS', framework_id: ids.framework_id, executor_calls: { calls: calls.slice(0, 4) } });
  assert.equal(answered.status, 200, answered.body);
  const { results } = JSON.parse(answered.body) as { results: Array<{ status: number; message?: string }> };
  assert.deepEqual(results.map((r) => r.status), [202, 400, 400, 400]);
  assert.match(results[1].message!, /Framework cannot be found/);
  assert.match(results[2].message!, /'update\.status\.state' must be one of/);
  assert.match(results[3].message!, /'framework_id' of the call differs from the executor host's/);
  const malformed = await postJson(url, { type: 'EXECUTOR_CALLS', framework_id: ids.framework_id, executor_calls: { calls } });
  assert.equal(malformed.status, 400);
  assert.match(malformed.body, /'executor_calls\.calls\[4\]' must be an object/);
});

test('fuzz: 400 mutated calls to every API get 4xx or success, never 5xx, and the cluster still runs tasks', async (t) => {
  const s = new TestScheduler(cluster.masterAddress, { name: 'fuzz-target' });
  await s.subscribe();
  const offers = await s.offers();
  const offer = offers[0];
  const fid = { value: s.frameworkId! };
  // `results`: a batch answered 200 with a result per call; none of those may be a 5xx either.
  const seeds: Array<{ url: string; call: unknown; headers?: Record<string, string>; results?: boolean }> = [
    { url: schedulerUrl(), call: { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', capabilities: [{ type: 'MULTI_ROLE' }], roles: ['a'] } } } },
    { url: schedulerUrl(), call: { framework_id: fid, type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'fz', 'true')] } }], filters: { refuse_seconds: 1 } } }, headers: { 'Mesos-Stream-Id': s.streamId! } },
    { url: schedulerUrl(), call: { framework_id: fid, type: 'KILL', kill: { task_id: { value: 't' }, kill_policy: { grace_period: { nanoseconds: 1 } } } }, headers: { 'Mesos-Stream-Id': s.streamId! } },
    { url: schedulerUrl(), call: { framework_id: fid, type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't' }, agent_id: { value: 'a' } }] } }, headers: { 'Mesos-Stream-Id': s.streamId! } },
    { url: schedulerUrl(), call: { framework_id: fid, type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { user: 'u', name: 'n', id: fid } } }, headers: { 'Mesos-Stream-Id': s.streamId! } },
    { url: `${cluster.agents[0].url}/api/v1/executor`, call: { framework_id: fid, executor_id: { value: 'e' }, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_RUNNING', uuid: 'AAAA' } } } },
    { url: `${cluster.agents[0].url}/internal/v1/executor_host`, call: { type: 'EXECUTOR_EXITED', framework_id: fid, executor_id: { value: 'e' }, status: 0 } },
    {
      url: `${cluster.agents[0].url}/internal/v1/executor_host`,
      call: { type: 'EXECUTOR_CALLS', framework_id: fid, executor_calls: { calls: [{ framework_id: fid, executor_id: { value: 'e' }, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_RUNNING', uuid: 'AAAA' } } }, { framework_id: fid, executor_id: { value: 'e' }, type: 'SUBSCRIBE', subscribe: {} }] } },
      results: true,
    },
    { url: `${cluster.masterUrl}/api/v1`, call: { type: 'GET_TASKS' } },
    { url: `${cluster.masterUrl}/internal/v1/agent`, call: { type: 'STATUS_UPDATE', agent_id: { value: 'a' }, status_update: { framework_id: fid, uuid: 'AAAA', status: { task_id: { value: 't' }, state: 'TASK_RUNNING' } } } },
    { url: `${cluster.masterUrl}/internal/v1/agent`, call: { type: 'BATCH', agent_id: { value: 'a' }, batch: { calls: [{ type: 'PONG', agent_id: { value: 'a' } }] } } },
  ];
  const random = seededRandom(20261121);
  const statuses = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const seed = seeds[i % seeds.length];
    let body: Buffer;
    const r = random();
    if (r < 0.1) body = Buffer.from(JSON.stringify(seed.call).slice(0, Math.floor(random() * 40)));
    else if (r < 0.15) body = Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
    else body = Buffer.from(JSON.stringify(mutate(random, seed.call)));
    const answer = await rawPost(seed.url, body, { 'Content-Type': 'application/json', ...(seed.headers ?? {}) }, seed.results);
    const { status } = answer;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    assert.ok(status > 0 && status < 500, `call ${i} to ${seed.url} answered ${status}: ${body.toString().slice(0, 300)}`);
    if (seed.results && status === 200) {
      for (const r of (JSON.parse(answer.body) as { results: Array<{ status: number; message?: string }> }).results) {
        assert.ok(r.status < 500, `call ${i} to ${seed.url}: a call answered ${r.status} ${r.message}: ${body.toString().slice(0, 300)}`);
      }
    }
  }
  assert.ok((statuses.get(400) ?? 0) > 100, `most mutations are refused with 400: ${JSON.stringify([...statuses])}`);
  await s.teardown().catch(() => undefined);

  // Everything still works.
  assert.equal((await request('GET', `${cluster.masterUrl}/health`)).status, 200);
  assert.equal((await getJson<{ activated_slaves: number }>(`${cluster.masterUrl}/master/state`)).activated_slaves, 1);
  const after = await subscribedScheduler(t, cluster);
  const [o] = await after.offers();
  await after.launch(o, [commandTask(o, 'still-works', 'true')]);
  await after.status('still-works', 'TASK_FINISHED');
});
