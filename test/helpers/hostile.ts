// What an attacker on 127.0.0.1 sends, for the hostile-input tests: mutated and hostile bodies, raw
// requests that bypass our own client's good manners, and the daemons' resident memory.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';

/** Mutations of valid calls: fields dropped, retyped, replaced by junk; truncated and garbage bodies. */
export function mutate(random: () => number, value: unknown, depth = 0): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const junk = () => pick<unknown>([null, 42, -1, 1e308, '', 'x'.repeat(100), [], {}, true, { value: 7 }, [{ value: '' }], '../../etc']);
  if (value && typeof value === 'object' && depth < 6) {
    if (Array.isArray(value)) return random() < 0.2 ? junk() : value.map((v) => mutate(random, v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.1) continue;
      out[k] = r < 0.25 ? junk() : mutate(random, v, depth + 1);
    }
    if (random() < 0.1) out[`extra_${Math.floor(random() * 100)}`] = junk();
    return out;
  }
  return random() < 0.3 ? junk() : value;
}

export const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/**
 * A hostile body made from a valid call: a field replaced by (or added as) something no API should
 * keep — deep nesting, numbers out of range, long strings, invalid UTF-8, duplicate keys — or the
 * call mutated, truncated or replaced by garbage.
 */
export function hostileBody(random: () => number, call: unknown): Buffer {
  const text = JSON.stringify(call);
  const fields = [...text.matchAll(/"([a-z_]+)":/g)].map((m) => m[1]);
  const field = fields[Math.floor(random() * fields.length)] ?? 'x';
  const at = (replacement: string) => Buffer.from(text.replace(new RegExp(`"${field}":`), `"${field}":${replacement},"${field}_":`));
  const r = random();
  if (r < 0.12) return at(deepArray(65 + Math.floor(random() * 10_000)));
  if (r < 0.24) return at(`{"a":${'{"a":'.repeat(80)}1${'}'.repeat(81)}`);
  if (r < 0.36) return at(random() < 0.5 ? '1e400' : '-1e999');
  if (r < 0.44) return at(JSON.stringify('x'.repeat(5 * 1024 * 1024)));
  if (r < 0.52) return Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0x2c, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x3a, 0x31, 0x7d])]);
  if (r < 0.6) return Buffer.from(text.replace(/^\{/, `{"${field}":${deepArray(3)},`));
  if (r < 0.7) return Buffer.from(text.slice(0, Math.floor(random() * text.length)));
  if (r < 0.75) return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
  return Buffer.from(JSON.stringify(mutate(random, call)));
}

/** POSTs raw bytes; answers the status (and, with readBody, the body of a 200 too). */
export function rawPost(url: string, body: Buffer, headers: Record<string, string>, readBody = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Length': body.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      // Streams (a valid SUBSCRIBE) stay open: their 200 is enough.
      if (res.statusCode === 200 && !readBody) { resolve({ status: 200, body: '' }); res.destroy(); }
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes raw bytes on a new connection; resolves with what came back once the server closes it. */
export function rawExchange(port: number, bytes: string | Buffer, keepWriting?: () => string | Buffer | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    const trickle = keepWriting && setInterval(() => {
      const more = keepWriting();
      if (more !== undefined && socket.writable) socket.write(more);
    }, 200);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // a reset is one way of being closed
    // A deadline, not an idle timeout: the trickle keeps the connection busy.
    const deadline = setTimeout(() => { socket.destroy(); reject(new Error(`port ${port} kept a hostile connection open for 60 s`)); }, 60_000);
    socket.on('close', () => { clearInterval(trickle); clearTimeout(deadline); resolve(Buffer.concat(chunks).toString('latin1')); });
  });
}

/** Resident memory of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}
