// `mesolite dns` benchmark. (1) Queries per second on loopback with a record set of 10,000 tasks: the
// server reads a /master/state document of 10,000 RUNNING tasks (1,000 apps of 10 instances on 10
// agents; served here as a file, since 10,000 real task processes would not fit beside the other work on
// this machine), and a second process (dns-load.cjs) sends UDP queries for a bounded time: canonical A
// names (one answer), app A names (10 answers), app SRV names (10 answers and their targets' addresses).
// (2) The delay from TASK_RUNNING (as the framework receives it) to the task's A record being served, on
// a real cluster (a master, an agent, a scheduler) with refreshSeconds 60: the operator stream's event is
// what brings it. Figures only, no assertions. Target: at least 20,000 queries per second.
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as dnsPacket from 'dns-packet';
import type { TaskInfo } from '../../runtime/common/protocol/v1';
import { agentIdTail, hashString } from '../../runtime/dns/labels';
import { generateRecords, type MasterStateV0 } from '../../runtime/dns/records';
import { commandTask, freePort, stopDaemon, TestCluster, TestScheduler } from '../helpers/cluster';
import { startMesosDns } from '../helpers/dns';

const TASKS = Number(process.env.TASKS ?? 10_000);
const INSTANCES = 10;
const SECONDS = Number(process.env.SECONDS ?? 5);
const WINDOW = Number(process.env.WINDOW ?? 64);
const DELAY_SAMPLES = Number(process.env.DELAY_SAMPLES ?? 20);

function syntheticState(masterPort: number): MasterStateV0 {
  const agents = Array.from({ length: 10 }, (_, i) => ({ id: `20260101-000000-1-5050-1-S${i}`, pid: `slave(1)@10.0.${i}.1:5051` }));
  const tasks = Array.from({ length: TASKS }, (_, i) => ({
    id: `app-${Math.floor(i / INSTANCES)}.${i.toString(16).padStart(8, '0')}-0000-11f0-8000-000000000000`,
    name: `app-${Math.floor(i / INSTANCES)}`,
    slave_id: agents[i % agents.length].id,
    state: 'TASK_RUNNING',
    resources: { ports: `[${31000 + Math.floor(i / agents.length)}-${31000 + Math.floor(i / agents.length)}]` },
    statuses: [{ state: 'TASK_RUNNING', timestamp: 1 }],
  }));
  return { leader: `master@127.0.0.1:${masterPort}`, slaves: agents, frameworks: [{ name: 'marathon', hostname: '127.0.0.1', tasks }] };
}

function load(port: number, file: string): Promise<{ sent: number; answered: number; answers: number; errors: number; lost: number; qps: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'dns-load.cjs'), String(port), String(SECONDS), String(WINDOW), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited with ${code}`))));
  });
}

async function throughput(dir: string): Promise<void> {
  const statePort = await freePort();
  const state = syntheticState(statePort);
  const body = JSON.stringify(state);
  // Only the state: the operator stream the server also opens is refused here (it waits and retries).
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/master/state') res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(statePort, '127.0.0.1', () => r()));
  const started = performance.now();
  const records = generateRecords(state, { domain: 'mesos', nameserver: 'ns1.mesos.', listener: '127.0.0.1', masters: [], ipSources: ['netinfo', 'mesos', 'host'], enforceRFC952: false, hostIPs: new Map() });
  console.log(`records from a ${TASKS}-task state (${(body.length / 1e6).toFixed(1)} MB): generated in ${(performance.now() - started).toFixed(0)} ms (in this process, under tsx); ${records.A.size} A names, ${records.SRV.size} SRV names`);

  const dns = await startMesosDns([`--masters=127.0.0.1:${statePort}`, '--refreshSeconds=60', '--quiet']);
  try {
    const tasks = state.frameworks![0].tasks!;
    const sets: Record<string, string[]> = {
      'A, canonical names (1 answer)': tasks.map((t) => `${t.name}-${hashString(t.id)}-${agentIdTail(t.slave_id)}.marathon.mesos A`),
      'A, app names (10 answers)': [...new Set(tasks.map((t) => `${t.name}.marathon.mesos A`))],
      'SRV, app names (10 answers + addresses; truncated to 512 bytes without EDNS)': [...new Set(tasks.map((t) => `_${t.name}._tcp.marathon.mesos SRV`))],
    };
    // Until the first records are in, answers are SERVFAIL: wait for a canonical name.
    const first = sets['A, canonical names (1 answer)'][0].split(' ')[0];
    while ((await query(dns.port, first, 'A')).answers === 0) await new Promise((r) => setTimeout(r, 50));
    console.log(`queries per second (UDP on loopback, ${SECONDS} s each, ${WINDOW} in flight, from a second process):`);
    for (const [label, names] of Object.entries(sets)) {
      const file = path.join(dir, 'names.txt');
      fs.writeFileSync(file, `${names.join('\n')}\n`);
      const r = await load(dns.port, file);
      console.log(`  ${label}: ${r.qps} qps (${r.answered} answered, ${r.errors} with an error rcode, ${r.lost} lost, ${(r.answers / Math.max(1, r.answered)).toFixed(1)} answers each)`);
    }
  } finally {
    await stopDaemon(dns.daemon);
    server.close();
  }
}

/** One UDP query from this process: how many answers came (0 on timeout). */
function query(port: number, name: string, type: 'A' | 'SRV'): Promise<{ answers: number }> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => { socket.close(); resolve({ answers: 0 }); }, 1000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve({ answers: dnsPacket.decode(msg).answers?.length ?? 0 });
    });
    socket.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type, name }] }), port, '127.0.0.1');
  });
}

async function delay(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 1 });
  const dns = await startMesosDns([`--masters=${cluster.masterAddress}`, '--refreshSeconds=60', '--quiet']);
  const scheduler = new TestScheduler(cluster.masterAddress, { name: 'bench' });
  const runningAt = new Map<string, number>();
  scheduler.on('event', (e) => { if (e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING') runningAt.set(e.update.status.task_id.value, performance.now()); });
  try {
    await scheduler.subscribe();
    const delays: number[] = [];
    let from = 0;
    for (let i = 0; i < DELAY_SAMPLES; i++) {
      const offers = await scheduler.next('OFFERS', () => true, 20_000, from);
      from = scheduler.events.indexOf(offers) + 1;
      const offer = offers.offers.offers[0];
      const task: TaskInfo = commandTask(offer, `probe-${i}`, 'sleep 300', 'cpus:0.01;mem:8');
      await scheduler.launch(offer, [task], { refuse_seconds: 0 });
      await scheduler.status(task.task_id.value, 'TASK_RUNNING');
      const name = `probe-${i}.bench.mesos`;
      while ((await query(dns.port, name, 'A')).answers === 0) await new Promise((r) => setTimeout(r, 2));
      delays.push(performance.now() - runningAt.get(task.task_id.value)!);
    }
    delays.sort((a, b) => a - b);
    const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))].toFixed(1);
    console.log(`TASK_RUNNING (received by the framework) to the A record served, ${delays.length} tasks, refreshSeconds 60: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${delays[delays.length - 1].toFixed(1)} ms`);
  } finally {
    await scheduler.teardown().catch(() => scheduler.close());
    await stopDaemon(dns.daemon);
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-bench-dns-'));
  try {
    console.log(`machine: ${os.cpus().length} cores, node ${process.version}`);
    await throughput(dir);
    await delay();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
