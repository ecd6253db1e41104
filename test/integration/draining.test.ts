// Agent deactivation, automatic draining and MARK_AGENT_GONE (Mesos docs/maintenance.md) on a real master
// and agents: a deactivated agent keeps its task but gets no offers, across a master restart; a drain kills
// every task within max_grace_period (REASON_AGENT_DRAINING) and the agent is DRAINED once the updates are
// acknowledged; a drain with mark_gone removes the agent for good, its task TASK_GONE_BY_OPERATOR.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { Offer } from '../../runtime/common/protocol/v1';
import { clusterFixture, commandTask, onFileEnd, onFileStart, TestScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 2, agentFlags: (i) => [`--hostname=agent-${i}`] });
let s: TestScheduler;
const agentIds: string[] = [];

onFileStart(async () => {
  s = scheduler();
  await s.subscribe();
  const offers = await offersFrom(['agent-0', 'agent-1']);
  for (const host of ['agent-0', 'agent-1']) agentIds.push(offers.find((o) => o.hostname === host)!.agent_id.value);
});
// Before the cluster stops. The framework's TEARDOWN may fail, ignored as it was: a test restarts the
// master and fails the scheduler over, and the cluster stopping next ends whatever is left of it.
onFileEnd(() => s?.teardown().catch(() => undefined));

/** The test's framework: partition-aware, and it survives a master restart (failing over to a new scheduler). */
const scheduler = (id?: string) => new TestScheduler(cluster.masterAddress, {
  name: 'draining', capabilities: [{ type: 'PARTITION_AWARE' }], failover_timeout: 300, ...(id ? { id: { value: id } } : {}),
});

/** Offers received from `from` on, once there is one from each of these hosts. */
function offersFrom(hosts: string[], from = 0): Promise<Offer[]> {
  return waitUntil(`offers from ${hosts.join(', ')}`, () => {
    const all = s.events.slice(from).flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : []));
    return hosts.every((h) => all.some((o) => o.hostname === h)) ? all : undefined;
  }, 15_000);
}

async function agents(): Promise<Array<{ agent_info: { id: { value: string } }; active: boolean; deactivated: boolean; drain_info?: { state: string; config: Record<string, unknown> } }>> {
  return JSON.parse((await cluster.operator({ type: 'GET_AGENTS' })).body).get_agents.agents;
}
const agent = async (id: string) => (await agents()).find((a) => a.agent_info.id.value === id);

const used = new Set<string>();

/** The framework's latest offer of this host it still holds (not used, not rescinded). */
function heldOffer(host: string): Offer | undefined {
  const held = new Map<string, Offer>();
  for (const e of s.events) {
    if (e.type === 'OFFERS') for (const o of e.offers.offers) held.set(o.id.value, o);
    if (e.type === 'RESCIND') held.delete(e.rescind.offer_id.value);
  }
  return [...held.values()].filter((o) => o.hostname === host && !used.has(o.id.value)).at(-1);
}

/** Launches a task on the agent of `host`, from an offer the framework holds or the next one. */
async function launchOn(host: string, id: string, command: string, killGraceSeconds?: number): Promise<void> {
  if (!heldOffer(host)) await s.revive();
  const offer = await waitUntil(`an offer from ${host}`, () => heldOffer(host), 15_000);
  used.add(offer.id.value);
  const task = commandTask(offer, id, command, 'cpus:0.1;mem:16');
  if (killGraceSeconds !== undefined) task.kill_policy = { grace_period: { nanoseconds: killGraceSeconds * 1e9 } };
  await s.launch(offer, [task], { refuse_seconds: 0 });
  await s.status(id, 'TASK_RUNNING');
}

test('bad calls are refused with a 400 naming the problem', async () => {
  const unknown = await cluster.operator({ type: 'DEACTIVATE_AGENT', deactivate_agent: { agent_id: { value: 'no-such-agent' } } });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /Unknown agent/);
  const noId = await cluster.operator({ type: 'DRAIN_AGENT', drain_agent: {} });
  assert.equal(noId.status, 400);
  assert.match(noId.body, /'drain_agent\.agent_id' must be an object/);
  const badGrace = await cluster.operator({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: agentIds[0] }, max_grace_period: 'soon' } });
  assert.equal(badGrace.status, 400);
  assert.match(badGrace.body, /'drain_agent\.max_grace_period' must be a duration/);
  const notDeactivated = await cluster.operator({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: agentIds[0] } } });
  assert.equal(notDeactivated.status, 400);
  assert.match(notDeactivated.body, /Agent is not deactivated/);
  const notFound = await cluster.operator({ type: 'MARK_AGENT_GONE', mark_agent_gone: { agent_id: { value: 'no-such-agent' } } });
  assert.equal(notFound.status, 404);
  assert.ok((await agents()).every((a) => a.active && !a.deactivated), 'nothing changed');
});

test('a deactivated agent keeps its task but gets no offers, across a master restart; reactivated, it is offered again', async () => {
  await launchOn('agent-0', 'stays', 'sleep 1000');
  const deactivated = await cluster.operator({ type: 'DEACTIVATE_AGENT', deactivate_agent: { agent_id: { value: agentIds[0] } } });
  assert.equal(deactivated.status, 200, deactivated.body);
  assert.deepEqual(await agent(agentIds[0]).then((a) => [a?.active, a?.deactivated]), [false, true]);
  const v0 = (await cluster.state()).slaves.find((a) => a.id === agentIds[0]) as unknown as { active: boolean; deactivated: boolean };
  assert.deepEqual([v0.active, v0.deactivated], [false, true], '/master/state says so too');

  s.close();
  await cluster.stopMaster('SIGKILL');
  await cluster.startMaster();
  await waitUntil('both agents back', async () => (await cluster.state()).slaves.length === 2);
  assert.deepEqual(await agent(agentIds[0]).then((a) => [a?.active, a?.deactivated]), [false, true], 'the registry kept the deactivation');
  s = scheduler(s.frameworkId);
  const from = 0; // every event of the new scheduler: offers may come with SUBSCRIBED
  await s.subscribe();
  await s.revive();
  await offersFrom(['agent-1'], from);
  await new Promise((r) => setTimeout(r, 1500)); // a few allocation cycles
  const hosts = s.events.slice(from).flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : [])).map((o) => o.hostname);
  assert.ok(!hosts.includes('agent-0'), `no offer from the deactivated agent: ${hosts}`);
  assert.equal((await cluster.state()).frameworks.find((f) => f.id === s.frameworkId)?.tasks.find((t) => t.id === 'stays')?.state, 'TASK_RUNNING');

  const reactivated = await cluster.operator({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: agentIds[0] } } });
  assert.equal(reactivated.status, 200, reactivated.body);
  await offersFrom(['agent-0'], from);
  assert.deepEqual(await agent(agentIds[0]).then((a) => [a?.active, a?.deactivated]), [true, false]);
});

test('DRAIN_AGENT kills every task within max_grace_period; the agent is DRAINED once the updates are acknowledged', async () => {
  // A task that ignores SIGTERM, with a kill grace period of a minute: the drain's 1 s bound applies.
  await launchOn('agent-0', 'stubborn', "trap '' TERM; sleep 1000", 60);
  const started = Date.now();
  const drained = await cluster.operator({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: agentIds[0] }, max_grace_period: '1secs' } });
  assert.equal(drained.status, 200, drained.body);
  const draining = await agent(agentIds[0]);
  assert.equal(draining?.deactivated, true);
  assert.deepEqual(draining?.drain_info?.config, { max_grace_period: { nanoseconds: 1e9 }, mark_gone: false });

  for (const id of ['stays', 'stubborn']) {
    const killed = await s.status(id, 'TASK_KILLED', 30_000);
    assert.equal(killed.reason, 'REASON_AGENT_DRAINING', id);
  }
  assert.ok(Date.now() - started < 30_000, 'the 60 s kill grace period was cut short');
  await waitUntil('the agent DRAINED', async () => (await agent(agentIds[0]))?.drain_info?.state === 'DRAINED', 15_000);
  const reactivated = await cluster.operator({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: agentIds[0] } } });
  assert.equal(reactivated.status, 200, reactivated.body);
  const after = await agent(agentIds[0]);
  assert.deepEqual([after?.active, after?.deactivated, after?.drain_info], [true, false, undefined]);
});

test('a drain with mark_gone removes the agent for good: its task is TASK_GONE_BY_OPERATOR, the agent shuts down', async () => {
  await launchOn('agent-1', 'goes', 'sleep 1000');
  const exited = once(cluster.agents[1].daemon!.process, 'exit');
  const drained = await cluster.operator({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: agentIds[1] }, mark_gone: true } });
  assert.equal(drained.status, 200, drained.body);
  const gone = await s.status('goes', 'TASK_GONE_BY_OPERATOR', 30_000);
  assert.equal(gone.reason, 'REASON_AGENT_DRAINING');
  await exited;
  await waitUntil('the agent removed', async () => (await agent(agentIds[1])) === undefined);

  const from = s.events.length;
  await s.reconcile([{ taskId: 'goes', agentId: agentIds[1] }]);
  const answer = await s.next('UPDATE', (e) => e.update.status.task_id.value === 'goes', 10_000, from);
  assert.deepEqual([answer.update.status.state, answer.update.status.message], ['TASK_GONE_BY_OPERATOR', 'Reconciliation: Task is gone']);
  const again = await cluster.operator({ type: 'MARK_AGENT_GONE', mark_agent_gone: { agent_id: { value: agentIds[1] } } });
  assert.equal(again.status, 200, 'marking a gone agent gone again is fine');
});
