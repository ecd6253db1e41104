// Fault injection on a cluster with a ZooKeeper ensemble of three: ZooKeeper frozen and thawed, an agent
// container restarted; every member's output reaches the log consumer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from '../../runtime/common/http';
import { MesoliteCluster, type StartedMesoliteCluster } from '../../runtime/cluster/docker';
import { zkServing } from '../../runtime/cluster/docker/cluster';
import { waitUntil } from '../helpers/cluster';

let cluster: StartedMesoliteCluster;
const lines: string[] = [];

const activeAgents = async () => {
  const leader = await cluster.leader();
  const res = await request('GET', `${leader.url}/master/state`, undefined, {}, 3000);
  return (JSON.parse(res.body) as { activated_slaves: number }).activated_slaves;
};

before(async () => {
  cluster = await new MesoliteCluster()
    .withName(`faults-${process.pid}`).withZooKeeperEnsemble(3).withMasters(2).withAgents(1)
    .withLogConsumer((member, line) => lines.push(`${member} ${line}`))
    .start();
});

after(async () => {
  await cluster?.down();
});

test('an ensemble of three serves the masters; every member\'s output reaches the log consumer', async () => {
  assert.match(cluster.info.zookeeper, /^zk:\/\/[\d.]+:2181,[\d.]+:2181,[\d.]+:2181\/mesos$/);
  // The cluster is ready when the master has the agent; the agent's own line may still be on its way from Docker.
  await waitUntil("the leader's line", () => lines.some((l) => /^master-\d .*Leading master/.test(l)) || undefined, 10_000);
  await waitUntil("the agent's registration line", () => lines.some((l) => /^agent-1 .*Registered with master/.test(l)) || undefined, 10_000);
});

test('ZooKeeper paused: it stops serving and no master leads (the session watchdog notices); resumed, a leader and the agent are back', async () => {
  const servers = cluster.info.members.filter((m) => m.role === 'zookeeper');
  await cluster.pauseZooKeeper();
  try {
    assert.deepEqual(await Promise.all(servers.map((m) => zkServing(m.ip))), [false, false, false]);
    // A frozen server answers nothing, not even a closed connection: the masters must notice by themselves.
    await waitUntil('no master leading while ZooKeeper is frozen', async () => ((await cluster.leader().catch(() => undefined)) === undefined) || undefined, 30_000);
  } finally {
    await cluster.resumeZooKeeper();
  }
  await waitUntil('ZooKeeper serving again', async () => (await Promise.all(servers.map((m) => zkServing(m.ip)))).every(Boolean), 30_000);
  await waitUntil('a leader with the agent', async () => (await activeAgents().catch(() => 0)) === 1, 60_000);
});

test('an agent container restarted registers again', async () => {
  const agent = cluster.member('agent-1').url!;
  const startTime = async () => (JSON.parse((await request('GET', `${agent}/state`, undefined, {}, 2000)).body) as { start_time: number }).start_time;
  const before = await startTime();
  await cluster.restart('agent-1');
  await waitUntil('the restarted agent registered', async () => (await startTime()) > before && (await activeAgents()) === 1, 60_000);
  const logs = await cluster.logs('agent-1');
  let text = '';
  for await (const chunk of logs) text += chunk.toString();
  assert.equal(text.split('Agent listening').length - 1, 2, 'the log covers both runs');
});
