// `mesolite dns` daemons on free loopback ports, and Debian's real `dig` to ask them (scripts/provision.sh
// installs dnsutils).
import { spawnSync } from 'node:child_process';
import { getJson } from '../../runtime/common/http';
import { freePort, startDaemon, waitUntil, type Daemon } from './cluster';

export interface MesosDns { daemon: Daemon; port: number; httpPort: number; http: string }

/** Starts `mesolite dns` with `flags` on free ports and waits until its first records are served. */
export async function startMesosDns(flags: string[]): Promise<MesosDns> {
  const port = await freePort();
  const httpPort = await freePort();
  const daemon = startDaemon(['dns', `--port=${port}`, `--httpport=${httpPort}`, ...flags]);
  const dns = { daemon, port, httpPort, http: `http://127.0.0.1:${httpPort}` };
  await waitUntil('mesolite dns to answer', () => getJson(`${dns.http}/v1/version`), 20_000);
  return dns;
}

export interface Dig {
  status: string;
  flags: string[];
  /** Records of each section as dig prints them: [name, ttl, class, type, ...data]. */
  answer: string[][];
  authority: string[][];
  additional: string[][];
  output: string;
}

/** `dig @SERVER -p PORT name type [options]`, its answer parsed. */
export function dig(port: number, name: string, type = 'A', options: string[] = [], server = '127.0.0.1'): Dig {
  const r = spawnSync('dig', [`@${server}`, '-p', String(port), name, type, '+tries=1', '+time=3', ...options], { encoding: 'utf8', timeout: 15_000 });
  if (r.error) throw r.error;
  const output = r.stdout;
  const header = /status: (\w+)/.exec(output);
  if (!header) throw new Error(`dig got no answer: ${output}${r.stderr}`);
  const section = (title: string) => {
    const at = output.indexOf(`;; ${title} SECTION:\n`);
    if (at < 0) return [];
    const body = output.slice(at).split('\n').slice(1);
    return body.slice(0, body.findIndex((l) => l.trim() === '')).map((l) => l.split(/\s+/));
  };
  return {
    status: header[1],
    flags: (/;; flags: ([^;]*);/.exec(output)?.[1] ?? '').trim().split(/\s+/),
    answer: section('ANSWER'), authority: section('AUTHORITY'), additional: section('ADDITIONAL'), output,
  };
}

/** The data of a section's records of `type` (A: the IP; SRV: "priority weight port target"), sorted. */
export const dataOf = (records: string[][], type: string): string[] => records.filter((r) => r[3] === type).map((r) => r.slice(4).join(' ')).sort();
