// Offer-cycle debugger figures, printed, never asserted:
// - Step Over → stopped (DAP, dist/mesolite-debug.js) on a real 3-agent process cluster with an SDK
//   framework that declines every offer (so each cycle offers something), p50 / p99 over STEPS steps;
// - Variables of a cycle with 10,000 decisions through the DAP session (inline, the runtime fed a
//   synthetic trace): scopes and the first page, then every page of 100 as VS Code asks for them.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CycleDecision, CycleTrace } from '../../runtime/client/allocation';
import { OfferDebugSession } from '../../extension/debug/session';
import { TestCluster, TestScheduler } from '../helpers/cluster';
import { attachDebugAdapter } from '../helpers/debug-adapter';

const STEPS = Number(process.env.STEPS ?? 200);
const DECISIONS = 10_000;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function stepOver(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 3 });
  const sdk = new TestScheduler(cluster.masterAddress, { name: 'bench-fw' });
  sdk.on('event', (e) => {
    if (e.type === 'OFFERS') void sdk.decline(e.offers.offers.map((o) => o.id.value), { refuse_seconds: 0 }).catch(() => undefined);
  });
  await sdk.subscribe();
  const dc = await attachDebugAdapter(cluster.masterAddress);
  try {
    const times: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const started = performance.now();
      await Promise.all([dc.waitForEvent('stopped'), dc.nextRequest({ threadId: 1 })]);
      times.push(performance.now() - started);
      // What VS Code asks right after a stop: the threads and the top frames.
      await dc.threadsRequest();
      await dc.stackTraceRequest({ threadId: 1, startFrame: 0, levels: 20 });
    }
    times.sort((a, b) => a - b);
    console.log(`Step Over → stopped, 3 agents, ${STEPS} steps: p50 ${ms(pct(times, 0.5))}, p99 ${ms(pct(times, 0.99))}, max ${ms(times.at(-1)!)}`);
  } finally {
    await dc.stop();
    await sdk.teardown().catch(() => undefined);
    await cluster.stop();
  }
}

/** A DAP session driven inline (as VS Code runs it), over a runtime holding one big synthetic cycle. */
async function paging(): Promise<void> {
  const session = new OfferDebugSession();
  const agents = Array.from({ length: 1000 }, (_, i) => `m-S${i}`);
  const frameworks = Array.from({ length: 10 }, (_, i) => `m-000${i}`);
  session.debugger.mirror.handle({
    type: 'SUBSCRIBED',
    subscribed: { get_state: {
      get_tasks: { tasks: [], completed_tasks: [], unreachable_tasks: [] },
      get_agents: { agents: agents.map((id, i) => ({ agent_info: { id: { value: id }, hostname: '127.0.0.1', port: 20000 + i }, active: true, total_resources: [], allocated_resources: [], offered_resources: [] })) },
      get_frameworks: { frameworks: frameworks.map((id) => ({ framework_info: { id: { value: id }, name: id, user: 'u' }, active: true, connected: true, allocated_resources: [], offered_resources: [] })), completed_frameworks: [] },
    } },
  });
  const cpus = (value: number) => [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value } }];
  const decisions: CycleDecision[] = Array.from({ length: DECISIONS }, (_, i) => i % 10 === 0
    ? { agent_id: agents[i % 1000], framework_id: frameworks[i % 10], role: '*', decision: 'offered', resources: cpus(1), stage: 'fair_share', offer_id: `m-O${i}` }
    : { agent_id: agents[i % 1000], framework_id: frameworks[i % 10], role: '*', decision: 'nothing_left' });
  const trace: CycleTrace = { cycle: 1, trigger: 'step', started_at: Date.now(), duration_ms: 5, agents: agents.map((agent_id) => ({ agent_id, available: cpus(4) })), shares: { before: { roles: {}, frameworks: {} }, after: { roles: {}, frameworks: {} } }, decisions };
  session.debugger.story.addTrace(trace);
  session.debugger.story.lastCycle = 1;

  let seq = 1;
  const pending = new Map<number, (r: DebugProtocol.Response) => void>();
  session.onDidSendMessage((m) => {
    const r = m as DebugProtocol.Response;
    if (r.type === 'response') pending.get(r.request_seq)?.(r);
  });
  const request = <R extends DebugProtocol.Response>(command: string, args: unknown) => new Promise<R>((resolve) => {
    const s = seq++;
    pending.set(s, resolve as (r: DebugProtocol.Response) => void);
    session.handleMessage({ seq: s, type: 'request', command, arguments: args } as DebugProtocol.Request);
  });

  const started = performance.now();
  const frames = await request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
  const scopes = await request<DebugProtocol.ScopesResponse>('scopes', { frameId: frames.body.stackFrames[0].id });
  const cycle = scopes.body.scopes.find((s) => s.name.startsWith('This cycle'))!;
  const first = await request<DebugProtocol.VariablesResponse>('variables', { variablesReference: cycle.variablesReference, filter: 'indexed', start: 0, count: 100 });
  const firstPage = performance.now() - started;
  const pageTimes: number[] = [];
  for (let start = 100; start < DECISIONS; start += 100) {
    const t = performance.now();
    await request('variables', { variablesReference: cycle.variablesReference, filter: 'indexed', start, count: 100 });
    pageTimes.push(performance.now() - t);
  }
  pageTimes.sort((a, b) => a - b);
  console.log(`Variables, a cycle of ${DECISIONS} decisions (1,000 agents): Call Stack + scopes + first page of ${first.body.variables.length} in ${ms(firstPage)} (${frames.body.totalFrames} frames); each further page of 100: p50 ${ms(pct(pageTimes, 0.5))}, p99 ${ms(pct(pageTimes, 0.99))}; all ${DECISIONS} in ${ms(firstPage + pageTimes.reduce((a, b) => a + b, 0))}`);
}

async function main(): Promise<void> {
  await paging();
  await stepOver();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
