// Wire conformance of Mesos' v1 APIs, as a strict third-party client sees them: a framework, its own
// executor (played by this test) and an operator drive a real cluster in JSON and then in protobuf,
// and every answer and every event is decoded with the protobuf definitions strictly (v1-strict.ts:
// unknown fields, unknown enum values, wrong types and missing required fields are all refused).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Wire } from '../../runtime/common/media';
import type { Offer } from '../../runtime/common/protocol/v1';
import * as http from 'node:http';
import { openStream, postJson, request } from '../../runtime/common/http';
import { RecordIODecoder } from '../../runtime/common/recordio';
import { clusterFixture, commandTask, waitUntil } from '../helpers/cluster';
import { strictJsonProblems, strictProtobuf } from '../helpers/v1-strict';
import { WireClient } from '../helpers/v1-wire';

type Json = Record<string, unknown>;

const cluster = clusterFixture({ agents: 1, masterFlags: ['--heartbeat_interval=2secs'] });

const MASTER_CALLS = [
  'GET_HEALTH', 'GET_FLAGS', 'GET_VERSION', 'GET_METRICS', 'GET_LOGGING_LEVEL', 'GET_STATE', 'GET_AGENTS', 'GET_FRAMEWORKS',
  'GET_EXECUTORS', 'GET_TASKS', 'GET_MASTER', 'GET_MAINTENANCE_STATUS', 'GET_MAINTENANCE_SCHEDULE', 'GET_WEIGHTS', 'GET_QUOTA',
];
const AGENT_CALLS = ['GET_HEALTH', 'GET_FLAGS', 'GET_VERSION', 'GET_METRICS', 'GET_STATE', 'GET_AGENT', 'GET_FRAMEWORKS', 'GET_EXECUTORS', 'GET_TASKS'];

const status = (event: Json) => (event.update as { status: Json }).status as { task_id: { value: string }; state: string; uuid?: string; agent_id: { value: string } };
const isUpdate = (taskId: string, state: string) => (e: Json) => status(e).task_id.value === taskId && status(e).state === state;

for (const wire of ['json', 'protobuf'] as Wire[]) {
  test(`${wire}: every answer and event of the scheduler, executor and operator APIs decodes strictly`, async () => {
    const client = new WireClient(wire);
    const api = `${cluster.masterUrl}/api/v1`;
    const agentApi = `${cluster.agents[0].url}/api/v1`;

    const operator = await client.stream(api, 'mesos.v1.master.Call', { type: 'SUBSCRIBE' }, 'mesos.v1.master.Event');
    await operator.next('SUBSCRIBED');
    assert.equal((await client.call(api, 'mesos.v1.master.Call', { type: 'GET_HEALTH' }, 'mesos.v1.master.Response')).status, 200);
    assert.notEqual(operator.events[1]?.type, 'HEARTBEAT', 'HEARTBEATs start one interval after SUBSCRIBED');

    // The framework acknowledges every update that asks for it, as it arrives.
    let frameworkId: unknown;
    let streamId: Record<string, string> = {};
    const schedule = async (call: Json, expected = 202) => {
      const answer = await client.call(`${api}/scheduler`, 'mesos.v1.scheduler.Call', { framework_id: frameworkId, ...call }, undefined, streamId);
      assert.equal(answer.status, expected, `${String(call.type)}: ${answer.text}`);
    };
    const acks: Array<Promise<void>> = [];
    const frameworkInfo = { user: 'root', name: `conformance-${wire}`, capabilities: [{ type: 'TASK_KILLING_STATE' }, { type: 'PARTITION_AWARE' }] };
    const framework = await client.stream(`${api}/scheduler`, 'mesos.v1.scheduler.Call', {
      type: 'SUBSCRIBE',
      subscribe: { framework_info: frameworkInfo },
    }, 'mesos.v1.scheduler.Event', {}, (e) => {
      if (e.type === 'UPDATE' && status(e).uuid) acks.push(schedule({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status(e).agent_id, task_id: status(e).task_id, uuid: status(e).uuid } }));
    });
    const subscribed = await framework.next('SUBSCRIBED');
    frameworkId = (subscribed.subscribed as { framework_id: { value: string } }).framework_id;
    streamId = { 'Mesos-Stream-Id': String(framework.headers['mesos-stream-id']) };

    // One command task, and one task of an executor whose process only sleeps: this test speaks for it.
    const offer = ((await framework.next('OFFERS')).offers as { offers: Offer[] }).offers[0];
    const executorId = { value: `exec-${wire}` };
    const command = commandTask(offer, `cmd-${wire}`, 'sleep 1000', 'cpus:0.1;mem:16');
    const custom = { ...commandTask(offer, `own-${wire}`, '', 'cpus:0.1;mem:16'), command: undefined, executor: { executor_id: executorId, command: { value: 'sleep 1000' }, resources: commandTask(offer, 'x', '', 'cpus:0.1;mem:16').resources } };
    await schedule({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [command, custom] } }], filters: { refuse_seconds: 1 } } });
    const running = await framework.next('UPDATE', isUpdate(command.task_id.value, 'TASK_RUNNING'));

    const executorCall = { framework_id: frameworkId, executor_id: executorId };
    const executor = await client.stream(`${cluster.agents[0].url}/api/v1/executor`, 'mesos.v1.executor.Call', { ...executorCall, type: 'SUBSCRIBE', subscribe: {} }, 'mesos.v1.executor.Event');
    await executor.next('SUBSCRIBED');
    await executor.next('LAUNCH');
    const update = async (state: string) => {
      const uuid = randomBytes(16).toString('base64');
      const answer = await client.call(`${cluster.agents[0].url}/api/v1/executor`, 'mesos.v1.executor.Call', {
        ...executorCall, type: 'UPDATE', update: { status: { task_id: custom.task_id, state, source: 'SOURCE_EXECUTOR', uuid, timestamp: Date.now() / 1000 } },
      });
      assert.equal(answer.status, 202, answer.text);
      await framework.next('UPDATE', isUpdate(custom.task_id.value, state));
      await executor.next('ACKNOWLEDGED', (e) => (e.acknowledged as { uuid: string }).uuid === uuid);
    };
    await update('TASK_RUNNING');

    // MESSAGEs both ways.
    const data = Buffer.from(`hello ${wire}`).toString('base64');
    assert.equal((await client.call(`${cluster.agents[0].url}/api/v1/executor`, 'mesos.v1.executor.Call', { ...executorCall, type: 'MESSAGE', message: { data } })).status, 202);
    await framework.next('MESSAGE', (e) => (e.message as { data: string }).data === data);
    await schedule({ type: 'MESSAGE', message: { agent_id: offer.agent_id, executor_id: executorId, data } });
    await executor.next('MESSAGE');

    // RECONCILE, explicit and implicit.
    const before = framework.events.length;
    await schedule({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: command.task_id, agent_id: offer.agent_id }, { task_id: { value: 'unknown-task' } }] } });
    await framework.next('UPDATE', isUpdate('unknown-task', 'TASK_UNKNOWN'), before);
    await schedule({ type: 'RECONCILE', reconcile: {} });
    await framework.next('UPDATE', isUpdate(custom.task_id.value, 'TASK_RUNNING'), before);

    await schedule({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { ...frameworkInfo, id: frameworkId, webui_url: 'http://127.0.0.1:1/' } } }, 200);
    await operator.next('FRAMEWORK_UPDATED');

    // Every operator call of the master and of the agent, while the tasks run.
    for (const type of MASTER_CALLS) {
      const answer = await client.call(api, 'mesos.v1.master.Call', { type }, 'mesos.v1.master.Response');
      assert.equal(answer.status, 200, `${type}: ${answer.text}`);
      assert.equal(answer.message?.type, type);
    }
    const agents = (await client.call(api, 'mesos.v1.master.Call', { type: 'GET_AGENTS' }, 'mesos.v1.master.Response')).message as { get_agents: { agents: Array<{ capabilities: Array<{ type: string }> }> } };
    assert.ok(!agents.get_agents.agents[0].capabilities.some((c) => c.type === 'TASK_KILLING_STATE'), 'agents list AgentInfo capabilities only');
    for (const type of AGENT_CALLS) {
      const answer = await client.call(agentApi, 'mesos.v1.agent.Call', { type }, 'mesos.v1.agent.Response');
      assert.equal(answer.status, 200, `${type}: ${answer.text}`);
    }

    // A nested container session in the command task's container: its output, its input, its end.
    const parent = (status(running) as { container_status?: { container_id: Json } }).container_status!.container_id;
    const session = { parent, value: `session-${wire}` };
    const output = await client.stream(agentApi, 'mesos.v1.agent.Call', {
      type: 'LAUNCH_NESTED_CONTAINER_SESSION', launch_nested_container_session: { container_id: session, command: { value: 'cat' } },
    }, 'mesos.v1.agent.ProcessIO');
    const stdin = (data: string) => ({ type: 'PROCESS_IO', process_io: { type: 'DATA', data: { type: 'STDIN', data: Buffer.from(data).toString('base64') } } });
    const inputStatus = await client.input(agentApi, 'mesos.v1.agent.Call', [
      { type: 'CONTAINER_ID', container_id: session }, stdin(`echo ${wire}\n`), stdin(''),
    ].map((input) => ({ type: 'ATTACH_CONTAINER_INPUT', attach_container_input: input })));
    assert.equal(inputStatus, 200);
    const echoed = await output.next('DATA', (e) => Buffer.from((e.data as { data: string }).data, 'base64').toString() === `echo ${wire}\n`);
    assert.equal((echoed.data as { type: string }).type, 'STDOUT');
    const waited = await client.call(agentApi, 'mesos.v1.agent.Call', { type: 'WAIT_NESTED_CONTAINER', wait_nested_container: { container_id: session } }, 'mesos.v1.agent.Response');
    assert.deepEqual(waited.message, { type: 'WAIT_NESTED_CONTAINER', wait_nested_container: { exit_status: 0 } });
    output.close();

    // KILL: the command task goes KILLING then KILLED; the executor's task is killed by the executor (this test).
    await schedule({ type: 'KILL', kill: { task_id: command.task_id, agent_id: offer.agent_id } });
    await framework.next('UPDATE', isUpdate(command.task_id.value, 'TASK_KILLED'));
    await schedule({ type: 'KILL', kill: { task_id: custom.task_id } });
    await executor.next('KILL');
    await update('TASK_KILLED');
    await operator.next('TASK_UPDATED', (e) => (e.task_updated as { state: string }).state === 'TASK_KILLED');

    await schedule({ type: 'TEARDOWN' });
    await operator.next('FRAMEWORK_REMOVED');
    await executor.next('SHUTDOWN');
    await operator.next('HEARTBEAT');
    for (const s of [framework, executor, operator]) s.close();
    await Promise.all(acks);
    for (const type of ['TASK_ADDED', 'FRAMEWORK_ADDED', 'FRAMEWORK_UPDATED']) assert.ok(operator.events.some((e) => e.type === type), type);
    assert.deepEqual(client.problems, []);
  });
}

test('JSON as Mesos reads it: null fields, unknown fields, enum values Mesos does not know and numbers in strings are accepted', async () => {
  const events: Json[] = [];
  const stream = await openStream(`${cluster.masterUrl}/api/v1/scheduler`, {
    type: 'SUBSCRIBE', mesos_2_field: { x: 1 }, subscribe: {
      framework_info: { user: 'root', name: 'as-mesos-reads', capabilities: null, labels: null, failover_timeout: '60', checkpoint: 'true', future_field: [1] },
      suppressed_roles: null,
    },
  }, (e) => events.push(e));
  try {
    const subscribed = await waitUntil('SUBSCRIBED', () => events.find((e) => e.type === 'SUBSCRIBED'));
    const frameworkId = (subscribed.subscribed as { framework_id: Json }).framework_id;
    const headers = { 'Mesos-Stream-Id': String(stream.headers['mesos-stream-id']) };
    const call = (body: Json) => postJson(`${cluster.masterUrl}/api/v1/scheduler`, { framework_id: frameworkId, ...body }, headers);
    const reconcile = await call({ type: 'RECONCILE', reconcile: { tasks: null } });
    assert.equal(reconcile.status, 202, reconcile.body);
    const offer = await waitUntil('an offer', () => events.find((e) => e.type === 'OFFERS'));
    const offerId = (offer.offers as { offers: Array<{ id: Json }> }).offers[0].id;
    const decline = await call({ type: 'DECLINE', decline: { offer_ids: [offerId], filters: { refuse_seconds: '0.5' } } });
    assert.equal(decline.status, 202, decline.body);
    const update = await call({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { user: 'root', name: 'as-mesos-reads', id: frameworkId, checkpoint: true, failover_timeout: 60, capabilities: [{ type: 'A_FUTURE_CAPABILITY' }, { type: 'PARTITION_AWARE' }] } } });
    assert.equal(update.status, 200, update.body);
    const frameworks = await postJson(`${cluster.masterUrl}/api/v1`, { type: 'GET_FRAMEWORKS' });
    const info = (JSON.parse(frameworks.body) as { get_frameworks: { frameworks: Array<{ framework_info: Json }> } }).get_frameworks.frameworks
      .map((f) => f.framework_info).find((f) => (f.id as Json).value === frameworkId.value)!;
    assert.equal(info.failover_timeout, 60);
    assert.equal(info.checkpoint, true);
    assert.equal(info.future_field, undefined);
    assert.deepEqual(info.capabilities, [{ type: 'UNKNOWN' }, { type: 'PARTITION_AWARE' }]);
    assert.deepEqual(strictJsonProblems('mesos.v1.master.Response', JSON.parse(frameworks.body)), []);
    // An executor's SUBSCRIBE with nulls passes validation: what refuses it is that no such executor runs.
    const executor = await postJson(`${cluster.agents[0].url}/api/v1/executor`, {
      type: 'SUBSCRIBE', framework_id: frameworkId, executor_id: { value: 'nobody' }, subscribe: { unacknowledged_tasks: null, unacknowledged_updates: null },
    });
    assert.equal(executor.status, 400);
    assert.match(executor.body, /cannot be found/);
    assert.equal((await call({ type: 'TEARDOWN' })).status, 202);
  } finally {
    stream.close();
  }
});

test('media types as Mesos negotiates them: 415 and 406 only for types it refuses, 400 for bodies that are no message', async () => {
  const api = `${cluster.masterUrl}/api/v1`;
  const refused = await request('POST', api, '{"type":"GET_HEALTH"}', { 'Content-Type': 'text/plain' });
  assert.equal(refused.status, 415);
  assert.match(refused.body, /application\/json or application\/x-protobuf/);
  const unacceptable = await request('POST', api, '{"type":"GET_HEALTH"}', { 'Content-Type': 'application/json', Accept: 'text/html' });
  assert.equal(unacceptable.status, 406);
  const garbage = await request('POST', api, '\u0008\u00ff\u00ff', { 'Content-Type': 'application/x-protobuf' });
  assert.equal(garbage.status, 400);
  assert.match(garbage.body, /Failed to parse body into Call protobuf/);
  // Nesting a JSON body may not have is refused in protobuf too.
  let deep: Json = { value: 'c' };
  for (let i = 0; i < 80; i++) deep = { value: `c${i}`, parent: deep };
  const nested = await new WireClient('protobuf').call(`${cluster.agents[0].url}/api/v1`, 'mesos.v1.agent.Call', { type: 'WAIT_NESTED_CONTAINER', wait_nested_container: { container_id: deep } });
  assert.equal(nested.status, 400);
  assert.match(nested.text, /nests deeper than/);
  // A JSON call answered in protobuf: the stream's records are protobuf.
  const client = new WireClient('protobuf');
  const events: Json[] = [];
  const subscribe = await new Promise<{ type: string | undefined; first: Json | undefined }>((resolve, reject) => {
    const req = http.request(`${api}/scheduler`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/x-protobuf' } }, (res) => {
      const decoder = new RecordIODecoder();
      res.on('data', (chunk: Buffer) => {
        for (const record of decoder.decode(chunk)) {
          const read = strictProtobuf('mesos.v1.scheduler.Event', record);
          client.problems.push(...read.problems);
          events.push(read.message!);
        }
        if (events.length) { req.destroy(); resolve({ type: res.headers['content-type'], first: events[0] }); }
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root', name: 'mixed' } } }));
  });
  assert.equal(subscribe.type, 'application/x-protobuf');
  assert.equal(subscribe.first?.type, 'SUBSCRIBED');
  assert.deepEqual(client.problems, []);
  assert.equal((await request('POST', api, '{"type":"GET_HEALTH"}', { 'Content-Type': 'application/json' })).status, 200);
});
