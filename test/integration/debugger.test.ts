// The offer-cycle debugger over DAP: dist/mesolite-debug.js driven by @vscode/debugadapter-testsupport's
// DebugClient against a real process cluster (master, 2 agents, the app framework and an SDK
// framework). What it shows is checked against the master's own MESOLITE_GET_ALLOCATION_CYCLES.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { getJson } from '../../runtime/common/http';
import type { Offer } from '../../runtime/common/protocol/v1';
import { commandTask, TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';
import { MarathonDaemon } from '../helpers/marathon';

const ADAPTER = path.resolve(__dirname, '../../dist/mesolite-debug.js');

let cluster: TestCluster;
let marathon: MarathonDaemon;
let sdk: TestScheduler;
/** What the SDK framework does with the offers it gets. */
let answer: 'hold' | 'decline' = 'hold';
let dc: DebugClient | undefined;

before(async () => {
  cluster = await TestCluster.start({ agents: 2 });
  marathon = await MarathonDaemon.start(cluster.masterAddress);
  sdk = new TestScheduler(cluster.masterAddress, { name: 'sdk-fw' });
  sdk.on('event', (e) => {
    if (e.type === 'OFFERS' && answer === 'decline') void sdk.decline(e.offers.offers.map((o) => o.id.value), { refuse_seconds: 0 }).catch(() => undefined);
  });
  await sdk.subscribe();
});

after(async () => {
  await sdk?.teardown().catch(() => undefined);
  await marathon?.stop();
  await cluster?.stop();
});

afterEach(async () => {
  await dc?.stop();
  dc = undefined;
  answer = 'hold';
});

async function call(body: Record<string, unknown>): Promise<any> {
  const r = await cluster.operator(body);
  return r.body ? JSON.parse(r.body) : undefined;
}

async function masterCycles(since = 0): Promise<any[]> {
  return (await call({ type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { since, limit: 1000 } })).mesolite_get_allocation_cycles.cycles;
}

const latestCycle = async () => (await masterCycles()).at(-1)?.cycle ?? 0;
const paused = async () => (await getJson<{ allocation_paused: boolean }>(`${cluster.masterUrl}/master/state`)).allocation_paused;

/** A debug session attached to the cluster, stopped on entry unless told otherwise. */
async function attach(args: Record<string, unknown> = {}, breakpoints: DebugProtocol.FunctionBreakpoint[] = []): Promise<DebugClient> {
  const client = new DebugClient(process.execPath, ADAPTER, 'mesolite');
  client.defaultTimeout = 20_000;
  await client.start();
  dc = client;
  const initialized = client.waitForEvent('initialized');
  await client.initializeRequest();
  await initialized;
  await client.setFunctionBreakpointsRequest({ breakpoints });
  await client.configurationDoneRequest();
  const stopped = client.waitForEvent('stopped');
  await client.attachRequest({ master: cluster.masterAddress, ...args } as DebugProtocol.AttachRequestArguments);
  if (args.stopOnEntry !== false) assert.equal((await stopped).body.reason, 'entry');
  return client;
}

/** Sends a request and resolves with the stopped event that follows it. */
async function stopAfter(client: DebugClient, request: () => Promise<unknown>, timeoutMs?: number): Promise<DebugProtocol.StoppedEvent> {
  const [stopped] = await Promise.all([client.waitForEvent('stopped', timeoutMs), request()]);
  return stopped as DebugProtocol.StoppedEvent;
}

async function frames(client: DebugClient, threadId = 1): Promise<string[]> {
  return (await client.stackTraceRequest({ threadId })).body.stackFrames.map((f) => f.name);
}

async function evaluate(client: DebugClient, expression: string): Promise<string> {
  return (await client.evaluateRequest({ expression, context: 'repl' })).body.result;
}

/** The children of a scope (all pages). */
async function scope(client: DebugClient, name: RegExp): Promise<DebugProtocol.Variable[]> {
  const frameId = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  const s = (await client.scopesRequest({ frameId })).body.scopes.find((x) => name.test(x.name));
  assert.ok(s, `scope ${name}`);
  return (await client.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
}

async function threadOf(client: DebugClient, name: string): Promise<number> {
  const thread = (await client.threadsRequest()).body.threads.find((t) => t.name.startsWith(`${name} (`));
  assert.ok(thread, `thread of ${name}`);
  return thread.id;
}

/** Declines every offer the SDK framework holds (refuse 0 s) and waits for the master to take them back. */
async function declineHeld(from = 0): Promise<void> {
  const ids = sdk.events.slice(from).flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers.map((o) => o.id.value) : []));
  if (ids.length) await sdk.decline(ids, { refuse_seconds: 0 });
  await waitUntil('no outstanding offers of sdk-fw', async () => (await cluster.state()).frameworks.find((f) => f.id === sdk.frameworkId)?.offers.length === 0);
}

/** Steps until a cycle offers to the SDK framework; the offers it holds then. */
async function stepToOfferForSdk(client: DebugClient): Promise<Offer[]> {
  for (let i = 0; i < 5; i++) {
    const from = sdk.events.length;
    await stopAfter(client, () => client.nextRequest({ threadId: 1 }));
    const cycle = (await masterCycles()).at(-1);
    if (cycle.decisions.some((d: any) => d.decision === 'offered' && d.framework_id === sdk.frameworkId)) return sdk.offers(from);
  }
  throw new Error('no cycle offered to sdk-fw');
}

/** Attached with an `offer sdk-fw` breakpoint at hit count 3 and the SDK framework declining: Continue to the stop. */
async function continueToThirdOffer() {
  const client = await attach({}, [{ name: 'offer sdk-fw', hitCondition: '3' }]);
  answer = 'decline';
  await declineHeld();
  const from = await latestCycle();
  const stopped = await stopAfter(client, () => client.continueRequest({ threadId: 1 }));
  return { client, from, stopped, cycle: Number(await evaluate(client, 'cycle')) };
}

test('attach pauses allocation and stops on entry; Step Over runs exactly one cycle, and the Call Stack and Variables show it as the master recorded it', async () => {
  const client = await attach();
  assert.equal(await paused(), true);
  const threads = (await client.threadsRequest()).body.threads.map((t) => t.name);
  assert.equal(threads[0], 'Allocator');
  assert.ok(threads.some((t) => t.startsWith('sdk-fw (')) && threads.some((t) => t.startsWith('marathon (')), threads.join(', '));
  await declineHeld();

  const before = await latestCycle();
  const stopped = await stopAfter(client, () => client.nextRequest({ threadId: 1 }));
  assert.equal(stopped.body.reason, 'step');
  await new Promise((r) => setTimeout(r, 300));
  const cycles = await masterCycles(before);
  assert.equal(cycles.length, 1, 'exactly one new cycle');
  const [cycle] = cycles;

  const names = await frames(client);
  assert.match(names.at(-1)!, new RegExp(`^cycle ${cycle.cycle} · step`), 'the bottom frame is the cycle');
  const offered = cycle.decisions.filter((d: any) => d.decision === 'offered');
  assert.ok(offered.length > 0);
  for (const d of offered) {
    const short = d.offer_id.replace(/^.*-(O\d+)$/, '$1');
    assert.ok(names.some((n) => n.startsWith(`cycle ${cycle.cycle} · offer ${short} → sdk-fw on `)), `a frame for ${short}: ${names.join(' | ')}`);
  }
  const decisions = await scope(client, /^This cycle/);
  assert.equal(decisions.length, cycle.decisions.length);
  cycle.decisions.forEach((d: any, i: number) => assert.match(decisions[i].value, new RegExp(`: ${d.decision}`)));
  assert.equal(await evaluate(client, 'cycle'), String(cycle.cycle));
  assert.equal(Number(await evaluate(client, 'offers.length')), offered.length);
});

test('an `offer marathon` breakpoint stops on the cycle that offers to the app framework, its share condition holding, and nothing runs after it', async () => {
  const client = await attach({}, [{ name: 'offer marathon', condition: "share('marathon') >= 0.25" }]);
  // Held offers would keep every agent from marathon: the SDK framework declines them as they come.
  answer = 'decline';
  await declineHeld();
  const deployed = await marathon.api('POST', '/v2/apps', { id: '/web', cmd: 'sleep 600', cpus: 0.5, mem: 64, instances: 1 });
  assert.equal(deployed.status, 201, deployed.text);
  const stopped = await stopAfter(client, () => client.continueRequest({ threadId: 1 }));
  assert.equal(stopped.body.reason, 'breakpoint');
  assert.equal(stopped.body.hitBreakpointIds?.length, 1);
  const cycle = Number(await evaluate(client, 'cycle'));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await latestCycle(), cycle, 'no cycle ran after the stop');
  const trace = (await masterCycles(cycle - 1))[0];
  const marathonId = (await cluster.state()).frameworks.find((f) => f.name === 'marathon')!.id;
  assert.ok(trace.decisions.some((d: any) => d.decision === 'offered' && d.framework_id === marathonId), 'the stopped cycle offered to marathon');
  assert.ok(trace.shares.after.frameworks[marathonId] >= 0.25);
  assert.ok(Number(await evaluate(client, "share('marathon')")) >= 0.25);
  assert.ok((await frames(client, await threadOf(client, 'marathon'))).some((f) => /offer O\d+ → marathon on S\d/.test(f)));
  await marathon.api('DELETE', '/v2/apps/web');
});

test('a hit count stops on the third cycle that offers to the framework', async () => {
  const { from, stopped, cycle } = await continueToThirdOffer();
  assert.equal(stopped.body.reason, 'breakpoint');
  const offering = (await masterCycles(from)).filter((c) => c.cycle <= cycle && c.decisions.some((d: any) => d.decision === 'offered' && d.framework_id === sdk.frameworkId));
  assert.equal(offering.length, 3);
  assert.equal(offering.at(-1).cycle, cycle);
});

test('Step Into on a framework thread stops on its ACCEPT', async () => {
  const client = await attach();
  await declineHeld();
  const offers = await stepToOfferForSdk(client);
  await sdk.launch(offers[0], [commandTask(offers[0], 'dbg-task-1', 'sleep 600')]);
  await waitUntil('the task on the master', async () => (await cluster.state()).frameworks.find((f) => f.id === sdk.frameworkId)?.tasks.some((t) => t.id === 'dbg-task-1'));
  const thread = await threadOf(client, 'sdk-fw');
  const stopped = await stopAfter(client, () => client.stepInRequest({ threadId: thread }));
  assert.equal(stopped.body.reason, 'step');
  assert.equal(stopped.body.threadId, thread);
  const top = (await frames(client, thread))[0];
  assert.match(top, new RegExp(`^${offers[0].id.value.replace(/^.*-(O\d+)$/, '$1')} accepted by sdk-fw \\(launch dbg-task-1\\)$`));
  await sdk.kill('dbg-task-1');
});

test('the "Task failed or lost" exception breakpoint stops on TASK_FAILED, and a `launch` breakpoint on the launch', async () => {
  const client = await attach({}, [{ name: 'launch dbg-fail' }]);
  await client.setExceptionBreakpointsRequest({ filters: ['task-failed'] });
  await declineHeld();
  const offers = await stepToOfferForSdk(client);
  await sdk.launch(offers[0], [commandTask(offers[0], 'dbg-fail', 'exit 3')]);
  const launched = await stopAfter(client, () => client.continueRequest({ threadId: 1 }));
  assert.equal(launched.body.reason, 'breakpoint');
  assert.match((await frames(client))[0], /^dbg-fail launched on S\d by sdk-fw$/);
  const failed = await stopAfter(client, () => client.continueRequest({ threadId: 1 }));
  assert.equal(failed.body.reason, 'exception');
  assert.match((await client.exceptionInfoRequest({ threadId: 1 })).body.description ?? '', /^dbg-fail TASK_FAILED/);
  assert.match((await frames(client))[0], /^dbg-fail TASK_FAILED/);
});

test('Step Out runs until every offer of the cycle is answered', async () => {
  const client = await attach();
  await declineHeld();
  const offers = await stepToOfferForSdk(client);
  const stopped = client.waitForEvent('stopped', 20_000);
  let answeredAll = false;
  await client.stepOutRequest({ threadId: 1 });
  for (const o of offers) {
    await new Promise((r) => setTimeout(r, 300));
    answeredAll = o === offers.at(-1);
    await sdk.decline([o.id.value], { refuse_seconds: 0 });
  }
  await stopped;
  assert.ok(answeredAll, 'stopped only after the last answer');
  const top = (await frames(client))[0];
  assert.match(top, new RegExp(`^${offers.at(-1)!.id.value.replace(/^.*-(O\d+)$/, '$1')} declined by sdk-fw`));
});

test('Step Back shows the previous cycle read-only, and Continue returns to the live cluster', async () => {
  const client = await attach();
  await declineHeld();
  await stopAfter(client, () => client.nextRequest({ threadId: 1 }));
  const first = Number(await evaluate(client, 'cycle'));
  await declineHeld();
  await stopAfter(client, () => client.nextRequest({ threadId: 1 }));
  assert.equal(Number(await evaluate(client, 'cycle')), first + 1);
  await stopAfter(client, () => client.stepBackRequest({ threadId: 1 }));
  assert.equal(Number(await evaluate(client, 'cycle')), first);
  const recorded = (await masterCycles(first - 1))[0];
  const shown = await scope(client, /^This cycle \(/);
  assert.equal(shown.length, recorded.decisions.length);
  recorded.decisions.forEach((d: any, i: number) => assert.match(shown[i].value, new RegExp(`: ${d.decision}`)));
  assert.match((await frames(client)).at(-1)!, new RegExp(`^cycle ${first} `));

  await Promise.all([client.waitForEvent('continued'), client.continueRequest({ threadId: 1 })]);
  const paused = await stopAfter(client, () => client.pauseRequest({ threadId: 1 }));
  assert.equal(paused.body.reason, 'pause');
  assert.equal(Number(await evaluate(client, 'cycle')), await latestCycle(), 'live again: the newest cycle');
});

test('`why` names the filter left by a DECLINE with refuse_seconds', async () => {
  const client = await attach();
  await declineHeld();
  const offers = await stepToOfferForSdk(client);
  const [filtered, ...rest] = offers;
  await sdk.decline([filtered.id.value], { refuse_seconds: 60 });
  if (rest.length) await sdk.decline(rest.map((o) => o.id.value), { refuse_seconds: 0 });
  await declineHeld();
  await stopAfter(client, () => client.nextRequest({ threadId: 1 }));
  const text = await evaluate(client, 'why sdk-fw');
  const agent = filtered.agent_id.value.replace(/^.*-(S\d+)$/, '$1');
  const offer = filtered.id.value.replace(/^.*-(O\d+)$/, '$1');
  assert.match(text, new RegExp(`${agent} \\([^)]*\\): filtered until \\d\\d:\\d\\d:\\d\\d by its own DECLINE of ${offer} at [\\d:]+ \\(refuse_seconds ≈ (59|60)\\)`), text);
  await sdk.revive();
});

test('disconnecting resumes allocation on the master; so do an adapter ended by SIGTERM and one whose client went away', async () => {
  const client = await attach();
  assert.equal(await paused(), true);
  await client.disconnectRequest({});
  assert.equal(await paused(), false);
  await client.stop();
  dc = undefined;

  type Spawned = { _adapterProcess: { kill(s: string): void; stdin: { end(): void } } };
  const second = await attach();
  assert.equal(await paused(), true);
  (second as unknown as Spawned)._adapterProcess.kill('SIGTERM');
  await waitUntil('allocation resumed after SIGTERM', async () => (await paused()) === false, 5000);

  const third = await attach();
  assert.equal(await paused(), true);
  (third as unknown as Spawned)._adapterProcess.stdin.end();
  await waitUntil('allocation resumed after the client closed stdin', async () => (await paused()) === false, 5000);
  dc = undefined;
});

type Adapter = { _adapterProcess: { pid: number; kill(s: string): void } };
const adapterPid = (client: DebugClient) => (client as unknown as Adapter)._adapterProcess.pid;

test('killing the adapter\'s connection resumes allocation: the master notices the controlling connection drop (SIGKILL, no goodbye)', async () => {
  const client = await attach();
  const controlled = await getJson<{ allocation_paused: boolean; allocation_controller?: { pid: number } }>(`${cluster.masterUrl}/master/state`);
  assert.equal(controlled.allocation_paused, true);
  assert.equal(controlled.allocation_controller?.pid, adapterPid(client));
  (client as unknown as Adapter)._adapterProcess.kill('SIGKILL');
  await waitUntil('allocation resumed after SIGKILL', async () => (await paused()) === false, 5000);
  assert.equal((await cluster.state()).allocation_controller, undefined);
  const runs = await latestCycle();
  await waitUntil('cycles on the master\'s own clock', async () => (await latestCycle()) > runs + 2, 5000);
  dc = undefined;
});

test('a second debugger is told who controls allocation; with takeOver it takes it, and the first session ends', async () => {
  const first = await attach();
  dc = undefined;
  const refusedClient = new DebugClient(process.execPath, ADAPTER, 'mesolite');
  try {
    await refusedClient.start();
    await refusedClient.initializeRequest();
    await refusedClient.configurationDoneRequest();
    const refused = await refusedClient.attachRequest({ master: cluster.masterAddress } as DebugProtocol.AttachRequestArguments).then(() => undefined, (e: Error) => e);
    assert.ok(refused, 'the second attach is refused');
    assert.match(refused.message, new RegExp(`controlled by Mesolite offer-cycle debugger on .+ \\(pid ${adapterPid(first)}\\) since .*takeOver`));
    const terminated = first.waitForEvent('terminated');
    const second = await attach({ takeOver: true });
    await terminated;
    assert.equal(((await cluster.state()).allocation_controller as { pid: number }).pid, adapterPid(second));
    assert.equal(await paused(), true);
    await second.disconnectRequest({});
    assert.equal(await paused(), false);
  } finally {
    await refusedClient.stop();
    await first.stop();
  }
});

test('Continue lets the master run its own cycles, each held: a breakpoint stops on the last cycle run; Step Back shows the Cluster and offers the master held at cycles never stopped at, and Reverse Continue pages back to the oldest it keeps', async () => {
  const { client, from, stopped, cycle } = await continueToThirdOffer();
  assert.equal(stopped.body.reason, 'breakpoint');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await latestCycle(), cycle, 'nothing ran after the stop');
  const ran = (await masterCycles(from)).filter((c) => c.cycle <= cycle);
  assert.ok(ran.every((c) => c.trigger !== 'step'), `the master's own triggers: ${ran.map((c) => c.trigger).join(', ')}`);

  // Back to a cycle the debugger ran through without stopping.
  await stopAfter(client, () => client.stepBackRequest({ threadId: 1 }));
  const back = Number(await evaluate(client, 'cycle'));
  assert.ok(back < cycle);
  const recorded = (await call({ type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { before: back + 1, limit: 1, include_state: true } })).mesolite_get_allocation_cycles.cycles[0];
  assert.equal(recorded.cycle, back);
  const agents = await scope(client, /^Cluster$/);
  assert.equal(agents.length, recorded.state.agents.length);
  for (const a of recorded.state.agents) {
    const node = agents.find((v) => a.agent_id.endsWith(`-${v.name}`));
    assert.ok(node, `agent ${a.agent_id} in Cluster`);
    const total = (await client.variablesRequest({ variablesReference: node.variablesReference })).body.variables.find((v) => v.name === 'total');
    const cpus = a.total_resources.find((r: any) => r.name === 'cpus').scalar.value;
    assert.match(total?.value ?? '', new RegExp(`^cpus ${cpus}, mem `), 'the total the master recorded at that cycle');
  }
  const outstanding = await scope(client, /^Outstanding offers$/);
  assert.deepEqual(outstanding.map((v) => v.name).sort(), recorded.state.offers.map((o: any) => o.offer_id.replace(/^.*-(O\d+)$/, '$1')).sort());

  // The attach loaded the last 100 cycles; Reverse Continue pages back through the rest.
  answer = 'hold';
  await client.disconnectRequest({});
  await client.stop();
  dc = undefined;
  await waitUntil('more than 150 cycles in the history', async () => (await masterCycles()).length > 150, 30_000);
  const again = await attach();
  const oldest = (await masterCycles())[0].cycle;
  await stopAfter(again, () => again.reverseContinueRequest({ threadId: 1 }));
  assert.equal(Number(await evaluate(again, 'cycle')), oldest);
});
