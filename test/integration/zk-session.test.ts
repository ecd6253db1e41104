// The ZooKeeper session against a real server reached through a proxy that can misbehave: a server that
// accepts a connection and never answers the handshake must not leave the session connecting forever
// (node-zookeeper-client has no timeout once TCP connects).
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, test } from 'node:test';
import { ZkSession } from '../../runtime/zk/session';
import { freePort, waitUntil } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

let zk: ZooKeeperServer;
before(async () => { zk = await ZooKeeperServer.start(); });
after(async () => { await zk?.stop(); });

/** Forwards to ZooKeeper, except the first `swallow` connections: accepted, then never answered. */
async function proxy(swallow: number): Promise<{ port: number; swallowed: () => number; close(): void }> {
  let swallowed = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    if (swallowed < swallow) {
      swallowed++;
      client.resume(); // read and drop the handshake
      return;
    }
    const upstream = net.connect(zk.port, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, swallowed: () => swallowed, close: () => { server.close(); sockets.forEach((s) => s.destroy()); } };
}

test('a server that accepts the connection but never answers the handshake: the session tries again and connects', async () => {
  const p = await proxy(1);
  const session = new ZkSession(`127.0.0.1:${p.port}`, 2000);
  try {
    await waitUntil('the session connected', async () => session.connected || undefined, 20_000);
    assert.equal(p.swallowed(), 1, 'the first connection was the silent one');
    await session.mkdirp('/zk-session-test');
    assert.deepEqual(await session.children('/zk-session-test'), []);
  } finally {
    session.close();
    p.close();
  }
});
