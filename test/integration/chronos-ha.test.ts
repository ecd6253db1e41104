// The job framework keeps its jobs, counters and dependency edge counts across a restart (state in
// --work_dir) and across a leader change (state in ZooKeeper, two instances, the leader killed): a
// fan-in child whose first parent succeeded before runs after its second parent succeeds after.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChronosDaemon } from '../helpers/chronos';
import { onTestEnd, TestCluster, waitUntil } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

const later = 'R1/2100-01-01T00:00:00Z/PT1H';
const small = { cpus: 0.1, mem: 16, disk: 1 };

/** Jobs p1, p2 → c, and p1 run once: the edge p1 → c has counted. */
async function halfFannedIn(c: ChronosDaemon): Promise<void> {
  for (const name of ['p1', 'p2']) assert.equal((await c.api('POST', '/v1/scheduler/iso8601', { name, command: 'true', schedule: later, ...small })).status, 204);
  assert.equal((await c.api('POST', '/v1/scheduler/dependency', { name: 'c', command: 'true', parents: ['p1', 'p2'], ...small })).status, 204);
  assert.equal((await c.api('PUT', '/v1/scheduler/job/p1')).status, 204);
  await c.jobUntil('p1', 'a success', (j) => j.successCount === 1);
}

/** After the change: counters kept, and p2's success completes the fan-in. */
async function completesFanIn(c: ChronosDaemon): Promise<void> {
  const p1 = await c.job('p1');
  assert.equal(p1.successCount, 1);
  assert.ok(p1.lastSuccess);
  assert.deepEqual((await c.job('c')).parents, ['p1', 'p2']);
  assert.equal((await c.api('PUT', '/v1/scheduler/job/p2')).status, 204);
  await c.jobUntil('c', 'a success', (j) => j.successCount === 1);
}

test('a restarted framework keeps jobs, counters, edge counts and its framework id', async (t) => {
  const cluster = await TestCluster.start({ agents: 1 }, t);
  const chronos = await ChronosDaemon.start(cluster.masterAddress);
  onTestEnd(t, () => chronos.stop());
  const frameworkId = await chronos.frameworkId(cluster);
  await halfFannedIn(chronos);
  await chronos.stop('SIGKILL');
  await chronos.restart();
  await completesFanIn(chronos);
  const state = await cluster.state();
  assert.deepEqual(state.frameworks.filter((f) => f.name === 'chronos').map((f) => f.id), [frameworkId], 'the same framework failed over');
});

test('with --zk, the follower proxies; the leader killed, the other leads with the same jobs, counters and edge counts', async (t) => {
  const zk = await ZooKeeperServer.start();
  onTestEnd(t, () => zk.stop());
  const cluster = await TestCluster.start({ agents: 1 }, t);
  const instances: ChronosDaemon[] = [];
  for (let i = 0; i < 2; i++) {
    const c = await ChronosDaemon.start(cluster.masterAddress, [`--zk=${zk.url('/chronos')}`, '--zk_timeout=2000']);
    onTestEnd(t, () => c.stop());
    instances.push(c);
  }
  const leaderOf = async (c: ChronosDaemon) => (await c.api('GET', '/leader')).body?.leader as string | undefined;
  const leader = await waitUntil('one leader both agree on', async () => {
    const [a, b] = await Promise.all(instances.map(leaderOf));
    return a && a === b ? a : undefined;
  });
  const leading = instances.find((c) => leader.endsWith(`:${c.port}`))!;
  const following = instances.find((c) => c !== leading)!;
  const frameworkId = await leading.frameworkId(cluster);
  await halfFannedIn(following);
  assert.equal((await leading.job('p1')).successCount, 1, 'the follower proxied to the leader');

  await leading.stop('SIGKILL');
  await waitUntil('the follower to lead', async () => (await leaderOf(following)) === `127.0.0.1:${following.port}`, 30_000);
  await completesFanIn(following);
  const state = await cluster.state();
  assert.deepEqual(state.frameworks.filter((f) => f.name === 'chronos').map((f) => f.id), [frameworkId], 'the same framework failed over');
});
