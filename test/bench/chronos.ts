// Chronos-compatible job framework benchmark on real processes (a master with
// --allocation_interval=1secs, 3 agents, `mesolite chronos`). Figures only, no assertions.
// 1. Schedule accuracy: RUNS runs (10 jobs, R<n>/<start>/PT3S, starts spread over the allocation
//    interval) — the delay from each run's due time (in its task id) to the TASK_RUNNING of its task as
//    the master recorded it, p50 / p99 / max. Target: p50 ≤ 1 s.
// 2. JOBS jobs due at the same moment (R1/<T>/PT1H): the time from T until the master knows all their
//    tasks, until the last TASK_RUNNING and TASK_FINISHED, and until the framework counted all successes.
import { ChronosDaemon } from '../helpers/chronos';
import { TestCluster, waitUntil } from '../helpers/cluster';

const RUNS = Number(process.env.RUNS ?? 100);
const JOBS = Number(process.env.JOBS ?? 1000);
const ACCURACY_JOBS = 10;
const PERIOD_S = 3;
const tiny = { cpus: 0.01, mem: 8, disk: 1, command: 'true' };

/** Polls every POLL_MS: reading 1,000 jobs or tasks 20 times a second would load what it measures. */
const POLL_MS = 250;
async function poll(what: string, done: () => Promise<boolean>, timeoutMs = 600_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return Date.now();
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

interface MasterTask { id: string; statuses: Array<{ state: string; timestamp: number }> }

async function chronosTasks(cluster: TestCluster, prefix: string): Promise<MasterTask[]> {
  const state = await cluster.state();
  return state.frameworks.filter((f) => f.name === 'chronos')
    .flatMap((f) => [...f.tasks, ...f.completed_tasks] as unknown as MasterTask[])
    .filter((t) => t.id.split(':')[3]?.startsWith(prefix));
}

/** When the master saw `state` for the task, in ms. */
const at = (t: MasterTask, state: string) => (t.statuses.find((s) => s.state === state)?.timestamp ?? NaN) * 1000;

async function post(chronos: ChronosDaemon, job: Record<string, unknown>): Promise<void> {
  const res = await chronos.api('POST', '/v1/scheduler/iso8601', job);
  if (res.status !== 204) throw new Error(`POST ${job.name}: ${res.status} ${res.text}`);
}

async function successes(chronos: ChronosDaemon, prefix: string): Promise<number> {
  const jobs = (await chronos.api('GET', '/v1/scheduler/jobs/summary')).body.jobs as Array<{ name: string; status: string }>;
  return jobs.filter((j) => j.name.startsWith(prefix) && j.status === 'success').length;
}

async function accuracy(cluster: TestCluster, chronos: ChronosDaemon): Promise<void> {
  const perJob = Math.ceil(RUNS / ACCURACY_JOBS);
  const t0 = Date.now() + 3000;
  for (let i = 0; i < ACCURACY_JOBS; i++) {
    const start = new Date(t0 + Math.round((i * 1000) / ACCURACY_JOBS)).toISOString();
    await post(chronos, { ...tiny, name: `acc-${i}`, schedule: `R${perJob}/${start}/PT${PERIOD_S}S` });
  }
  const total = perJob * ACCURACY_JOBS;
  const tasks = await waitUntil(`${total} runs`, async () => {
    const list = (await chronosTasks(cluster, 'acc-')).filter((t) => t.statuses.some((s) => s.state === 'TASK_FINISHED'));
    return list.length >= total ? list : undefined;
  }, perJob * PERIOD_S * 1000 + 60_000);
  const due = (t: MasterTask) => Number(t.id.split(':')[1]);
  const running = tasks.map((t) => at(t, 'TASK_RUNNING') - due(t)).filter(Number.isFinite).sort((a, b) => a - b);
  console.log(`Schedule accuracy over ${tasks.length} runs (--allocation_interval=1secs):`);
  console.log(`  due → TASK_RUNNING  p50 ${seconds(percentile(running, 0.5))}  p99 ${seconds(percentile(running, 0.99))}  max ${seconds(running.at(-1)!)}`);
}

async function dueAtOnce(cluster: TestCluster, chronos: ChronosDaemon): Promise<void> {
  // Posting takes a while (each job is stored before it is answered): the due time is set after it.
  const posted = performance.now();
  const far = '2100-01-01T00:00:00.000Z';
  const names = Array.from({ length: JOBS }, (_, i) => `many-${i}`);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((name) => post(chronos, { ...tiny, name, schedule: `R1/${far}/PT1H` })));
  }
  console.log(`${JOBS} jobs posted in ${seconds(performance.now() - posted)}`);
  // Then all moved to one due time (a replaced job keeps its counters; its schedule is the new one).
  const due = Date.now() + 5000 + JOBS * 5;
  const when = new Date(due).toISOString();
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((name) => post(chronos, { ...tiny, name, schedule: `R1/${when}/PT1H` })));
  }
  const left = due - Date.now();
  if (left < 0) console.log(`(re-posting took ${seconds(-left)} longer than planned: runs were due meanwhile)`);
  const launchedMs = (await poll('all launched', async () => (await chronosTasks(cluster, 'many-')).length >= JOBS)) - due;
  const succeededMs = (await poll('all succeeded', async () => (await successes(chronos, 'many-')) >= JOBS)) - due;
  const tasks = await chronosTasks(cluster, 'many-');
  const last = (state: string) => seconds(Math.max(...tasks.map((t) => at(t, state)).filter(Number.isFinite)) - due);
  console.log(`${JOBS} jobs due at once, from their due time: all tasks at the master ${seconds(launchedMs)}, the last TASK_RUNNING ${last('TASK_RUNNING')}, the last TASK_FINISHED ${last('TASK_FINISHED')}, all successes counted by the framework ${seconds(succeededMs)} (polled every ${POLL_MS} ms)`);
}

async function main(): Promise<void> {
  const cluster = await TestCluster.start({
    agents: 3, masterFlags: ['--allocation_interval=1secs', `--max_completed_tasks_per_framework=${JOBS + RUNS + 100}`],
    agentResources: (i) => `cpus:8;mem:16384;disk:100000;ports:[${31000 + i * 2000}-${32999 + i * 2000}]`,
  });
  const chronos = await ChronosDaemon.start(cluster.masterAddress);
  try {
    await chronos.frameworkId(cluster);
    await accuracy(cluster, chronos);
    await dueAtOnce(cluster, chronos);
  } finally {
    await chronos.stop();
    await cluster.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
