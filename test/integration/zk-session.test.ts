// The ZooKeeper session against a real server reached through a proxy that can misbehave: a server that
// accepts a connection and never answers the handshake must not leave the session connecting forever
// (node-zookeeper-client has no timeout once TCP connects), and a connection cut in the middle of a
// packet must not leave its half to be read before the next connection's bytes.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, test } from 'node:test';
import { ZkSession } from '../../runtime/zk/session';
import { freePort, waitUntil } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

let zk: ZooKeeperServer;
before(async () => { zk = await ZooKeeperServer.start(); });
after(async () => { await zk?.stop(); });

/**
 * Forwards to ZooKeeper, except the first `swallow` connections: accepted, then never answered, or, with
 * `cut`, answered up to the first bytes of the reply after the handshake and closed in that packet.
 */
async function proxy(swallow: number, cut?: number): Promise<{ port: number; swallowed: () => number; close(): void }> {
  let swallowed = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    const upstream = net.connect(zk.port, '127.0.0.1');
    if (swallowed < swallow) {
      swallowed++;
      if (cut === undefined) {
        upstream.destroy();
        client.resume(); // read and drop the handshake
        return;
      }
      // The handshake's reply goes through whole; the next reply is cut after `cut` bytes.
      client.pipe(upstream);
      upstream.once('data', (handshake: Buffer) => {
        client.write(handshake);
        upstream.once('data', (reply: Buffer) => { client.end(reply.subarray(0, cut)); upstream.destroy(); });
      });
      return;
    }
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

test('a connection cut in the middle of a packet: the next connection is read from its own first byte', async () => {
  // A reply cut after 6 bytes, then the connection ends: the client must not read the next connection's
  // bytes after them (node-zookeeper-client 1.1.3 did, and threw "Unknown code" from its socket handler).
  const p = await proxy(1, 6);
  const session = new ZkSession(`127.0.0.1:${p.port}`, 4000);
  try {
    await waitUntil('the session connected', async () => session.connected || undefined, 20_000);
    // The first request's reply is the one cut; the session reconnects and the request is made again.
    await waitUntil('a request answered after the cut', async () => session.mkdirp('/zk-session-cut').then(() => true, () => undefined), 20_000);
    assert.equal(p.swallowed(), 1, 'the first connection was the cut one');
    assert.deepEqual(await session.children('/zk-session-cut'), []);
  } finally {
    session.close();
    p.close();
  }
});
