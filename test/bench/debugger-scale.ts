// Offer-cycle debugger at scale, printed, never asserted: Step Over → stopped (DAP, dist/mesolite-debug.js)
// on a real master with AGENTS emulated agents (test/helpers/agent-emulator.ts) and one SDK framework
// that declines its offers (refuse 0 s, so every cycle offers again) and launches a task on one of
// them now and then, p50 / p99 over STEPS steps; with the master's own time per cycle
// (MESOLITE_GET_ALLOCATION_CYCLES) to tell the allocator's share from the adapter's.
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { AgentEmulator } from '../helpers/agent-emulator';
import { commandTask, TestCluster, TestScheduler } from '../helpers/cluster';
import { attachDebugAdapter } from '../helpers/debug-adapter';

const AGENTS = Number(process.env.AGENTS ?? 1000);
const STEPS = Number(process.env.STEPS ?? 100);
/** Every LAUNCH_EVERY-th offers event gets one task launched (the rest of it declined), up to MAX_TASKS. */
const LAUNCH_EVERY = 5;
const MAX_TASKS = 50;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${ms(pct(s, 0.5))}, p99 ${ms(pct(s, 0.99))}, max ${ms(s.at(-1)!)}`;
};

interface CycleRecord { cycle: number; trigger: string; duration_ms: number; decisions: Array<{ decision: string }> }

async function main(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 0 });
  let emulator: AgentEmulator | undefined;
  const sdk = new TestScheduler(cluster.masterAddress, { name: 'bench-fw' });
  let dc: DebugClient | undefined;
  try {
    emulator = await AgentEmulator.start(cluster.masterUrl, AGENTS);
    console.log(`${AGENTS} emulated agents registered in ${ms(emulator.registrationMs)} (${(await cluster.state()).activated_slaves} active in /master/state)`);

    let offersEvents = 0;
    let launched = 0;
    sdk.on('event', (e) => {
      if (e.type !== 'OFFERS') return;
      const ids = e.offers.offers.map((o) => o.id.value);
      if (++offersEvents % LAUNCH_EVERY === 0 && launched < MAX_TASKS) {
        const [offer] = e.offers.offers;
        const task = commandTask(offer, `bench-${++launched}`, 'sleep 1000');
        void sdk.accept([offer.id.value], [{ type: 'LAUNCH', launch: { task_infos: [task] } }]).catch(() => undefined); // a lost launch is one task fewer
        ids.shift();
      }
      if (ids.length) void sdk.decline(ids, { refuse_seconds: 0 }).catch(() => undefined); // unanswered offers are rescinded
    });
    await sdk.subscribe();

    const attachStarted = performance.now();
    const client = dc = await attachDebugAdapter(cluster.masterAddress, 60_000);
    console.log(`adapter start + attach → stopped on entry: ${ms(performance.now() - attachStarted)}`);
    const firstCycle = await latestCycle(cluster);

    const times: number[] = [];
    const frames: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const started = performance.now();
      await Promise.all([client.waitForEvent('stopped'), client.nextRequest({ threadId: 1 })]);
      times.push(performance.now() - started);
      // What VS Code asks right after a stop: the threads and the top frames.
      const t = performance.now();
      await client.threadsRequest();
      await client.stackTraceRequest({ threadId: 1, startFrame: 0, levels: 20 });
      frames.push(performance.now() - t);
    }
    console.log(`Step Over → stopped, ${AGENTS} emulated agents, ${STEPS} steps: ${summary(times)}`);
    console.log(`  then threads + stackTrace (20 frames): ${summary(frames)}`);

    const cycles = (await cyclesSince(cluster, firstCycle)).filter((c) => c.trigger === 'step');
    if (cycles.length) {
      const offered = cycles.map((c) => c.decisions.filter((d) => d.decision === 'offered').length).sort((a, b) => a - b);
      console.log(`  master's allocation time per stepped cycle (${cycles.length} cycles, MESOLITE_GET_ALLOCATION_CYCLES duration_ms): ${summary(cycles.map((c) => c.duration_ms))}; offers per cycle p50 ${pct(offered, 0.5)}, max ${offered.at(-1)}; ${launched} tasks launched`);
    } else {
      console.log('  (MESOLITE_GET_ALLOCATION_CYCLES returned no stepped cycles)');
    }
  } finally {
    await dc?.stop().catch(() => undefined);
    await sdk.teardown().catch(() => undefined);
    emulator?.stop();
    await cluster.stop();
  }
}

async function cyclesSince(cluster: TestCluster, since: number): Promise<CycleRecord[]> {
  const r = await cluster.operator({ type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { since, limit: 1000 } });
  return (JSON.parse(r.body) as { mesolite_get_allocation_cycles: { cycles: CycleRecord[] } }).mesolite_get_allocation_cycles.cycles;
}

async function latestCycle(cluster: TestCluster): Promise<number> {
  return (await cyclesSince(cluster, 0)).at(-1)?.cycle ?? 0;
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
