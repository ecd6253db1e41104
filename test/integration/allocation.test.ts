// Allocation through the real operator API: step mode with two frameworks, the cycle trace and its
// stream, weights and quota (persisted by the registry), dynamic reservations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson, openStream } from '../../runtime/common/http';
import type { Resource } from '../../runtime/common/protocol/v1';
import { clusterFixture, subscribedScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 2 });

async function call(body: Record<string, unknown>): Promise<{ status: number; json: any; body: string }> {
  const r = await cluster.operator(body);
  return { status: r.status, body: r.body, json: r.body && r.headers['content-type'] === 'application/json' ? JSON.parse(r.body) : undefined };
}

const metrics = () => getJson<Record<string, number>>(`${cluster.masterUrl}/metrics/snapshot`);

test('step mode: paused, each STEP runs exactly one cycle and returns its trace; RESUME restarts the clock', async (t) => {
  const cycleEvents: any[] = [];
  const removedOffers: any[] = [];
  const stream = await openStream(`${cluster.masterUrl}/api/v1?allocation_cycles=true`, { type: 'SUBSCRIBE' }, (e) => {
    if (e.type === 'MESOLITE_ALLOCATION_CYCLE') cycleEvents.push(e);
    if (e.type === 'MESOLITE_OFFER_REMOVED') removedOffers.push(e.mesolite_offer_removed);
  });
  assert.equal((await call({ type: 'MESOLITE_PAUSE_ALLOCATION' })).status, 200);
  try {
    assert.equal((await cluster.state()).allocation_paused, true);
    assert.equal((await metrics())['allocator/mesolite/allocation_paused'], 1);
    const a = await subscribedScheduler(t, cluster, { name: 'fw-a' });
    const b = await subscribedScheduler(t, cluster, { name: 'fw-b' });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal([...a.events, ...b.events].filter((e) => e.type === 'OFFERS').length, 0, 'no offers while paused');
    const runsBefore = (await metrics())['allocator/mesos/allocation_runs'];

    // STEP 1: two agents, two frameworks with equal shares: each gets one agent.
    const step1 = (await call({ type: 'MESOLITE_STEP_ALLOCATION' })).json.mesolite_step_allocation.cycle;
    assert.equal(step1.trigger, 'step');
    assert.equal(step1.agents.length, 2);
    const offered1 = step1.decisions.filter((d: any) => d.decision === 'offered');
    assert.deepEqual(offered1.map((d: any) => d.framework_id).sort(), [a.frameworkId, b.frameworkId].sort());
    assert.notEqual(offered1[0].agent_id, offered1[1].agent_id);
    const [offerA] = await a.offers();
    const [offerB] = await b.offers();
    assert.ok(offered1.some((d: any) => d.offer_id === offerA.id.value), 'the trace names the offer a framework received');
    assert.ok(offered1.some((d: any) => d.offer_id === offerB.id.value));
    assert.ok(step1.shares.after.frameworks[a.frameworkId!] > step1.shares.before.frameworks[a.frameworkId!]);
    assert.equal((await metrics())['allocator/mesos/allocation_runs'], runsBefore + 1, 'exactly one cycle per STEP');

    // fw-a declines for a minute: STEP 2 records it as filtered and gives its agent to fw-b.
    await a.decline([offerA.id.value], { refuse_seconds: 60 });
    await waitUntil('the declined offer announced as removed', () => removedOffers.find((r) => r.offer_id.value === offerA.id.value));
    assert.deepEqual(removedOffers.at(-1), { offer_id: offerA.id, framework_id: offerA.framework_id, agent_id: offerA.agent_id, reason: 'DECLINED', refuse_seconds: 60 });
    const step2 = (await call({ type: 'MESOLITE_STEP_ALLOCATION' })).json.mesolite_step_allocation.cycle;
    const onA = step2.decisions.filter((d: any) => d.agent_id === offerA.agent_id.value);
    assert.deepEqual(onA.map((d: any) => `${d.framework_id === a.frameworkId ? 'a' : 'b'}:${d.decision}`), ['a:filtered', 'b:offered']);
    assert.ok(onA[0].until > Date.now() + 50_000, 'filtered until about a minute from now');
    assert.deepEqual(step2.decisions.filter((d: any) => d.agent_id === offerB.agent_id.value).map((d: any) => d.decision), ['nothing_left']);
    assert.equal((await metrics())['allocator/mesos/allocation_runs'], runsBefore + 2);

    // fw-b suppresses: STEP 3 says so.
    await b.decline((await b.offers(b.events.length - 1)).map((o) => o.id.value).concat(offerB.id.value), { refuse_seconds: 0 });
    await b.suppress();
    await new Promise((r) => setTimeout(r, 200));
    const step3 = (await call({ type: 'MESOLITE_STEP_ALLOCATION' })).json.mesolite_step_allocation.cycle;
    assert.ok(step3.decisions.some((d: any) => d.framework_id === b.frameworkId && d.decision === 'suppressed'));

    // The history and the stream hold the same cycles.
    const history = (await call({ type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { since: step1.cycle - 1, limit: 10 } })).json.mesolite_get_allocation_cycles;
    assert.equal(history.paused, true);
    assert.deepEqual(history.cycles.map((c: any) => c.cycle), [step1.cycle, step2.cycle, step3.cycle]);
    await waitUntil('three cycle summaries on the stream', () => cycleEvents.length >= 3);
    const summary = cycleEvents.find((e) => e.mesolite_allocation_cycle.cycle === step2.cycle).mesolite_allocation_cycle;
    assert.equal(summary.decisions.filtered, 1);
    assert.equal(summary.offers.length, 1);

    // RESUME: periodic cycles run again without steps.
    assert.equal((await call({ type: 'MESOLITE_RESUME_ALLOCATION' })).status, 200);
    const resumedAt = (await metrics())['allocator/mesos/allocation_runs'];
    await waitUntil('periodic cycles', async () => (await metrics())['allocator/mesos/allocation_runs'] >= resumedAt + 3);
    assert.equal((await cluster.state()).allocation_paused, false);
    const m = await metrics();
    for (const name of ['allocator/mesos/allocation_run_ms/p50', 'allocator/mesos/allocation_run_latency_ms/p99', 'allocator/mesos/event_queue_dispatches', 'allocator/mesos/roles/*/shares/dominant']) {
      assert.equal(typeof m[name], 'number', name);
    }
  } finally {
    await call({ type: 'MESOLITE_RESUME_ALLOCATION' });
    stream.close();
  }
});

test('UPDATE_WEIGHTS / GET_WEIGHTS and UPDATE_QUOTA / GET_QUOTA, validated, and kept by the registry across a master restart', async () => {
  assert.equal((await call({ type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'ops', weight: 2.5 }] } })).status, 200);
  const badWeight = await call({ type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'ops', weight: 0 }] } });
  assert.equal(badWeight.status, 400);
  assert.match(badWeight.body, /'update_weights\.weight_infos\[0\]\.weight' must be positive/);

  const tooMuch = await call({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'dev', guarantees: { cpus: { value: 100 } } }] } });
  assert.equal(tooMuch.status, 400);
  assert.match(tooMuch.body, /exceed the cluster capacity/);
  const inverted = await call({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'dev', guarantees: { cpus: { value: 2 } }, limits: { cpus: { value: 1 } } }] } });
  assert.equal(inverted.status, 400);
  assert.match(inverted.body, /guarantee 2 exceeds its limit 1/);
  const ok = await call({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'dev', guarantees: { cpus: { value: 1 }, mem: { value: 128 } }, limits: { cpus: { value: 4 } } }] } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal((await metrics())['allocator/mesos/quota/roles/dev/resources/cpus/guarantee'], 1);

  await cluster.stopMaster();
  await cluster.startMaster();
  await cluster.waitForAgents(2);
  const weights = (await call({ type: 'GET_WEIGHTS' })).json.get_weights.weight_infos;
  assert.deepEqual(weights, [{ role: 'ops', weight: 2.5 }]);
  const quota = (await call({ type: 'GET_QUOTA' })).json.get_quota.status.configs;
  assert.deepEqual(quota, [{ role: 'dev', guarantees: { cpus: { value: 1 }, mem: { value: 128 } }, limits: { cpus: { value: 4 } } }]);
  assert.equal((await call({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'dev' }] } })).status, 200, 'an empty config removes the quota');
  assert.deepEqual((await call({ type: 'GET_QUOTA' })).json.get_quota.status.configs, []);
});

const reserved = (role: string, text: string): Resource[] => text.split(';').map((part) => {
  const [name, value] = part.split(':');
  return { name, type: 'SCALAR', scalar: { value: Number(value) }, reservations: [{ type: 'DYNAMIC', role }] };
});

test('dynamic reservations: the operator reserves, an ops framework gets them (and reserves more with ACCEPT), others never; they survive an agent restart', async (t) => {
  const state = await cluster.state();
  const agentId = state.slaves[0].id;
  const tooMuch = await call({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: agentId }, resources: reserved('ops', 'cpus:64') } });
  assert.equal(tooMuch.status, 409);
  assert.equal((await call({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: agentId }, resources: reserved('ops', 'cpus:1;mem:256') } })).status, 202);
  const slave = () => cluster.state().then((s) => s.slaves.find((a) => a.id === agentId)! as any);
  assert.deepEqual((await slave()).reserved_resources.ops, { cpus: 1, mem: 256, disk: 0, gpus: 0 });

  // Alone, the ops framework is offered the agent's unreserved resources and its reservation.
  const ops = await subscribedScheduler(t, cluster, { name: 'ops', role: 'ops' });
  const opsOffer = await ops.next('OFFERS', (e) => e.offers.offers.some((o) => o.agent_id.value === agentId));
  const offer = opsOffer.offers.offers.find((o) => o.agent_id.value === agentId)!;
  const reservedCpus = offer.resources.find((r) => r.name === 'cpus' && r.reservations?.[0]?.role === 'ops');
  assert.equal(reservedCpus?.scalar?.value, 1);
  assert.equal(reservedCpus?.allocation_info?.role, 'ops');

  // RESERVE through ACCEPT: one more (unreserved) cpu for ops.
  await ops.accept([offer.id.value], [{ type: 'RESERVE', reserve: { resources: reserved('ops', 'cpus:1').map((r) => ({ ...r, allocation_info: { role: 'ops' } })) } }], { refuse_seconds: 0 });
  await waitUntil('two reserved cpus', async () => (await slave()).reserved_resources.ops?.cpus === 2);

  // With ops out of the way (suppressed, its offers declined), a * framework gets the agent, but
  // never what ops reserved.
  await ops.suppress();
  await ops.decline(ops.events.flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers.map((o) => o.id.value) : [])));
  const star = await subscribedScheduler(t, cluster, { name: 'star' });
  await star.next('OFFERS', (e) => e.offers.offers.some((o) => o.agent_id.value === agentId));
  for (const e of star.events) {
    if (e.type !== 'OFFERS') continue;
    for (const o of e.offers.offers) assert.ok(o.resources.every((r) => !r.reservations?.length), 'a * framework never sees ops reservations');
  }

  // Restart the agent: it comes back with its checkpointed reservations.
  await cluster.stopAgent(0);
  await cluster.startAgent(0);
  await waitUntil('the agent back', async () => (await slave())?.active);
  assert.deepEqual((await slave()).reserved_resources.ops, { cpus: 2, mem: 256, disk: 0, gpus: 0 });

  // UNRESERVE through the operator API (its offers are rescinded first).
  const unreserve = await call({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: agentId }, resources: reserved('ops', 'cpus:2;mem:256') } });
  assert.equal(unreserve.status, 202, unreserve.body);
  assert.equal((await slave()).reserved_resources.ops, undefined);
});
