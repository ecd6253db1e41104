// Attach benchmark on real processes (a master, one agent, one task). Prints:
//  1. keystroke echo round trip through the attach client (runtime/client/attach.ts, as the VS Code
//     terminal uses it) into a PTY session whose command echoes each byte: p50/p99 (target p50 <= 10 ms);
//  2. 20 concurrent PTY sessions on the agent, each printing a line every 50 ms: memory per session (the
//     agent's RSS growth, and the session's own processes) and the agent's event-loop delay, measured in
//     the agent process (test/bench/event-loop-probe.cjs), idle and under those sessions; the echo round
//     trip again under that load. Figures only, no assertions.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExecSession, type TaskTarget } from '../../runtime/client/attach';
import { processesUnder } from '../../runtime/cluster/process';
import { commandTask, freePort, startDaemon, stopDaemon, TestCluster, TestScheduler, waitUntil, type Daemon } from '../helpers/cluster';
import { getJson } from '../../runtime/common/http';

const KEYSTROKES = Number(process.env.KEYSTROKES ?? 500);
const SESSIONS = Number(process.env.SESSIONS ?? 20);
const LOAD_MS = 10_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Target = Pick<TaskTarget, 'agentUrl' | 'container'>;

function memoryOf(pids: number[]): { rssMb: number; pssMb: number } {
  let rss = 0, pss = 0;
  for (const pid of pids) {
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024 };
}

/** The agent's event-loop delay since the last reading. */
async function eventLoop(agent: Daemon, probe: string): Promise<{ p50: number; p99: number; max: number }> {
  const file = `${probe}.${agent.process.pid}`;
  fs.rmSync(file, { force: true });
  agent.process.kill('SIGUSR2');
  return JSON.parse(await waitUntil('the event-loop probe', () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined), 5000));
}

/** Keystroke echo round trips, one at a time, through a session whose command echoes each byte at once. */
async function echoRoundTrips(target: Target, count: number): Promise<number[]> {
  let waiting: ((data: string) => void) | undefined;
  const echoed = (key: string) => new Promise<void>((resolve) => { waiting = (data) => { if (data.includes(key)) resolve(); }; });
  const ready = echoed('ready');
  const session = await ExecSession.start({
    ...target, command: ['sh', '-c', 'stty raw -echo; echo ready; exec cat'], interactive: true, tty: { rows: 24, columns: 80 },
    onOutput: (_stream, data) => waiting?.(data.toString()),
  });
  await ready;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const done = echoed(key);
    const t0 = performance.now();
    session.write(key);
    await done;
    times.push(performance.now() - t0);
  }
  session.close();
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 0 });
  const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-bench-')), 'event-loop');
  const port = await freePort();
  const workDir = path.join(cluster.workDir, 'agent');
  const agent = startDaemon(['agent', `--master=${cluster.masterAddress}`, `--port=${port}`, `--work_dir=${workDir}`, '--resources=cpus:4;mem:4096;disk:1000;ports:[31000-32000]'],
    { NODE_OPTIONS: `--require ${path.join(__dirname, 'event-loop-probe.cjs')}`, EVENT_LOOP_PROBE: probe, MESOLITE_QUIET: '1' });
  const s = new TestScheduler(cluster.masterAddress, { name: 'bench-attach' });
  try {
    await cluster.waitForAgents(1);
    await s.subscribe();
    const [offer] = await s.offers();
    await s.launch(offer, [commandTask(offer, 'host', 'sleep 100000')]);
    const status = await s.status('host', 'TASK_RUNNING');
    const target: Target = { agentUrl: `http://127.0.0.1:${port}`, container: status.container_status!.container_id! };
    const sandbox = await waitUntil('the sandbox', async () => {
      const state = await getJson<{ frameworks: Array<{ executors: Array<{ id: string; directory: string }> }> }>(`${target.agentUrl}/state`);
      return state.frameworks.flatMap((f) => f.executors).find((e) => e.id === 'host')?.directory;
    });
    const agentPid = agent.process.pid!;

    await echoRoundTrips(target, 50); // warm-up (first PTY, node-pty loaded)
    const idle = await echoRoundTrips(target, KEYSTROKES);
    console.log(`keystroke echo round trip, idle agent (${KEYSTROKES}): p50 ${percentile(idle, 50).toFixed(2)} ms, p99 ${percentile(idle, 99).toFixed(2)} ms`);

    await eventLoop(agent, probe);
    await sleep(3000);
    const idleLoop = await eventLoop(agent, probe);
    const baseRss = rssMb(agentPid);
    const baseProcesses = processesUnder(sandbox);
    let lines = 0;
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => ExecSession.start({
      ...target, command: ['sh', '-c', 'while :; do echo "tick $(date +%s%N)"; sleep 0.05; done'], interactive: true, tty: { rows: 24, columns: 80 },
      onOutput: () => { lines++; },
    })));
    await sleep(1000);
    await eventLoop(agent, probe); // starts the window with the sessions running
    const under = await echoRoundTrips(target, KEYSTROKES);
    await sleep(Math.max(0, LOAD_MS - under.length * percentile(under, 50)));
    const loadLoop = await eventLoop(agent, probe);
    const grown = rssMb(agentPid) - baseRss;
    const own = memoryOf(processesUnder(sandbox).filter((p) => !baseProcesses.includes(p)));
    console.log(`${SESSIONS} concurrent PTY sessions, each printing a line every 50 ms (${lines} outputs received):`);
    console.log(`  agent RSS ${baseRss.toFixed(1)} MB -> +${grown.toFixed(1)} MB (${(grown / SESSIONS).toFixed(2)} MB per session)`);
    console.log(`  the sessions' own processes: ${(own.pssMb / SESSIONS).toFixed(2)} MB PSS (${(own.rssMb / SESSIONS).toFixed(2)} MB RSS) per session`);
    console.log(`  agent event-loop delay: idle p50 ${idleLoop.p50} ms p99 ${idleLoop.p99} ms; with the sessions p50 ${loadLoop.p50} ms p99 ${loadLoop.p99} ms max ${loadLoop.max} ms`);
    console.log(`  keystroke echo round trip under that load: p50 ${percentile(under, 50).toFixed(2)} ms, p99 ${percentile(under, 99).toFixed(2)} ms`);
    for (const session of sessions) session.close();
  } finally {
    await s.teardown().catch(() => undefined);
    await stopDaemon(agent);
    await cluster.stop();
    fs.rmSync(path.dirname(probe), { recursive: true, force: true });
  }
}

void main();
