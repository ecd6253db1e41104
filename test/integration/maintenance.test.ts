// Maintenance primitives (Mesos docs/maintenance.md) on a real master and agents on two "machines"
// (distinct --hostname): a schedule drains machine-1 (offers carry its unavailability, the framework
// using it gets an inverse offer and its answer shows in /maintenance/status); /machine/down shuts its
// agent down and keeps it out, across a master restart; /machine/up lets it register again, as a new agent.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { getJson, postJson, request } from '../../runtime/common/http';
import type { InverseOffer, Offer } from '../../runtime/common/protocol/v1';
import { clusterFixture, commandTask, onFileEnd, onFileStart, startDaemon, TestScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 2, agentFlags: (i) => [`--hostname=machine-${i + 1}`] });
let s: TestScheduler;
let agentId: string;
const machine1 = { hostname: 'machine-1', ip: '127.0.0.1' };
const start = (Date.now() + 3_600_000) * 1e6;
const schedule = { windows: [{ machine_ids: [machine1], unavailability: { start: { nanoseconds: start }, duration: { nanoseconds: 3_600 * 1e9 } } }] };

onFileStart(async () => {
  s = new TestScheduler(cluster.masterAddress, { name: 'maintenance', capabilities: [{ type: 'PARTITION_AWARE' }] });
  await s.subscribe();
  const offers = await waitUntil('offers from both machines', () => {
    const all = s.events.flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : []));
    return all.some((o) => o.hostname === 'machine-1') && all.some((o) => o.hostname === 'machine-2') ? all : undefined;
  });
  const offer = offers.find((o) => o.hostname === 'machine-1')!;
  agentId = offer.agent_id.value;
  await s.launch(offer, [commandTask(offer, 'on-machine-1', 'sleep 1000')], { refuse_seconds: 0 });
  await s.status('on-machine-1', 'TASK_RUNNING');
});
// Before the cluster stops. The framework's TEARDOWN may fail, ignored as it was: a test restarts the
// master and takes machine-1 down, and the cluster stopping next ends whatever is left of it.
onFileEnd(() => s?.teardown().catch(() => undefined));

const post = (path: string, body: unknown) => request('POST', `${cluster.masterUrl}${path}`, body);

test('bad schedules and machine lists are refused with a 400 naming the problem; nothing changes', async () => {
  const empty = await post('/maintenance/schedule', { windows: [{ machine_ids: [], unavailability: { start: { nanoseconds: 0 } } }] });
  assert.equal(empty.status, 400);
  assert.match(empty.body, /windows\[0\]\.machine_ids/);
  const twice = await post('/maintenance/schedule', { windows: [schedule.windows[0], { ...schedule.windows[0] }] });
  assert.equal(twice.status, 400);
  assert.match(twice.body, /appears more than once/);
  const badIp = await post('/maintenance/schedule', { windows: [{ machine_ids: [{ ip: 'not-an-ip' }], unavailability: { start: { nanoseconds: 0 } } }] });
  assert.equal(badIp.status, 400);
  assert.match(badIp.body, /windows\[0\]\.machine_ids\[0\]\.ip/);
  const notScheduled = await post('/machine/down', [machine1]);
  assert.equal(notScheduled.status, 400);
  assert.match(notScheduled.body, /not in DRAINING mode/);
  assert.equal((await post('/machine/up', [])).status, 400);
  assert.deepEqual(await getJson(`${cluster.masterUrl}/maintenance/schedule`), { windows: [] });
});

test('a schedule drains machine-1: its offers carry the unavailability, the framework using it gets an inverse offer and its answer is reported', async () => {
  const from = s.events.length;
  assert.equal((await post('/maintenance/schedule', schedule)).status, 200);
  const inverse = await s.next('INVERSE_OFFERS', () => true, 15_000, from);
  const [io] = inverse.inverse_offers.inverse_offers as InverseOffer[];
  assert.equal(io.agent_id?.value, agentId);
  assert.equal(io.unavailability.start.nanoseconds, start);

  await s.revive();
  const offer = await waitUntil('an offer from machine-1 with its unavailability', () =>
    s.events.slice(from).flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : [])).find((o: Offer) => o.hostname === 'machine-1'), 15_000);
  assert.deepEqual(offer.unavailability, schedule.windows[0].unavailability);
  const other = s.events.slice(from).flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : [])).find((o: Offer) => o.hostname === 'machine-2');
  assert.equal(other?.unavailability, undefined, 'machine-2 is not draining');

  await s.answerInverseOffers(false, [io.id.value], { refuse_seconds: 3600 });
  const status = await getJson<{ draining_machines: Array<{ id: unknown; statuses: Array<{ status: string; framework_id: { value: string } }> }> }>(`${cluster.masterUrl}/maintenance/status`);
  assert.deepEqual(status.draining_machines.map((m) => m.id), [machine1]);
  assert.deepEqual(status.draining_machines[0].statuses.map((x) => [x.status, x.framework_id.value]), [['DECLINE', s.frameworkId]]);

  const viaApi = JSON.parse((await cluster.operator({ type: 'GET_MAINTENANCE_SCHEDULE' })).body);
  assert.deepEqual(viaApi.get_maintenance_schedule.schedule, schedule);
  assert.equal((await post('/machine/up', [machine1])).status, 400, 'a DRAINING machine cannot be brought up');
});

test('machine-1 down: its agent is shut down and its task gone; it is kept out, across a master restart; up again, it registers as a new agent', async () => {
  const agent = cluster.agents[0].daemon!.process;
  const exited = once(agent, 'exit');
  const down = await postJson(`${cluster.masterUrl}/api/v1`, { type: 'START_MAINTENANCE', start_maintenance: { machines: [machine1] } });
  assert.equal(down.status, 200, down.body);
  const gone = await s.status('on-machine-1', 'TASK_GONE_BY_OPERATOR', 15_000);
  assert.equal(gone.reason, 'REASON_AGENT_REMOVED_BY_OPERATOR');
  await s.next('FAILURE', (e) => e.failure.agent_id?.value === agentId, 10_000);
  const [code] = await exited;
  assert.equal(code, 0, 'the agent exits once its executors are gone');
  assert.deepEqual((await cluster.state()).slaves.map((a) => a.hostname), ['machine-2']);

  await cluster.stopMaster('SIGKILL');
  await cluster.startMaster();
  await cluster.waitForAgents(1);
  const status = JSON.parse((await cluster.operator({ type: 'GET_MAINTENANCE_STATUS' })).body).get_maintenance_status.status;
  assert.deepEqual(status, { draining_machines: [], down_machines: [machine1] });

  // A DOWN machine's agent is refused, and exits.
  const refused = startDaemon(cluster.agents[0].args);
  const [refusedCode] = await once(refused.process, 'exit');
  assert.equal(refusedCode, 0);
  assert.equal((await cluster.state()).slaves.length, 1);

  assert.equal((await post('/machine/up', [machine1])).status, 200);
  assert.deepEqual(await getJson(`${cluster.masterUrl}/maintenance/schedule`), { windows: [] });
  await cluster.startAgent(0);
  await cluster.waitForAgents(2);
  const back = (await cluster.state()).slaves.find((a) => a.hostname === 'machine-1')!;
  assert.notEqual(back.id, agentId, 'an agent shut down by the master comes back with a new id');
});
