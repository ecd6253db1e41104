// High availability with a real ZooKeeper server: three masters (--zk, --quorum=2) elect a leader the
// way Mesos does, non-leaders redirect, agents and a framework follow the leader through a kill -9,
// running tasks keep running, the old leader returns as a follower, and no leader acts while
// ZooKeeper is down.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { getJson, request } from '../../runtime/common/http';
import { ZkSession } from '../../runtime/zk/session';
import { commandTask, freePort, startDaemon, stopDaemon, subscribedScheduler, waitUntil, type Daemon, type SchedulerEnd } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

interface Node { port: number; args: string[]; daemon?: Daemon }
let zk: ZooKeeperServer;
let workDir: string;
const masters: Node[] = [];
const agents: Node[] = [];

const start = (n: Node) => { n.daemon = startDaemon(n.args); };
const url = (n: Node) => `http://127.0.0.1:${n.port}`;
const state = (n: Node) => getJson<{ id: string; pid: string; leader: string; leader_info?: { port: number }; activated_slaves: number; frameworks: Array<{ id: string; active: boolean; tasks: Array<{ id: string; state: string }> }> }>(`${url(n)}/master/state`);

/** The master whose own pid is the leader's, as every master reports it. */
async function leader(): Promise<Node> {
  return waitUntil('a leading master', async () => {
    for (const m of masters) {
      if (m.daemon?.process.exitCode !== null || m.daemon.process.signalCode !== null) continue;
      const s = await state(m).catch(() => undefined);
      if (s && s.leader && s.leader === s.pid) return m;
    }
    return undefined;
  }, 30_000);
}

before(async () => {
  zk = await ZooKeeperServer.start();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-ha-'));
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    masters.push({ port, args: ['master', '--ip=127.0.0.1', `--port=${port}`, `--zk=${zk.url()}`, '--quorum=2', '--zk_session_timeout=2secs', '--allocation_interval=100ms'] });
  }
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    agents.push({ port, args: ['agent', `--master=${zk.url()}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${path.join(workDir, `agent-${i}`)}`, `--resources=cpus:2;mem:1024;ports:[${33000 + i * 100}-${33099 + i * 100}]`] });
  }
  masters.forEach(start);
  agents.forEach(start);
});

after(async () => {
  for (const n of [...agents, ...masters]) await stopDaemon(n.daemon);
  const { stopProcessCluster } = await import('../../runtime/cluster/process');
  await stopProcessCluster({ pids: {}, workDir });
  fs.rmSync(workDir, { recursive: true, force: true });
  await zk?.stop();
});

// The frameworks of these tests outlive leaders: their TEARDOWN may reach no master (the leader just
// killed, the next not yet followed), and is then given up; what a framework leaves behind is not what a
// later test looks at (its own framework, the masters, the agents).
const MAY_FAIL: SchedulerEnd = 'teardown-may-fail';

test('the masters elect one leader through json.info_ znodes holding MasterInfo, and the others redirect to it', async () => {
  const lead = await leader();
  const leaderPid = `master@127.0.0.1:${lead.port}`;
  await waitUntil('every master to know the leader', async () => (await Promise.all(masters.map(state))).every((st) => st.leader === leaderPid));

  const session = new ZkSession(`127.0.0.1:${zk.port}`, 4000);
  try {
    const children = (await session.children('/mesos')).filter((c) => c.startsWith('json.info_')).sort();
    assert.equal(children.length, 3);
    assert.match(children[0], /^json\.info_\d{10}$/);
    const info = JSON.parse((await session.data(`/mesos/${children[0]}`)).data.toString());
    assert.equal(info.pid, leaderPid, 'the lowest sequence leads');
    for (const key of ['id', 'ip', 'port', 'pid', 'hostname', 'version', 'address', 'capabilities']) assert.ok(key in info, key);
    assert.deepEqual(info.address, { hostname: '127.0.0.1', ip: '127.0.0.1', port: lead.port });
  } finally {
    session.close();
  }

  const follower = masters.find((m) => m !== lead)!;
  const redirected = await request('POST', `${url(follower)}/api/v1/scheduler`, { type: 'SUBSCRIBE' });
  assert.equal(redirected.status, 307);
  assert.equal(redirected.headers.location, `//127.0.0.1:${lead.port}/api/v1/scheduler`);
  const r2 = await request('GET', `${url(follower)}/master/redirect`);
  assert.equal(r2.status, 307);
  assert.equal(r2.headers.location, `//127.0.0.1:${lead.port}`);
  await waitUntil('both agents registered with the leader', async () => (await state(lead)).activated_slaves === 2);
});

test('kill -9 of the leader: another master leads, agents and the framework follow, the task keeps running; the old leader returns as a follower', async (t) => {
  const s = await subscribedScheduler(t, zk.url(), { name: 'ha-framework', failover_timeout: 300 }, MAY_FAIL);
  // The test scheduler does not reconnect by itself; this one must follow the leader.
  (s as unknown as { options: { reconnect: boolean } }).options.reconnect = true;
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'survives', 'sleep 1000')]);
  await s.status('survives', 'TASK_RUNNING');
  const old = await leader();
  const frameworkId = s.frameworkId!;

  old.daemon!.process.kill('SIGKILL');
  await stopDaemon(old.daemon, 'SIGKILL');
  const started = Date.now();
  const next = await leader();
  assert.notEqual(next, old);
  await waitUntil('agents re-registered with the new leader', async () => (await state(next)).activated_slaves === 2, 30_000);
  await waitUntil('the framework re-subscribed', async () => (await state(next)).frameworks.some((f) => f.id === frameworkId && f.active), 30_000);
  const elapsed = Date.now() - started;
  const fw = (await state(next)).frameworks.find((f) => f.id === frameworkId)!;
  assert.deepEqual(fw.tasks.map((t) => [t.id, t.state]), [['survives', 'TASK_RUNNING']], `after ${elapsed} ms`);

  // The framework can work with the new leader: reconcile says RUNNING, a new task runs.
  const mark = s.events.length;
  await s.reconcile();
  const reconciled = await s.next('UPDATE', (e) => e.update.status.task_id.value === 'survives', 10_000, mark);
  assert.equal(reconciled.update.status.state, 'TASK_RUNNING');
  const resubscribed = s.events.map((e) => e.type).lastIndexOf('SUBSCRIBED');
  const offers = await s.offers(resubscribed, 20_000);
  await s.launch(offers[0], [commandTask(offers[0], 'after-failover', 'echo ok')]);
  await s.status('after-failover', 'TASK_FINISHED', 20_000);

  // The old leader comes back and follows.
  start(old);
  await waitUntil('the old master to answer', async () => (await state(old)).leader === `master@127.0.0.1:${next.port}`, 30_000);
  assert.equal(await leader(), next);
});

test('status updates in flight when the leader dies are delivered by the new leader: none lost, none duplicated as new', async (t) => {
  const s = await subscribedScheduler(t, zk.url(), { name: 'in-flight', failover_timeout: 300 }, MAY_FAIL);
  (s as unknown as { options: { reconnect: boolean } }).options.reconnect = true;
  s.autoAcknowledge = false;
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'in-flight', 'echo done')]);
  const starting = await s.status('in-flight', 'TASK_STARTING');
  await new Promise((r) => setTimeout(r, 300)); // the task finishes; RUNNING and FINISHED wait at the agent
  const old = await leader();
  await stopDaemon(old.daemon, 'SIGKILL');
  const resubscribed = await s.next('SUBSCRIBED', () => true, 30_000, s.events.findIndex((e) => e.type === 'UPDATE') + 1);
  const from = s.events.indexOf(resubscribed);
  // The agent resends the unacknowledged head to the new leader: the same update, same uuid.
  const again = await s.next('UPDATE', (e) => e.update.status.task_id.value === 'in-flight', 30_000, from);
  assert.equal(again.update.status.uuid, starting.uuid);
  s.autoAcknowledge = true;
  await s.acknowledge(again.update.status);
  await s.status('in-flight', 'TASK_FINISHED', 30_000);
  const updates = s.events.filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'in-flight' && e.update.status.uuid)
    .map((e) => (e as { update: { status: { state: string; uuid?: string } } }).update.status);
  const byState = new Map<string, Set<string>>();
  for (const u of updates) byState.set(u.state, (byState.get(u.state) ?? new Set()).add(u.uuid!));
  assert.deepEqual([...byState.keys()], ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  for (const [state, uuids] of byState) assert.equal(uuids.size, 1, `${state} was one update (resent, not duplicated)`);
  start(old);
  await waitUntil('the old master to follow', async () => (await state(old)).leader !== '', 30_000);
});

test('a framework that does not come back to the new leader within failover_timeout is removed with its tasks', async (t) => {
  const s = await subscribedScheduler(t, zk.url(), { name: 'gone-for-good', failover_timeout: 2 }, 'close'); // closed below, never to come back
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'orphaned-by-failover', 'sleep 1000')]);
  await s.status('orphaned-by-failover', 'TASK_RUNNING');
  const frameworkId = s.frameworkId!;
  const old = await leader();
  s.close();
  await stopDaemon(old.daemon, 'SIGKILL');
  const next = await leader();
  // The new leader knows the framework (registry, agents' reports), then drops it after 2 s.
  await waitUntil('the framework removed by the new leader', async () => {
    const st = await getJson<{ completed_frameworks: Array<{ id: string }> }>(`${url(next)}/master/state`);
    return st.completed_frameworks.some((f) => f.id === frameworkId);
  }, 30_000);
  await waitUntil('its task killed on the agents', async () => {
    for (const a of agents) {
      const st = await getJson<{ frameworks: Array<{ id: string }> }>(`${url(a)}/state`);
      if (st.frameworks.some((f) => f.id === frameworkId)) return undefined;
    }
    return true;
  }, 30_000);
  start(old);
  await waitUntil('the old master to follow', async () => (await state(old)).leader !== '', 30_000);
});

test('an agent restarted under HA finds the leader through ZooKeeper and keeps its running task', async (t) => {
  const s = await subscribedScheduler(t, zk.url(), { name: 'agent-restart', failover_timeout: 300 }, MAY_FAIL);
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'outlives-agent', 'sleep 1000')]);
  await s.status('outlives-agent', 'TASK_RUNNING');
  const agent = agents.find((a) => a.port === offer.url?.address.port)!;
  await stopDaemon(agent.daemon, 'SIGKILL');
  start(agent);
  const lead = await leader();
  await waitUntil('the agent re-registered', async () => (await state(lead)).activated_slaves === 2, 30_000);
  await s.reconcile();
  const status = await s.next('UPDATE', (e) => e.update.status.task_id.value === 'outlives-agent' && e.update.status.reason === 'REASON_RECONCILIATION', 10_000);
  assert.equal(status.update.status.state, 'TASK_RUNNING');
  const agentState = await getJson<{ id: string }>(`${url(agent)}/state`);
  assert.equal(agentState.id, offer.agent_id.value, 'same agent id after the restart');
});

test('while ZooKeeper is down no master leads; when it is back, a leader is elected and the agents re-register', async () => {
  const lead = await leader();
  await zk.halt();
  await waitUntil('no master acting as leader', async () => {
    for (const m of masters) {
      const s = await state(m).catch(() => undefined);
      if (s && s.leader === s.pid) return undefined;
    }
    return true;
  }, 20_000);
  const follower = masters.find((m) => m !== lead && m.daemon?.process.exitCode === null && m.daemon.process.signalCode === null)!;
  const noLeader = await request('POST', `${url(follower)}/api/v1/scheduler`, { type: 'SUBSCRIBE' });
  assert.ok(noLeader.status === 503 || noLeader.status === 307, `no leader: ${noLeader.status}`);

  await zk.resume();
  const next = await leader();
  // Generous: ZooKeeper expires the old sessions' znodes only after its restart plus the session timeout.
  await waitUntil('agents re-registered', async () => (await state(await leader())).activated_slaves === 2, 60_000)
    .catch(async (e: Error) => {
      const views = await Promise.all(masters.map((m) => state(m).then((st) => `${m.port}: leader ${st.leader} agents ${st.activated_slaves}`, () => `${m.port}: down`)));
      throw new Error(`${e.message}; masters: ${views.join('; ')}; first leader was ${next.port}`);
    });
});
