// ZooKeeper watches are kept once per watcher, not once per look: a detector that looks at the
// masters' path again and again (at every reconnect) must not pile up watches until the path changes
// (every master logged MaxListenersExceededWarning after a few ZooKeeper reconnects, issue 23).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MasterDetector } from '../../runtime/zk/detector';
import { ZkSession } from '../../runtime/zk/session';
import { waitUntil } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

let zk: ZooKeeperServer;
before(async () => { zk = await ZooKeeperServer.start(); });
after(async () => { await zk?.stop(); });

test('a detector that looks again at every reconnect keeps one watch, and still sees the next leader', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  const session = new ZkSession(`127.0.0.1:${zk.port}`, 4000);
  const writer = new ZkSession(`127.0.0.1:${zk.port}`, 4000);
  const detector = new MasterDetector(session, '/watches');
  try {
    await waitUntil('both sessions', async () => (session.connected && writer.connected) || undefined);
    await writer.mkdirp('/watches');
    // What each reconnect does: the detector looks again, with its watch.
    for (let i = 0; i < 30; i++) session.emit('connected');
    await new Promise((r) => setTimeout(r, 500));
    await writer.createEphemeralSequential('/watches/json.info_', Buffer.from(JSON.stringify({ id: 'm1', ip: 0, port: 5050, hostname: 'm1' })));
    await waitUntil('the detector to see the leader', async () => detector.leader?.id === 'm1' || undefined);
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
  } finally {
    process.off('warning', onWarning);
    detector.stop();
    session.close();
    writer.close();
  }
});
