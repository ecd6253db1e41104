// Two app-framework instances with --zk through a ZooKeeper outage longer than their session: once
// ZooKeeper is back, one instance leads again and stays leading, both answer, the election holds one
// candidacy per instance, and the framework is active on the master again (issue 23: the instances
// flapped, then answered 503 "Could not determine the current leader" for good).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ZkSession } from '../../runtime/zk/session';
import { TestCluster, waitUntil } from '../helpers/cluster';
import { MarathonDaemon } from '../helpers/marathon';
import { ZooKeeperServer } from '../helpers/zookeeper';

let zk: ZooKeeperServer;
let cluster: TestCluster;
const instances: MarathonDaemon[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

async function leaders(): Promise<Array<string | undefined>> {
  return Promise.all(instances.map(async (m) => {
    const res = await m.api('GET', '/v2/leader');
    return res.status === 200 ? res.body.leader : undefined;
  }));
}

async function candidates(): Promise<string[]> {
  const session = new ZkSession(`127.0.0.1:${zk.port}`, 4000);
  try {
    await waitUntil('a ZooKeeper session', async () => session.connected || undefined);
    return await session.children('/marathon/leader');
  } finally {
    session.close();
  }
}

const agreed = async () => {
  const [a, b] = await leaders();
  return a && a === b ? a : undefined;
};

test('after a ZooKeeper outage past the session timeout, one instance leads for good and the framework is active again', async () => {
  const first = await waitUntil('both instances to agree on one leader', agreed);
  const created = await instances[0].api('POST', '/v2/apps', { id: 'zk-outage', cmd: 'sleep 3600', cpus: 0.1, mem: 16, instances: 1 });
  assert.equal(created.status, 201, created.text);
  await instances[0].running('/zk-outage', 1);

  await zk.halt();
  await sleep(10_000);
  await zk.resume();

  const leader = await waitUntil('both instances to agree on one leader again', agreed, 60_000);
  // Stable: the same leader on both for the next 20 checks, never a 503.
  for (let i = 0; i < 20; i++) {
    assert.deepEqual(await leaders(), [leader, leader], `check ${i}: still ${leader} (first leader ${first})`);
    await sleep(250);
  }
  assert.equal((await candidates()).length, 2, 'one candidacy per instance');
  await waitUntil('the framework to be active on the master', async () => (await cluster.state()).frameworks.some((f) => f.name === 'marathon' && f.active));
  const scaled = await instances[1].api('PUT', '/v2/apps/zk-outage', { instances: 2 });
  assert.equal(scaled.status, 200, scaled.text);
  await instances[1].running('/zk-outage', 2);
  for (const m of instances) assert.equal(m.daemon!.process.exitCode, null, `instance on ${m.port} still runs:\n${m.logs().slice(-2000)}`);
});
