// Marathon-compatible framework benchmark on real processes (a master, 3 agents, `mesolite marathon`):
// one app with INSTANCES instances (cpus 0.01, mem 8, `sleep 3600`, a COMMAND health check `true`
// with Marathon's defaults, so its first run is delaySeconds 15 after the start; CHECK_DELAY overrides)
// — prints the time from POST to all RUNNING and to all healthy (as tasks per second), and the time
// to scale it to 0, with the CPU it took (by role, and the whole machine's). Target: at least 200 tasks/s.
// Figures only, no assertions.
import * as fs from 'node:fs';
import { BUNDLE, TestCluster, waitUntil } from '../helpers/cluster';
import { MarathonDaemon } from '../helpers/marathon';

/** CPU seconds used so far by this benchmark's cluster processes, by role (Linux /proc; empty elsewhere). */
function cpuByRole(): Record<string, number> {
  const totals: Record<string, number> = {};
  if (!fs.existsSync('/proc/self/stat')) return totals;
  const procs = new Map<number, { ppid: number; role?: string; ticks: number }>();
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const role = argv.includes(BUNDLE) ? argv.find((a) => ['master', 'agent', 'marathon', 'executor-host', 'task-launcher'].includes(a)) : undefined;
      procs.set(Number(pid), { ppid: Number(stat[1]), role, ticks: Number(stat[11]) + Number(stat[12]) });
    } catch { /* gone meanwhile */ }
  }
  // Only our descendants: other clusters on this machine may run the same bundle.
  const ours = (pid: number): boolean => pid === process.pid || (pid > 1 && procs.has(pid) && ours(procs.get(pid)!.ppid));
  for (const [pid, p] of procs) if (p.role && ours(pid)) totals[p.role] = (totals[p.role] ?? 0) + p.ticks / 100;
  return totals;
}
/** The whole machine's CPU seconds so far (/proc/stat: user, system, idle), tasks' own processes included. */
function machineCpu(): number[] {
  if (!fs.existsSync('/proc/stat')) return [];
  const [user, nice, system, idle] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1, 5).map(Number);
  return [(user + nice) / 100, system / 100, idle / 100];
}
const machineText = (before: number[], after: number[]) =>
  before.length ? `user ${(after[0] - before[0]).toFixed(1)}, system ${(after[1] - before[1]).toFixed(1)}, idle ${(after[2] - before[2]).toFixed(1)}` : 'n/a';
const cpuText = (before: Record<string, number>, after: Record<string, number>) =>
  Object.keys(after).sort().map((r) => `${r} ${(after[r] - (before[r] ?? 0)).toFixed(1)}`).join(', ');

const INSTANCES = Number(process.env.INSTANCES ?? 1000);
const HEALTH = process.env.HEALTH !== '0';
const CHECK_DELAY = process.env.CHECK_DELAY;

/** The app's counts without its 1,000 tasks (GET /v2/apps/{id} embeds them). */
async function counts(marathon: MarathonDaemon): Promise<{ tasksRunning: number; tasksHealthy: number }> {
  return (await marathon.api('GET', '/v2/apps?id=/bench')).body.apps[0];
}

async function main(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 3, agentResources: (i) => `cpus:8;mem:8192;disk:10000;ports:[${31000 + i * 2000}-${32999 + i * 2000}]` });
  const marathon = await MarathonDaemon.start(cluster.masterAddress);
  try {
    const app = {
      id: 'bench', cmd: 'sleep 3600', cpus: 0.01, mem: 8, instances: INSTANCES,
      ...(HEALTH ? { healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' }, ...(CHECK_DELAY ? { delaySeconds: Number(CHECK_DELAY) } : {}) }] } : {}),
    };
    const cpuBefore = cpuByRole();
    const machineBefore = machineCpu();
    const started = performance.now();
    const res = await marathon.api('POST', '/v2/apps', app);
    if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${res.text}`);
    await waitUntil(`${INSTANCES} running`, async () => (await counts(marathon)).tasksRunning === INSTANCES || undefined, 600_000);
    const running = (performance.now() - started) / 1000;
    console.log(`${INSTANCES} instances RUNNING after ${running.toFixed(2)} s: ${(INSTANCES / running).toFixed(0)} tasks/s`);
    console.log(`CPU seconds until then: ${cpuText(cpuBefore, cpuByRole())}; whole machine: ${machineText(machineBefore, machineCpu())}`);
    if (HEALTH) {
      await waitUntil(`${INSTANCES} healthy`, async () => (await counts(marathon)).tasksHealthy === INSTANCES || undefined, 600_000);
      const healthy = (performance.now() - started) / 1000;
      console.log(`${INSTANCES} instances healthy (COMMAND check) after ${healthy.toFixed(2)} s: ${(INSTANCES / healthy).toFixed(0)} tasks/s`);
    }
    await marathon.deploymentDone(undefined, 600_000);
    const scaleStarted = performance.now();
    const scaled = await marathon.api('PUT', '/v2/apps/bench', { instances: 0 });
    await marathon.deploymentDone(scaled.body.deploymentId, 600_000);
    console.log(`scaled to 0 in ${((performance.now() - scaleStarted) / 1000).toFixed(2)} s`);
  } finally {
    await marathon.stop();
    await cluster.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
