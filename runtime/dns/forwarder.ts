// Forwards a query outside the Mesos domain to the configured resolvers, in order, over the transport
// the client used (as Mesos-DNS's exchanger does), each within `timeout` seconds; the first answer wins.
import * as dgram from 'node:dgram';
import * as net from 'node:net';

export type Transport = 'udp' | 'tcp';

function split(resolver: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(resolver) ?? /^([^:]+):(\d+)$/.exec(resolver);
  return m ? { host: m[1], port: Number(m[2]) } : { host: resolver.replace(/^\[|\]$/g, ''), port: 53 };
}

type Done = (error?: Error, reply?: Buffer) => void;

/** One exchange with a resolver: `start` sends the query and calls done once; its socket is closed after, and on timeout. */
function exchange(host: string, port: number, timeoutMs: number, start: (done: Done) => { close(): void }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const done: Done = (error, reply) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error); else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error(`no answer from ${host}:${port}`)), timeoutMs);
    const socket = start(done);
  });
}

function overUdp(query: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return exchange(host, port, timeoutMs, (done) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    socket.on('error', (e) => done(e));
    // Only the answer to this query (same id) from the resolver asked.
    socket.on('message', (msg, from) => { if (msg.length >= 2 && msg.readUInt16BE(0) === query.readUInt16BE(0) && from.port === port) done(undefined, msg); });
    socket.send(query, port, host);
    return socket;
  });
}

function overTcp(query: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return exchange(host, port, timeoutMs, (done) => {
    const socket = net.connect({ host, port });
    let received: Buffer = Buffer.alloc(0);
    socket.on('error', (e) => done(e));
    socket.on('close', () => done(new Error(`${host}:${port} closed the connection`)));
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) done(undefined, received.subarray(2, 2 + received.readUInt16BE(0)));
    });
    return { close: () => socket.destroy() };
  });
}

export function forwarder(timeoutSeconds: number) {
  return async (query: Buffer, resolvers: string[], transport: Transport): Promise<Buffer> => {
    let last: unknown;
    for (const resolver of resolvers) {
      const { host, port } = split(resolver);
      try {
        return await (transport === 'tcp' ? overTcp : overUdp)(query, host, port, timeoutSeconds * 1000);
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new Error('no resolver answered');
  };
}
