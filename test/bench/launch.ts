// Launch benchmark on real processes (a master, 2 agents): prints
//  1. ACCEPT -> TASK_RUNNING latency p50/p99 over 200 tasks launched one at a time;
//  2. the time to get 1,000 tasks RUNNING across 2 agents, and the memory they cost.
// Targets (2-core machine): p50 <= 50 ms; 1,000 tasks <= 10 s. Figures only, no assertions.
import type { Offer } from '../../runtime/common/protocol/v1';
import { commandTask, TestCluster, TestScheduler } from '../helpers/cluster';
import { acceptToRunning, memoryUnder, percentile } from '../helpers/bench';

const LATENCY_TASKS = Number(process.env.LATENCY_TASKS ?? 200);
const BULK_TASKS = Number(process.env.BULK_TASKS ?? 1000);

const task = (offer: Offer, id: string) => commandTask(offer, id, 'sleep 1000', 'cpus:0.01;mem:4');

async function main(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 2, agentResources: (i) => `cpus:64;mem:65536;disk:10000;ports:[${31000 + i * 1000}-${31999 + i * 1000}]` });
  try {
    // 1. Latency, one task at a time.
    const latencies = await acceptToRunning(cluster.masterAddress, LATENCY_TASKS, task);
    console.log(`ACCEPT -> TASK_RUNNING over ${LATENCY_TASKS} tasks: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`);

    // 2. Bulk: BULK_TASKS tasks across both agents, as fast as offers allow.
    const bulk = new TestScheduler(cluster.masterAddress, { name: 'bench-bulk' });
    let running = 0;
    let launched = 0;
    let done!: () => void;
    const allRunning = new Promise<void>((r) => (done = r));
    bulk.on('update', (status) => {
      if (status.state === 'TASK_RUNNING' && ++running === BULK_TASKS) done();
    });
    let started = 0;
    const launchOn = (offers: Offer[]) => {
      for (const offer of offers) {
        const count = Math.min(BULK_TASKS / 2, BULK_TASKS - launched);
        if (count <= 0) { void bulk.decline([offer.id.value]); continue; }
        const tasks = Array.from({ length: count }, (_, i) => task(offer, `bulk-${launched + i}`));
        launched += count;
        void bulk.accept([offer.id.value], [{ type: 'LAUNCH', launch: { task_infos: tasks } }]);
      }
    };
    bulk.on('offers', (offers) => { started ||= performance.now(); launchOn(offers); });
    await bulk.subscribe();
    await allRunning;
    const seconds = (performance.now() - started) / 1000;
    const agents = (await cluster.state()).slaves.map((a) => a.used_resources.cpus);
    const memory = memoryUnder(cluster.workDir);
    console.log(`${BULK_TASKS} tasks RUNNING across 2 agents in ${seconds.toFixed(2)} s (cpus used per agent: ${agents.join(', ')})`);
    console.log(`memory of executor hosts + tasks: PSS ${memory.pssMb.toFixed(0)} MB (RSS ${memory.rssMb.toFixed(0)} MB) in ${memory.processes} processes = ${(memory.pssMb / BULK_TASKS).toFixed(2)} MB per task`);
    await bulk.teardown();
  } finally {
    await cluster.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
