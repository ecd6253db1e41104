// Two Marathon-compatible instances with --zk against a real ZooKeeper: one leads (and is the
// framework), the other proxies every API call to it; the state lives in ZooKeeper, so when the leader
// dies the other takes over the same framework and its running tasks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestCluster, waitUntil } from '../helpers/cluster';
import { MarathonDaemon } from '../helpers/marathon';
import { ZooKeeperServer } from '../helpers/zookeeper';

let zk: ZooKeeperServer;
let cluster: TestCluster;
const instances: MarathonDaemon[] = [];

before(async () => {
  zk = await ZooKeeperServer.start();
  cluster = await TestCluster.start({ agents: 1 });
  for (let i = 0; i < 2; i++) {
    instances.push(await MarathonDaemon.start(cluster.masterAddress, [`--zk=${zk.url('/marathon')}`, '--zk_session_timeout=2000']));
  }
});

after(async () => {
  for (const m of instances) await m.stop();
  await cluster?.stop();
  await zk?.stop();
});

async function leaderOf(m: MarathonDaemon): Promise<string | undefined> {
  const res = await m.api('GET', '/v2/leader');
  return res.status === 200 ? res.body.leader : undefined;
}

test('one instance leads, the other proxies; the leader\'s death hands the framework and its tasks over', async () => {
  const leader = await waitUntil('both instances to agree on one leader', async () => {
    const [a, b] = await Promise.all(instances.map(leaderOf));
    return a && a === b ? a : undefined;
  });
  const leading = instances.find((m) => leader.endsWith(`:${m.port}`))!;
  const following = instances.find((m) => m !== leading)!;
  assert.ok(leading && following);
  assert.equal((await leading.api('GET', '/v2/info')).body.elected, true);

  // Deploy through the follower: it proxies to the leader.
  const created = await following.api('POST', '/v2/apps', { id: 'ha', cmd: 'sleep 3600', cpus: 0.1, mem: 16, instances: 2 });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.headers['x-marathon-leader'], `http://${leader}`);
  await following.deploymentDone(created.headers['marathon-deployment-id'] as string);
  const tasks = (await following.running('/ha', 2)).map((t) => t.id).sort();
  assert.deepEqual((await leading.running('/ha', 2)).map((t) => t.id).sort(), tasks);
  const frameworkId = (await following.api('GET', '/v2/info')).body.frameworkId;
  assert.ok(frameworkId);
  assert.equal((await cluster.state()).frameworks.filter((f) => f.name === 'marathon').length, 1, 'only the leader is a framework');

  await leading.stop('SIGKILL');
  await waitUntil('the follower to lead', async () => (await leaderOf(following)) === `127.0.0.1:${following.port}`, 30_000);
  const info = (await following.api('GET', '/v2/info')).body;
  assert.equal(info.elected, true);
  assert.equal(info.frameworkId, frameworkId, 'the same framework fails over');
  assert.deepEqual((await following.running('/ha', 2)).map((t) => t.id).sort(), tasks, 'the tasks kept running');
  // And it acts: scaling works through the new leader.
  const scaled = await following.api('PUT', '/v2/apps/ha', { instances: 1 });
  assert.equal(scaled.status, 200);
  await following.deploymentDone(scaled.body.deploymentId);
  await following.running('/ha', 1);
});
