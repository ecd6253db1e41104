// Docker-image tasks on a process-mode agent with --containerizers=docker,mesos (the host's engine, the
// locally provisioned image, present: nothing is pulled). Prints:
//  1. `docker run -d` of the same image alone, one at a time: p50 (the engine's own cost, measured in
//     the same run as what follows), and the engine API's create + start alone (no CLI);
//  2. ACCEPT -> TASK_RUNNING of a Docker task, one at a time: p50 and its ratio to (1) (target <= 1.3x);
//  3. the time to get 50 Docker tasks RUNNING, and the memory per task: the executor host (ours), each
//     container's cgroup (the task itself) and its containerd shim (the engine's per-container cost).
// Figures only, no assertions. Every container it starts is removed (label, or the cluster's stop).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { Offer, TaskInfo } from '../../runtime/common/protocol/v1';
import { commandTask, TestCluster, TestScheduler } from '../helpers/cluster';
import { engine, TASK_IMAGE, taskContainersOf } from '../helpers/docker';
import { acceptToRunning, memoryOf, memoryUnder, percentile } from '../helpers/bench';

const LATENCY_TASKS = Number(process.env.LATENCY_TASKS ?? 20);
const BULK_TASKS = Number(process.env.BULK_TASKS ?? 50);
const BASELINE_LABEL = `mesolite.bench=docker-run-${process.pid}`;

const p50 = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

const dockerTask = (offer: Offer, id: string): TaskInfo => ({
  ...commandTask(offer, id, 'sleep 1000', 'cpus:0.01;mem:32'), container: { type: 'DOCKER', docker: { image: TASK_IMAGE } },
});

/** `docker run -d` (create, start, returns once it runs) of the image alone: one at a time. */
function dockerRunBaseline(): number[] {
  const times: number[] = [];
  try {
    for (let i = 0; i < LATENCY_TASKS; i++) {
      const started = performance.now();
      execFileSync('docker', ['run', '-d', '--label', BASELINE_LABEL, TASK_IMAGE, 'sleep', '1000'], { stdio: 'ignore' });
      times.push(performance.now() - started);
    }
  } finally {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${BASELINE_LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  }
  return times;
}

/** The containerd shims of the given containers (one process each, named by the container's id). */
function shimPids(containerIds: string[]): number[] {
  const wanted = new Set(containerIds);
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const argv = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      const id = argv[argv.indexOf('-id') + 1];
      return argv[0].includes('containerd-shim') && wanted.has(id) ? [Number(p)] : [];
    } catch {
      return []; // exited meanwhile
    }
  });
}

/** The engine API's create + start of the image alone (what the docker executor asks of it). */
async function apiBaseline(): Promise<number[]> {
  const times: number[] = [];
  try {
    for (let i = 0; i < LATENCY_TASKS; i++) {
      const started = performance.now();
      const container = await engine.createContainer({ Image: TASK_IMAGE, Cmd: ['sleep', '1000'], Labels: { [BASELINE_LABEL.split('=')[0]]: BASELINE_LABEL.split('=')[1] } });
      await container.start();
      times.push(performance.now() - started);
    }
  } finally {
    const listed = await engine.listContainers({ all: true, filters: { label: [BASELINE_LABEL] } });
    await Promise.all(listed.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  }
  return times;
}

async function main(): Promise<void> {
  const baseline = dockerRunBaseline();
  const api = await apiBaseline();
  const cluster = await TestCluster.start({
    agents: 1, agentResources: () => 'cpus:64;mem:65536;disk:10000;ports:[31000-31999]',
    agentFlags: ['--containerizers=docker,mesos', '--docker_remove_delay=0secs'],
  });
  try {
    // 2. Latency, one Docker task at a time (the first also starts the framework's executor host).
    const latencies = await acceptToRunning(cluster.masterAddress, LATENCY_TASKS, dockerTask, 60_000);
    const run = p50(baseline);
    const task = p50(latencies);
    console.log(`docker run -d of ${TASK_IMAGE} alone over ${LATENCY_TASKS} runs: p50 ${run.toFixed(0)} ms (engine API create + start alone: p50 ${p50(api).toFixed(0)} ms)`);
    console.log(`ACCEPT -> TASK_RUNNING of a Docker task over ${LATENCY_TASKS} tasks: p50 ${task.toFixed(0)} ms = ${(task / run).toFixed(2)}x docker run (target <= 1.3x); p99 ${percentile(latencies, 99).toFixed(0)} ms`);
    await waitForNoContainers(cluster);

    // 3. Bulk: BULK_TASKS Docker tasks in one ACCEPT.
    const bulk = new TestScheduler(cluster.masterAddress, { name: 'bench-docker-bulk' });
    let running = 0;
    let done!: () => void;
    const allRunning = new Promise<void>((r) => (done = r));
    bulk.on('update', (status) => { if (status.state === 'TASK_RUNNING' && ++running === BULK_TASKS) done(); });
    let started = 0;
    let launched = false;
    bulk.on('offers', (offers) => {
      for (const offer of offers) {
        if (launched) { void bulk.decline([offer.id.value]); continue; }
        launched = true;
        started = performance.now();
        void bulk.accept([offer.id.value], [{ type: 'LAUNCH', launch: { task_infos: Array.from({ length: BULK_TASKS }, (_, i) => dockerTask(offer, `bulk-${i}`)) } }]);
      }
    });
    await bulk.subscribe();
    await allRunning;
    const seconds = (performance.now() - started) / 1000;
    const containers = (await taskContainersOf(cluster)).filter((c) => c.State === 'running');
    const cgroupMb = (await Promise.all(containers.map(async (c) => {
      const stats = await engine.getContainer(c.Id).stats({ stream: false });
      return (stats.memory_stats.usage ?? 0) - (stats.memory_stats.stats?.inactive_file ?? 0);
    }))).reduce((a, b) => a + b, 0) / 1048576;
    const hosts = memoryUnder(cluster.workDir);
    const shims = memoryOf(shimPids(containers.map((c) => c.Id)));
    console.log(`${BULK_TASKS} Docker tasks RUNNING in ${seconds.toFixed(2)} s (${(seconds * 1000 / BULK_TASKS).toFixed(0)} ms per task)`);
    console.log(`memory per task: executor host ${(hosts.pssMb / BULK_TASKS).toFixed(2)} MB PSS (${hosts.processes} processes), container cgroup ${(cgroupMb / BULK_TASKS).toFixed(2)} MB, containerd shim ${(shims.pssMb / BULK_TASKS).toFixed(2)} MB PSS (${shims.processes} shims); total ${((hosts.pssMb + cgroupMb + shims.pssMb) / BULK_TASKS).toFixed(2)} MB`);
    await bulk.teardown();
    await waitForNoContainers(cluster);
  } finally {
    await cluster.stop();
  }
}

async function waitForNoContainers(cluster: TestCluster): Promise<void> {
  while ((await taskContainersOf(cluster)).length > 0) await new Promise((r) => setTimeout(r, 200));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
