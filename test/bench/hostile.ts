// The hostile-input probes of issue 22 as figures: each probe's outcome and the daemon's RSS before,
// during and after (the target: back within 10 % of the start once the clients leave). Real
// processes on loopback: a master, an agent, the app framework. SETTLE_MS (default 1000): how long after
// probe 5a's flood its RSS is read (an idle daemon's garbage goes only at V8's next full collection).
// Probes 2 and 6 (a task's sandbox swapped for a symlink, a FIFO) are tests:
// test/integration/files-hostile.test.ts. Figures only, no assertions.
import * as net from 'node:net';
import { request } from '../../runtime/common/http';
import { TestCluster } from '../helpers/cluster';
import { deepArray, rawExchange, rawPost, rssMiB } from '../helpers/hostile';
import { api, MarathonDaemon } from '../helpers/marathon';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = { 'Content-Type': 'application/json' };

function line(probe: string, outcome: string, pid: number, before: number, during: number): void {
  const after = rssMiB(pid);
  const back = after <= before * 1.1 ? 'back within 10 %' : `${Math.round((after / before - 1) * 100)} % above the start`;
  console.log(`${probe}: ${outcome}; RSS ${before} -> ${during} -> ${after} MiB (${back})`);
}

/** Holds `count` connections that each sent headers and all but one byte of a `size` body; answers the status lines. */
async function unfinishedBodies(port: number, path: string, count: number, size: number, holdMs: number): Promise<string[]> {
  const partial = Buffer.alloc(size - 1, 0x20);
  return Promise.all(Array.from({ length: count }, () => new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
      socket.write(partial);
    });
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').split('\r\n')[0] || 'held'));
    setTimeout(() => socket.destroy(), holdMs);
  })));
}

const tally = (xs: string[]) => Object.entries(xs.reduce<Record<string, number>>((t, x) => ({ ...t, [x]: (t[x] ?? 0) + 1 }), {})).map(([k, n]) => `${n}× ${k}`).join(', ');

async function main(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 1 });
  const marathon = await MarathonDaemon.start(cluster.masterAddress);
  const master = cluster.master!.process.pid!;
  const app = marathon.daemon!.process.pid!;
  try {
    let before = rssMiB(master);
    const subscribe = (info: string) => Buffer.from(`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"p","failover_timeout":0,${info}}}}`);
    const deep = await rawPost(`${cluster.masterUrl}/api/v1/scheduler`, subscribe(`"x":${deepArray(10_000)}`), json);
    line('1. SUBSCRIBE with a 10,000-deep unknown field', `${deep.status} ${deep.body.slice(0, 80)}; GET_STATE ${(await cluster.operator({ type: 'GET_STATE' })).status}`, master, before, rssMiB(master));

    before = rssMiB(master);
    const during = { rss: 0 };
    setTimeout(() => { during.rss = rssMiB(master); }, 1500);
    const flood = await unfinishedBodies(cluster.masterPort, '/api/v1/scheduler', 40, 8 * 1024 * 1024, 2000);
    await sleep(Number(process.env.SETTLE_MS ?? 1000));
    line('5a. 40 unfinished 8 MiB bodies to the master', tally(flood), master, before, during.rss);

    before = rssMiB(master);
    const names: number[] = [];
    for (let i = 0; i < 20; i++) names.push((await rawPost(`${cluster.masterUrl}/api/v1/scheduler`, subscribe(`"name":"${'n'.repeat(7 * 1024 * 1024)}"`), json)).status);
    const largest: number[] = [];
    for (let i = 0; i < 20; i++) largest.push((await rawPost(`${cluster.masterUrl}/api/v1/scheduler`, subscribe(`"principal":"${'p'.repeat(60 * 1024)}"`), json)).status);
    const state = (await request('GET', `${cluster.masterUrl}/master/state`)).body.length;
    line('5b. 20 SUBSCRIBEs with 7 MiB names, then 20 with 60 KiB FrameworkInfos', `${tally(names.map(String))} / ${tally(largest.map(String))}; /master/state ${(state / 1024).toFixed(0)} KiB`, master, before, rssMiB(master));

    before = rssMiB(app);
    const body = (extra: string) => `{"id":"/probe","cmd":"sleep 100","cpus":0.01,"mem":8,"instances":0,${extra}}`;
    const statuses = [(await api(marathon.url, 'POST', '/v2/apps', body(`"x":${deepArray(10_000)}`))).status];
    statuses.push((await api(marathon.url, 'POST', '/v2/apps', body('"instances":1e400'))).status);
    statuses.push((await api(marathon.url, 'POST', '/v2/apps', body(`"labels":{"a":"${'a'.repeat(7 * 1024 * 1024)}"}`))).status);
    for (let i = 0; i < 3; i++) statuses.push((await api(marathon.url, 'PUT', '/v2/apps/probe?force=true', body(`"env":{"A":"${'a'.repeat(7 * 1024 * 1024)}"}`))).status);
    const apps = (await api(marathon.url, 'GET', '/v2/apps')).text.length;
    line('3, 4, 5c. app framework: 10,000-deep field, instances 1e400, a 7 MB app and 3 PUTs', `${statuses.join(' ')}; /v2/apps ${(apps / 1024).toFixed(0)} KiB; alive ${marathon.daemon!.process.exitCode === null}`, app, before, rssMiB(app));

    before = rssMiB(master);
    const slow = Array.from({ length: 2000 }, () => rawExchange(cluster.masterPort, 'GET /master/state HTTP/1.1\r\nHost: x\r\n', () => 'X-Slow: 1\r\n').then(() => 'closed', () => 'held 60 s'));
    await sleep(5000);
    const midway = rssMiB(master);
    const served = (await request('GET', `${cluster.masterUrl}/health`, undefined, {}, 5000).then((r) => r.status, (e: Error) => e.message));
    line('7. 2,000 slowloris connections', `${tally(await Promise.all(slow))}; /health meanwhile ${served}`, master, before, midway);

  } finally {
    await marathon.stop();
    await cluster.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
