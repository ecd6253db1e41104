// Allocator benchmark after Mesos' HierarchicalAllocator_BENCHMARK_Test.DeclineOffers
// (src/tests/hierarchical_allocator_tests.cpp): M frameworks in role '*', N agents of
// 'cpus:24;mem:4096;disk:4096;ports:[31000-32000]', each with 'cpus:16;mem:2014;disk:1024' plus 16
// port ranges already used by framework i % M (as Mesos adds them). Then cycles in which every
// framework declines everything it was offered with refuse_seconds = INT_MAX (capped by the allocator),
// the injected clock advancing one allocation interval per cycle, as Mesos' Clock::advance does.
//
// Prints, per shape: the time to add the frameworks and the agents, the heap the agents cost, and per
// cycle the time of allocate(), the offers it made, the trace it produced, and the time of the declines.
// Figures only, no assertions. Targets (2-core machine): 10,000 x 1,000 cycle <= 250 ms;
// 50,000 x 200 cycle <= 1 s.
//
//   node --import tsx --expose-gc test/bench/allocator.ts
//   SHAPES=1000x100,10000x1000 CYCLES=5 node --import tsx --expose-gc test/bench/allocator.ts
//   node --import tsx --expose-gc test/bench/allocator.ts 10000x1000 --cycles=3
//
// Environment (or --name=value arguments):
//   SHAPES    comma-separated AGENTSxFRAMEWORKS (default 1000x100,10000x1000,50000x200)
//   CYCLES    allocation cycles per shape (default 5)
//   REFUSE    refuse_seconds of each decline (default 2147483647, Mesos' INT_MAX)
//   USED      1 = pre-allocate Mesos' per-agent used resources (default), 0 = empty agents
//   HISTORY   1 = keep every cycle in a CycleHistory as the master does (default), 0 = drop them
//   ALLOCATOR path of an alternative hierarchical.ts exporting HierarchicalAllocator (A/B runs)
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Resource } from '../../runtime/common/protocol/v1';
import { parseResources } from '../../runtime/common/resources';
import type { Allocation, Allocator } from '../../runtime/master/allocator/allocator';
import { HierarchicalAllocator, seededRandom, type HierarchicalOptions } from '../../runtime/master/allocator/hierarchical';
import { CycleHistory } from '../../runtime/master/allocator/trace';

const AGENT_RESOURCES = 'cpus:24;mem:4096;disk:4096;ports:[31000-32000]';
const USED_SCALARS = 'cpus:16;mem:2014;disk:1024';
const ALLOCATION_INTERVAL_MS = 1000;
const INT_MAX = 2147483647;

function option(name: string, fallback: string): string {
  const flag = process.argv.find((a) => a.startsWith(`--${name.toLowerCase()}=`));
  if (flag) return flag.slice(name.length + 3);
  return process.env[name] ?? fallback;
}

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const SHAPES = (positional[0] ?? option('SHAPES', '1000x100,10000x1000,50000x200'))
  .split(',').map((s) => s.trim()).filter(Boolean)
  .map((s) => {
    const m = /^(\d+)x(\d+)$/i.exec(s.replace(/_/g, ''));
    if (!m) throw new Error(`Invalid shape '${s}' (expected AGENTSxFRAMEWORKS, e.g. 10000x1000)`);
    return { agents: Number(m[1]), frameworks: Number(m[2]) };
  });
const CYCLES = Number(option('CYCLES', '5'));
const REFUSE_SECONDS = Number(option('REFUSE', String(INT_MAX)));
const USED = option('USED', '1') !== '0';
const HISTORY = option('HISTORY', '1') !== '0';
const ALLOCATOR = option('ALLOCATOR', '');

type AllocatorCtor = new (options: HierarchicalOptions) => Allocator;

const gc = (globalThis as { gc?: () => void }).gc;
function heapUsed(): number {
  if (gc) { gc(); gc(); }
  return process.memoryUsage().heapUsed;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const n = (x: number) => x.toLocaleString('en-US');

/** Mesos' fragment(createRange(31000, 32000), 16): 16 disjoint port ranges (here evenly spread, deterministic). */
function usedPorts(): Resource {
  const range = Array.from({ length: 16 }, (_, i) => ({ begin: 31000 + i * 62, end: 31000 + i * 62 + 30 }));
  return { name: 'ports', type: 'RANGES', ranges: { range } };
}

/** What each agent's used resources look like when the master re-adds it: fresh objects, allocated to '*'. */
function usedResources(): Resource[] {
  return [...parseResources(USED_SCALARS), usedPorts()].map((r) => ({ ...r, allocation_info: { role: '*' } }));
}

async function loadAllocator(): Promise<AllocatorCtor> {
  if (!ALLOCATOR) return HierarchicalAllocator;
  const mod = (await import(path.resolve(ALLOCATOR))) as { HierarchicalAllocator?: AllocatorCtor; default?: { HierarchicalAllocator?: AllocatorCtor } };
  const ctor = mod.HierarchicalAllocator ?? mod.default?.HierarchicalAllocator;
  if (!ctor) throw new Error(`${ALLOCATOR} does not export HierarchicalAllocator`);
  return ctor;
}

/** Builds the agents' inputs, then times only the addAgent calls. A function of its own, so that nothing of the inputs stays reachable from the caller's frame. */
function addAgents(allocator: Allocator, agentCount: number, frameworkIds: string[]): number {
  const inputs: Array<{ id: string; total: Resource[]; used: Map<string, Resource[]> }> = [];
  for (let i = 0; i < agentCount; i++) {
    inputs.push({
      id: `7c0e9a4e-3d5b-4f1a-8b2c-bench0000000-S${i}`,
      total: parseResources(AGENT_RESOURCES),
      used: USED ? new Map([[frameworkIds[i % frameworkIds.length], usedResources()]]) : new Map(),
    });
  }
  const t = performance.now();
  for (let i = 0; i < inputs.length; i++) allocator.addAgent(inputs[i].id, inputs[i].total, inputs[i].used);
  return performance.now() - t;
}

interface CycleResult { allocateMs: number; declineMs: number; declined: number; offers: Allocation[]; line: string }

/** Declines what the last cycle offered, advances the clock one interval, runs one cycle. */
function runCycle(allocator: Allocator, previous: Allocation[], advance: () => void, history: CycleHistory | undefined): CycleResult {
  let t = performance.now();
  for (let i = 0; i < previous.length; i++) {
    const o = previous[i];
    allocator.recoverResources(o.frameworkId, o.agentId, o.resources, REFUSE_SECONDS);
  }
  const declineMs = performance.now() - t;

  advance(); // Clock::advance(allocation_interval)
  t = performance.now();
  const { allocations, cycle } = allocator.allocate('interval');
  const allocateMs = performance.now() - t;
  history?.add(cycle);

  const counts: Record<string, number> = {};
  for (const d of cycle.decisions) counts[d.decision] = (counts[d.decision] ?? 0) + 1;
  const frameworksOffered = new Set(allocations.map((a) => a.frameworkId)).size;
  const line = `allocate() ${ms(allocateMs)}, ${n(allocations.length)} offers to ${n(frameworksOffered)} frameworks`
    + ` | decline of ${n(previous.length)} offers before it ${ms(declineMs)}`
    + ` | trace: ${n(cycle.agents.length)} agents, ${n(cycle.decisions.length)} decisions ${JSON.stringify(counts)}`;
  return { allocateMs, declineMs, declined: previous.length, offers: allocations, line };
}

function runShape(Ctor: AllocatorCtor, agentCount: number, frameworkCount: number): void {
  console.log(`\n=== ${n(agentCount)} agents x ${n(frameworkCount)} frameworks (role '*'), ${CYCLES} cycles, refuse_seconds ${REFUSE_SECONDS}${USED ? ', used resources as Mesos' : ', no used resources'}`);

  let clock = 1_700_000_000_000;
  const allocator = new Ctor({ allocationIntervalMs: ALLOCATION_INTERVAL_MS, now: () => clock, random: seededRandom(42) });

  const frameworkIds = Array.from({ length: frameworkCount }, (_, i) => `2f1d5b6c-8a0e-4c3b-9f7e-bench0000000-${String(i).padStart(4, '0')}`);
  const t = performance.now();
  for (const id of frameworkIds) allocator.addFramework(id, { roles: ['*'], active: true }, new Map());
  const addFrameworksMs = performance.now() - t;
  console.log(`added ${n(frameworkCount)} frameworks in ${ms(addFrameworksMs)}`);

  const heapBeforeAgents = heapUsed();
  const addAgentsMs = addAgents(allocator, agentCount, frameworkIds);
  const heapAfterAgents = heapUsed();
  const agentHeap = heapAfterAgents - heapBeforeAgents;
  console.log(`added ${n(agentCount)} agents in ${ms(addAgentsMs)} (${(addAgentsMs * 1000 / agentCount).toFixed(1)} us/agent)`);
  console.log(`master-side (allocator) heap for the agents: ${mb(agentHeap)}, ${mb(agentHeap / agentCount * 1000)} per 1,000 agents`
    + ` [process.memoryUsage().heapUsed after addAgent x${n(agentCount)} minus before; inputs built in a dropped frame`
    + `${gc ? '; global.gc() x2 before each reading' : '; NO --expose-gc: includes garbage, unreliable'}; includes agent ids and the used allocations]`);

  const history = HISTORY ? new CycleHistory() : undefined;
  let offers: Allocation[] = [];
  let declined = 0;
  const allocTimes: number[] = [];
  for (let c = 0; c < CYCLES; c++) {
    const r = runCycle(allocator, offers, () => { clock += ALLOCATION_INTERVAL_MS; }, history);
    offers = r.offers;
    declined += r.declined;
    allocTimes.push(r.allocateMs);
    console.log(`cycle ${c}: ${r.line} (${n(declined)} declined so far)`);
  }

  const sorted = [...allocTimes].sort((a, b) => a - b);
  if (sorted.length) console.log(`allocate(): min ${ms(sorted[0])}, median ${ms(sorted[Math.floor(sorted.length / 2)])}, max ${ms(sorted[sorted.length - 1])}`);

  const heapAfterCycles = heapUsed();
  let traceHeap = 0;
  // Drop the kept traces (CycleHistory has no clear(): empty its private array) to see what only they held.
  const kept = (history as unknown as { cycles?: unknown[] } | undefined)?.cycles;
  if (Array.isArray(kept)) {
    kept.length = 0;
    traceHeap = heapAfterCycles - heapUsed();
  }
  offers = [];
  const heapAllocatorOnly = heapUsed();
  if (!gc) {
    console.log('heap after cycles: n/a (run with --expose-gc)');
    return;
  }
  console.log(`heap after ${CYCLES} cycles: allocator +${mb(heapAllocatorOnly - heapAfterAgents)} over after-adding-agents (filters, caches)`
    + (Array.isArray(kept) ? `; the ${CYCLES} cycle traces kept in a CycleHistory (as the master does) ${mb(traceHeap)}, ${mb(traceHeap / Math.max(1, CYCLES))} per cycle` : ''));
}

async function main(): Promise<void> {
  const Ctor = await loadAllocator();
  console.log(`allocator benchmark (Mesos DeclineOffers): node ${process.version}, ${ALLOCATOR ? `allocator ${ALLOCATOR}` : 'runtime/master/allocator/hierarchical.ts'}`
    + `, shapes ${SHAPES.map((s) => `${s.agents}x${s.frameworks}`).join(',')}${gc ? '' : ' (no --expose-gc: heap figures are approximate)'}`);
  for (const shape of SHAPES) runShape(Ctor, shape.agents, shape.frameworks);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
