// --quorum with a real ZooKeeper: like a Mesos master that needs a quorum of log replicas, no master
// leads until `quorum` masters contend in the group; a lone survivor of a 3-master cluster with
// --quorum=2 waits for a second master instead of leading alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getJson, request } from '../../runtime/common/http';
import { ZkSession } from '../../runtime/zk/session';
import { freePort, startDaemon, stopDaemon, waitUntil, type Daemon } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

interface Node { port: number; daemon?: Daemon }
let zk: ZooKeeperServer;
let session: ZkSession;
const masters: Node[] = [];

const start = (n: Node) => {
  n.daemon = startDaemon(['master', '--ip=127.0.0.1', `--port=${n.port}`, `--zk=${zk.url()}`, '--quorum=2', '--zk_session_timeout=2secs']);
};
const state = (n: Node) => getJson<{ pid: string; leader: string }>(`http://127.0.0.1:${n.port}/master/state`);
const contenders = async () => (await session.children('/mesos').catch(() => [])).filter((c) => c.startsWith('json.info_')).length;

/** Asserts for `ms` that no master acts as leader: leader-only endpoints answer 503 (a bounded window). */
async function noLeaderFor(nodes: Node[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const n of nodes) {
      const r = await request('POST', `http://127.0.0.1:${n.port}/api/v1/scheduler`, { type: 'SUBSCRIBE' });
      assert.equal(r.status, 503, `master ${n.port} must not act as leader`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  zk = await ZooKeeperServer.start();
  session = new ZkSession(`127.0.0.1:${zk.port}`, 4000);
  for (let i = 0; i < 3; i++) masters.push({ port: await freePort() });
});

after(async () => {
  for (const m of masters) await stopDaemon(m.daemon);
  session?.close();
  await zk?.stop();
});

test('with --quorum=2 one master alone does not lead; a second one makes a leader; a lone survivor waits again', async () => {
  start(masters[0]);
  await waitUntil('the first master contending', async () => (await contenders()) === 1, 30_000);
  await noLeaderFor([masters[0]], 2000);

  start(masters[1]);
  const lead = await waitUntil('a leader once two masters contend', async () => {
    for (const m of masters.slice(0, 2)) {
      const s = await state(m).catch(() => undefined);
      if (s && s.leader === s.pid && (await request('GET', `http://127.0.0.1:${m.port}/master/flags`)).status === 200) return m;
    }
    return undefined;
  }, 30_000);

  // The leader dies: the survivor alone is below quorum and must not take over.
  const survivor = masters[0] === lead ? masters[1] : masters[0];
  await stopDaemon(lead.daemon, 'SIGKILL');
  await waitUntil('the dead leader\'s znode expired', async () => (await contenders()) === 1, 30_000);
  await waitUntil('the survivor first in line', async () => { const s = await state(survivor); return s.leader === s.pid || undefined; }, 30_000);
  await noLeaderFor([survivor], 2000);

  // A third master restores the quorum: one of the two leads.
  start(masters[2]);
  await waitUntil('a leader again', async () => {
    for (const m of [survivor, masters[2]]) {
      if ((await request('GET', `http://127.0.0.1:${m.port}/master/flags`).catch(() => undefined))?.status === 200) return true;
    }
    return undefined;
  }, 30_000);
});
