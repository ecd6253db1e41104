// Allocation under a controller, through the real operator API: the controlling connection
// (MESOLITE_CONTROL_ALLOCATION) and who may pause, step, resume or release; cycles run by the master's
// own triggers and held until released; the history paged back with the state of each cycle. The
// interval is an hour, so that every cycle here has a trigger this test caused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpError, openStream, postJson, type OpenStream } from '../../runtime/common/http';
import { TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';

let cluster: TestCluster;
before(async () => { cluster = await TestCluster.start({ agents: 1, masterFlags: ['--allocation_interval=1hrs', '--heartbeat_interval=200ms'] }); });
after(async () => { await cluster?.stop(); });

interface Control { stream: OpenStream; streamId: string; events: any[] }

/** Opens a controlling connection (rejects with the master's HttpError when refused). */
async function control(name: string, takeOver = false): Promise<Control> {
  const events: any[] = [];
  let streamId = '';
  const call = { type: 'MESOLITE_CONTROL_ALLOCATION', mesolite_control_allocation: { controller: { name, hostname: `host-${name}`, pid: 100 + name.length }, take_over: takeOver } };
  const stream = await openStream(`${cluster.masterUrl}/api/v1`, call, (e) => events.push(e), {}, (h) => { streamId = String(h['mesos-stream-id']); });
  return { stream, streamId, events };
}

async function call(body: Record<string, unknown>, streamId?: string): Promise<{ status: number; body: string; json: any }> {
  const r = await postJson(`${cluster.masterUrl}/api/v1`, body, streamId ? { 'Mesos-Stream-Id': streamId } : {});
  return { status: r.status, body: r.body, json: r.body && r.headers['content-type'] === 'application/json' ? JSON.parse(r.body) : undefined };
}

const state = () => cluster.state() as Promise<any>;
const cycles = async (query: Record<string, unknown>) => (await call({ type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: query })).json.mesolite_get_allocation_cycles.cycles as any[];
const latest = async () => (await cycles({ limit: 1 })).at(-1)?.cycle ?? 0;

/** The operator stream's MESOLITE_ALLOCATION_CYCLE summaries. */
async function summaries(): Promise<{ list: any[]; stream: OpenStream }> {
  const list: any[] = [];
  const stream = await openStream(`${cluster.masterUrl}/api/v1?allocation_cycles=true`, { type: 'SUBSCRIBE' }, (e) => {
    if (e.type === 'MESOLITE_ALLOCATION_CYCLE') list.push(e.mesolite_allocation_cycle);
  });
  return { list, stream };
}

test('one controller at a time: others get 409 naming it, take_over moves control and the first hears MESOLITE_CONTROL_LOST; a closed connection resumes allocation', async () => {
  const a = await control('ctl-a');
  try {
    await waitUntil('MESOLITE_CONTROL_GRANTED', () => a.events.find((e) => e.type === 'MESOLITE_CONTROL_GRANTED'));
    assert.equal(a.events[0].mesolite_control_granted.heartbeat_interval_seconds, 0.2);
    assert.ok(a.streamId);
    const s = await state();
    assert.equal(s.allocation_paused, true, 'control pauses allocation');
    assert.deepEqual({ ...s.allocation_controller, since: undefined }, { name: 'ctl-a', hostname: 'host-ctl-a', pid: 105, since: undefined });
    await waitUntil('heartbeats', () => a.events.filter((e) => e.type === 'HEARTBEAT').length >= 2);

    // Nobody else may drive allocation; the controller may.
    for (const type of ['MESOLITE_STEP_ALLOCATION', 'MESOLITE_RESUME_ALLOCATION', 'MESOLITE_PAUSE_ALLOCATION']) {
      const refused = await call({ type });
      assert.equal(refused.status, 409, type);
      assert.match(refused.body, /Allocation is controlled by ctl-a on host-ctl-a \(pid 105\) since \d{4}-/);
    }
    assert.equal((await call({ type: 'MESOLITE_RELEASE_ALLOCATION_CYCLE', mesolite_release_allocation_cycle: { cycle: 1 } }, 'not-the-id')).status, 409);
    const step = await call({ type: 'MESOLITE_STEP_ALLOCATION' }, a.streamId);
    assert.equal(step.status, 200);

    // A second controller is refused, naming the first, unless it takes over.
    await assert.rejects(control('ctl-b'), (e: HttpError) => e.status === 409 && /controlled by ctl-a on host-ctl-a \(pid 105\)/.test(e.message));
    const bad = await call({ type: 'MESOLITE_CONTROL_ALLOCATION', mesolite_control_allocation: { controller: { name: '', hostname: 'h', pid: 1 } } });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /mesolite_control_allocation\.controller\.name/);
    const b = await control('ctl-b', true);
    try {
      await waitUntil('the first controller told', () => a.events.find((e) => e.type === 'MESOLITE_CONTROL_LOST'));
      assert.deepEqual(a.events.find((e) => e.type === 'MESOLITE_CONTROL_LOST').mesolite_control_lost.controller, { name: 'ctl-b', hostname: 'host-ctl-b', pid: 105 });
      await a.stream.ended;
      await waitUntil('MESOLITE_CONTROL_GRANTED', () => b.events.find((e) => e.type === 'MESOLITE_CONTROL_GRANTED'));
      assert.deepEqual(b.events[0].mesolite_control_granted.taken_from, { name: 'ctl-a', hostname: 'host-ctl-a', pid: 105 });
      assert.equal((await state()).allocation_controller.name, 'ctl-b');
      const stale = await call({ type: 'MESOLITE_STEP_ALLOCATION' }, a.streamId);
      assert.equal(stale.status, 409);
      assert.match(stale.body, /controlled by ctl-b/);
    } finally {
      b.stream.close();
    }
    await waitUntil('allocation resumed when the controller left', async () => (await state()).allocation_paused === false);
    assert.equal((await state()).allocation_controller, undefined);
    assert.equal((await call({ type: 'MESOLITE_PAUSE_ALLOCATION' })).status, 200, 'anyone may pause again');
    assert.equal((await call({ type: 'MESOLITE_RESUME_ALLOCATION' })).status, 200);
  } finally {
    a.stream.close();
  }
});

test('under control, RESUME lets the master run the cycles its own triggers ask for, each held until released; what came meanwhile runs at the release', async () => {
  const c = await control('holder');
  const { list, stream } = await summaries();
  const fw = new TestScheduler(cluster.masterAddress, { name: 'held-fw' });
  try {
    const from = await latest();
    await fw.subscribe();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await latest(), from, 'no cycle while paused');
    assert.equal((await call({ type: 'MESOLITE_RESUME_ALLOCATION' }, c.streamId)).status, 200);
    const [offer] = await fw.offers();
    const first = await waitUntil('a held cycle', () => list.find((x) => x.cycle > from));
    assert.equal(first.trigger, 'framework_added');
    assert.equal(first.held, true);
    assert.equal((await state()).allocation_controller.held_cycle, first.cycle);

    // The decline is a trigger: it waits for the release.
    await fw.decline([offer.id.value], { refuse_seconds: 0 });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await latest(), first.cycle, 'nothing runs while a cycle is held');
    const early = await call({ type: 'MESOLITE_RELEASE_ALLOCATION_CYCLE', mesolite_release_allocation_cycle: { cycle: first.cycle + 5 } }, c.streamId);
    assert.equal(early.status, 400);
    assert.match(early.body, /has not run yet/);
    assert.equal((await call({ type: 'MESOLITE_RELEASE_ALLOCATION_CYCLE', mesolite_release_allocation_cycle: { cycle: first.cycle } }, c.streamId)).status, 200);
    const second = await waitUntil('the cycle the decline asked for', () => list.find((x) => x.cycle === first.cycle + 1));
    assert.equal(second.trigger, 'resources_recovered');
    assert.equal(second.held, true);
    assert.equal((await call({ type: 'MESOLITE_RELEASE_ALLOCATION_CYCLE', mesolite_release_allocation_cycle: { cycle: first.cycle } }, c.streamId)).status, 200, 'a stale release is a no-op');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await latest(), second.cycle);

    // A step runs at once and is not held; PAUSE stops the master's own cycles until RESUME.
    const step = (await call({ type: 'MESOLITE_STEP_ALLOCATION' }, c.streamId)).json.mesolite_step_allocation.cycle;
    assert.equal(step.cycle, second.cycle + 1);
    await waitUntil('the step on the stream', () => list.find((x) => x.cycle === step.cycle));
    assert.equal(list.find((x) => x.cycle === step.cycle).held, undefined);
  } finally {
    stream.close();
    c.stream.close();
    await fw.teardown();
  }
  await waitUntil('no controller', async () => (await state()).allocation_controller === undefined);
});

test('MESOLITE_GET_ALLOCATION_CYCLES pages back with `before`, and `include_state` gives what the master held after each cycle', async () => {
  const c = await control('pager');
  const fw = new TestScheduler(cluster.masterAddress, { name: 'paged-fw' });
  try {
    await fw.subscribe();
    const step = async () => (await call({ type: 'MESOLITE_STEP_ALLOCATION' }, c.streamId)).json.mesolite_step_allocation.cycle;
    const offered = await step();
    const offer = offered.decisions.find((d: any) => d.decision === 'offered' && d.framework_id === fw.frameworkId);
    assert.ok(offer, 'the step offered the agent to paged-fw');
    await fw.decline([offer.offer_id], { refuse_seconds: 0 });
    await fw.suppress();
    await waitUntil('the offer gone', async () => (await state()).frameworks.find((f: any) => f.id === fw.frameworkId)?.offers.length === 0);
    const suppressed = await step();
    const last = await step();

    const page = await cycles({ before: last.cycle, limit: 2 });
    assert.deepEqual(page.map((x) => x.cycle), [offered.cycle, suppressed.cycle], 'the newest two before `before`, oldest first');
    assert.equal(page[0].state, undefined, 'no state unless asked');
    assert.deepEqual((await cycles({ since: offered.cycle, before: last.cycle + 1, limit: 10 })).map((x) => x.cycle), [suppressed.cycle, last.cycle]);

    const [withOffer, afterSuppress] = await cycles({ before: last.cycle, limit: 2, include_state: true });
    const agentId = offer.agent_id;
    const agent = withOffer.state.agents.find((a: any) => a.agent_id === agentId);
    assert.equal(agent.active, true);
    assert.equal(agent.total_resources.find((r: any) => r.name === 'cpus').scalar.value, 4);
    assert.deepEqual(agent.offered_resources.find((r: any) => r.name === 'cpus').scalar, offer.resources.find((r: any) => r.name === 'cpus').scalar);
    assert.deepEqual(withOffer.state.offers.map((o: any) => [o.offer_id, o.framework_id, o.agent_id]), [[offer.offer_id, fw.frameworkId, agentId]]);
    assert.deepEqual(withOffer.state.frameworks.find((f: any) => f.framework_id === fw.frameworkId), { framework_id: fw.frameworkId, roles: ['*'], suppressed_roles: [], active: true });
    assert.deepEqual(afterSuppress.state.frameworks.find((f: any) => f.framework_id === fw.frameworkId).suppressed_roles, ['*']);
    assert.deepEqual(afterSuppress.state.offers, []);
    assert.equal(afterSuppress.state.agents.find((a: any) => a.agent_id === agentId).offered_resources.length, 0);

    const bad = await call({ type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { before: 'x' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /mesolite_get_allocation_cycles\.before/);
  } finally {
    c.stream.close();
    await fw.teardown();
  }
});
