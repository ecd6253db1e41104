// The DNS listeners: UDP and TCP (two-byte length framing, RFC 1035 4.2.2) on the same address and
// port. Whatever arrives is answered or dropped by the resolver; nothing a client sends stops them.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { Logger } from '../common/log';
import type { Resolver } from './resolver';

/** A TCP client that sends nothing for this long is disconnected; so are clients beyond the cap. */
const TCP_IDLE_MS = 10_000;
const TCP_MAX_CONNECTIONS = 1024;

export interface DnsListening { port: number; close(): Promise<void> }

export async function serveDns(resolver: Resolver, host: string, port: number, log: Logger): Promise<DnsListening> {
  const udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => { udp.off('error', reject); resolve(); });
  });
  const bound = udp.address().port;
  udp.on('error', (e) => log.warn(`DNS over UDP: ${e.message}`));
  udp.on('message', (msg, from) => {
    const send = (reply: Buffer | undefined) => { if (reply) udp.send(reply, from.port, from.address); };
    const reply = resolver.answer(msg, 'udp');
    // In-domain answers are made at once; only forwarding waits.
    if (reply instanceof Promise) reply.then(send, (e: Error) => log.warn(`DNS query failed: ${e.message}`));
    else send(reply);
  });

  const clients = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('error', () => undefined); // a client that resets is its own business
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const query = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + query.length);
        void Promise.resolve(resolver.answer(query, 'tcp')).then((reply) => {
          if (!reply) return void socket.destroy();
          const length = Buffer.alloc(2);
          length.writeUInt16BE(reply.length);
          if (!socket.destroyed) socket.write(Buffer.concat([length, reply]));
        }, () => socket.destroy());
      }
    });
  });
  tcp.maxConnections = TCP_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(bound, host, () => { tcp.off('error', reject); resolve(); });
  }).catch((e: unknown) => { udp.close(); throw e; });

  return {
    port: bound,
    close: () => new Promise<void>((resolve) => {
      udp.close();
      tcp.close(() => resolve());
      for (const c of clients) c.destroy();
    }),
  };
}
