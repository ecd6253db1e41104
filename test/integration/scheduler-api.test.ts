// The v1 Scheduler API between real processes: a master, two agents and their executors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStream, postJson } from '../../runtime/common/http';
import { isAlive } from '../../runtime/common/process';
import { clusterFixture, commandTask, subscribedScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 2 });

test('SUBSCRIBE answers a RecordIO stream with Mesos-Stream-Id, SUBSCRIBED first, then offers from every agent', async () => {
  const events: Array<Record<string, unknown>> = [];
  const stream = await openStream(`${cluster.masterUrl}/api/v1/scheduler`, {
    type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root', name: 'raw' } },
  }, (e) => events.push(e));
  try {
    assert.match(String(stream.headers['mesos-stream-id']), /^[0-9a-f-]{36}$/);
    assert.equal(stream.headers['content-type'], 'application/json');
    await waitUntil('the first heartbeat', () => events[1]?.type === 'HEARTBEAT');
    await waitUntil('two offers', () => events.filter((e) => e.type === 'OFFERS').flatMap((e) => (e.offers as { offers: unknown[] }).offers).length >= 2);
    const subscribedEvent = events[0] as { type: string; subscribed: { framework_id: { value: string }; heartbeat_interval_seconds: number; master_info: { port: number } } };
    assert.equal(subscribedEvent.type, 'SUBSCRIBED');
    assert.equal(subscribedEvent.subscribed.heartbeat_interval_seconds, 15);
    assert.equal(subscribedEvent.subscribed.master_info.port, cluster.masterPort);
    const offers = events.filter((e) => e.type === 'OFFERS').flatMap((e) => (e.offers as { offers: Array<Record<string, any>> }).offers);
    assert.equal(new Set(offers.map((o) => o.agent_id.value)).size, 2);
    const cpus = offers[0].resources.find((r: { name: string }) => r.name === 'cpus');
    assert.deepEqual(cpus, { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, allocation_info: { role: '*' } });
    assert.equal(offers[0].framework_id.value, subscribedEvent.subscribed.framework_id.value);
  } finally {
    stream.close();
  }
});

test('tasks launched across two agents go STARTING -> RUNNING -> FINISHED and are acknowledged', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const offers = await s.offers();
  const byAgent = new Map(offers.map((o) => [o.agent_id.value, o]));
  assert.equal(byAgent.size, 2, 'one offer per agent');
  const ids: string[] = [];
  for (const offer of byAgent.values()) {
    const id = `ok-${offer.agent_id.value.slice(-2)}`;
    ids.push(id);
    await s.launch(offer, [commandTask(offer, id, 'echo hello from $MESOS_TASK_ID')]);
  }
  for (const id of ids) {
    const finished = await s.status(id, 'TASK_FINISHED');
    assert.equal(finished.source, 'SOURCE_EXECUTOR');
    assert.equal(finished.message, 'Command exited with status 0');
    assert.ok(finished.uuid, 'reliable updates carry a uuid');
    assert.deepEqual(s.statesOf(id), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  }
  await waitUntil('tasks completed in /master/state', async () => {
    const fw = (await cluster.state()).frameworks.find((f) => f.id === s.frameworkId);
    return fw && fw.tasks.length === 0 && ids.every((id) => fw.completed_tasks.some((t) => t.id === id && t.state === 'TASK_FINISHED'));
  });
  assert.equal(s.events.filter((e) => e.type === 'FAILURE').length, 0, 'command executors end without FAILURE events, as in Mesos');
});

test('a failing command reports TASK_FAILED with its exit code', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'fails', 'exit 3')]);
  const failed = await s.status('fails', 'TASK_FAILED');
  assert.equal(failed.message, 'Command exited with status 3');
  assert.equal(failed.reason, undefined, "Mesos' command executor sets no reason");
  assert.equal(failed.container_status?.network_infos?.[0].ip_addresses?.[0].ip_address, '127.0.0.1');
  assert.match(failed.container_status?.container_id?.value ?? '', /^[0-9a-f-]{36}$/);
});

test('DECLINE with refuse_seconds keeps the agent away; refuse_seconds 0 brings it back at once', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const offers = await s.offers();
  const [declined, other] = offers;
  await s.decline([declined.id.value], { refuse_seconds: 60 });
  await s.decline([other.id.value], { refuse_seconds: 0 });
  const mark = s.events.length;
  // The undeclined agent comes back within a few allocation cycles (100 ms each); the filtered one must not.
  const again = await s.next('OFFERS', (e) => e.offers.offers.some((o) => o.agent_id.value === other.agent_id.value), 5000, mark);
  assert.ok(again);
  await new Promise((r) => setTimeout(r, 1000));
  const reoffered = s.events.slice(mark).filter((e) => e.type === 'OFFERS').flatMap((e) => (e as any).offers.offers).filter((o: any) => o.agent_id.value === declined.agent_id.value);
  assert.equal(reoffered.length, 0, 'the filtered agent was offered again within refuse_seconds');
  // REVIVE clears filters.
  const beforeRevive = s.events.length;
  await s.revive();
  await s.next('OFFERS', (e) => e.offers.offers.some((o) => o.agent_id.value === declined.agent_id.value), 5000, beforeRevive);
});

test('SUPPRESS stops offers until REVIVE', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const offers = await s.offers();
  await s.suppress();
  await s.decline(offers.map((o) => o.id.value), { refuse_seconds: 0 });
  const mark = s.events.length;
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(s.events.slice(mark).filter((e) => e.type === 'OFFERS').length, 0);
  await s.revive();
  await s.offers(mark);
});

test('KILL sends SIGTERM to the task; a task ignoring it is SIGKILLed after the kill policy grace period', async (t) => {
  const s = await subscribedScheduler(t, cluster, { capabilities: [{ type: 'TASK_KILLING_STATE' }] });
  const [offer] = await s.offers();
  await s.launch(offer, [
    // The sleeper leaves a background child behind, which must die with it (the whole process group).
    commandTask(offer, 'sleeper', 'sleep 1000 & echo $! > child.pid; sleep 1000'),
    commandTask(offer, 'stubborn', "trap '' TERM; while true; do sleep 0.1; done"),
  ]);
  await s.status('sleeper', 'TASK_RUNNING');
  await s.status('stubborn', 'TASK_RUNNING');
  const sandbox = await cluster.executorDirectory(cluster.agents.findIndex((a) => a.port === offer.url?.address.port), s.frameworkId!, 'sleeper');
  const childPid = Number(await waitUntil('the child pid', () => { try { return fs.readFileSync(path.join(sandbox, 'child.pid'), 'utf8').trim() || undefined; } catch { return undefined; } }));
  assert.ok(isAlive(childPid));
  await s.kill('sleeper', offer.agent_id.value);
  const killed = await s.status('sleeper', 'TASK_KILLED');
  assert.match(killed.message ?? '', /signal|status/);
  assert.deepEqual(s.statesOf('sleeper'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  await waitUntil('the background child to be gone', () => !isAlive(childPid), 5000);
  const started = Date.now();
  await s.kill('stubborn', offer.agent_id.value, { grace_period: { nanoseconds: 500_000_000 } });
  await s.status('stubborn', 'TASK_KILLED');
  assert.ok(Date.now() - started >= 450, 'the grace period was honoured before SIGKILL');
});

test('RECONCILE: implicit returns every task; explicit answers unknown tasks as Mesos does', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const aware = await subscribedScheduler(t, cluster, { capabilities: [{ type: 'PARTITION_AWARE' }] });
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'long', 'sleep 1000')]);
  await s.status('long', 'TASK_RUNNING');
  const mark = s.events.length;
  await s.reconcile();
  const implicit = await s.next('UPDATE', (e) => e.update.status.reason === 'REASON_RECONCILIATION', 5000, mark);
  assert.equal(implicit.update.status.task_id.value, 'long');
  assert.equal(implicit.update.status.state, 'TASK_RUNNING');
  assert.equal(implicit.update.status.source, 'SOURCE_MASTER');
  assert.equal(implicit.update.status.uuid, undefined, 'reconciliation updates need no acknowledgement');

  await s.reconcile([{ taskId: 'nope', agentId: offer.agent_id.value }]);
  const lost = await s.status('nope', 'TASK_LOST');
  assert.equal(lost.reason, 'REASON_RECONCILIATION');
  assert.equal(lost.message, 'Reconciliation: Task is unknown to the agent');
  await aware.reconcile([{ taskId: 'nope2', agentId: offer.agent_id.value }, { taskId: 'nope3', agentId: 'no-such-agent' }]);
  assert.equal((await aware.status('nope2', 'TASK_GONE')).reason, 'REASON_RECONCILIATION');
  assert.equal((await aware.status('nope3', 'TASK_UNKNOWN')).message, 'Reconciliation: Task is unknown');
  // A KILL of a task the master does not know is answered like explicit reconciliation.
  await s.kill('ghost', offer.agent_id.value);
  assert.equal((await s.status('ghost', 'TASK_LOST')).reason, 'REASON_RECONCILIATION');
});

test('ACCEPT is validated like Mesos: invalid offers, too many resources, duplicate ids, command and executor both missing', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const aware = await subscribedScheduler(t, cluster, { capabilities: [{ type: 'PARTITION_AWARE' }] });
  const offers = await s.offers();
  const [offer] = offers;
  await s.accept(['no-such-offer'], [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'stale', 'true')] } }]);
  const lost = await s.status('stale', 'TASK_LOST');
  assert.equal(lost.reason, 'REASON_INVALID_OFFERS');
  assert.equal(lost.source, 'SOURCE_MASTER');

  await aware.accept(['no-such-offer'], [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'dropped', 'true')] } }]);
  assert.equal((await aware.status('dropped', 'TASK_DROPPED')).reason, 'REASON_INVALID_OFFERS');

  const greedy = commandTask(offer, 'greedy', 'true', 'cpus:64;mem:32');
  const noCommand = { ...commandTask(offer, 'empty', 'true'), command: undefined };
  await s.launch(offer, [commandTask(offer, 'dup', 'sleep 1000'), commandTask(offer, 'dup', 'sleep 1000'), greedy, noCommand]);
  await s.status('dup', 'TASK_RUNNING');
  const dupError = await s.status('dup', 'TASK_ERROR');
  assert.match(dupError.message ?? '', /already exists/);
  assert.match((await s.status('greedy', 'TASK_ERROR')).message ?? '', /more resources/);
  assert.match((await s.status('empty', 'TASK_ERROR')).message ?? '', /CommandInfo or ExecutorInfo/);
  assert.equal((await s.status('greedy', 'TASK_ERROR')).reason, 'REASON_TASK_INVALID');
});

test('non-SUBSCRIBE calls need the framework id and the current Mesos-Stream-Id', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const url = `${cluster.masterUrl}/api/v1/scheduler`;
  const revive = { framework_id: { value: s.frameworkId }, type: 'REVIVE' };
  const noStream = await postJson(url, revive);
  assert.equal(noStream.status, 400);
  assert.match(noStream.body, /Mesos-Stream-Id/);
  const wrongStream = await postJson(url, revive, { 'Mesos-Stream-Id': 'bogus' });
  assert.equal(wrongStream.status, 400);
  assert.match(wrongStream.body, /didn't match/);
  const unknown = await postJson(url, { framework_id: { value: 'nobody' }, type: 'REVIVE' }, { 'Mesos-Stream-Id': s.streamId! });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /Framework cannot be found/);
  const ok = await postJson(url, revive, { 'Mesos-Stream-Id': s.streamId! });
  assert.equal(ok.status, 202);
  const request = await postJson(url, { framework_id: { value: s.frameworkId }, type: 'REQUEST', request: { requests: [] } }, { 'Mesos-Stream-Id': s.streamId! });
  assert.equal(request.status, 202, 'REQUEST is accepted and ignored');
});

test('re-subscribing with the framework id fails over: the old stream gets ERROR, tasks survive', async (t) => {
  const s = await subscribedScheduler(t, cluster, { failover_timeout: 60 }, 'close');
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'survivor', 'sleep 1000')]);
  await s.status('survivor', 'TASK_RUNNING');
  const second = await subscribedScheduler(t, cluster, { failover_timeout: 60, id: { value: s.frameworkId! } });
  assert.equal(second.frameworkId, s.frameworkId);
  const error = await s.next('ERROR');
  assert.match(error.error.message, /failed over/);
  const fw = (await cluster.state()).frameworks.find((f) => f.id === s.frameworkId)!;
  assert.ok(fw.tasks.some((t) => t.id === 'survivor' && t.state === 'TASK_RUNNING'));
});

test('TEARDOWN kills the framework\'s tasks and moves it to completed_frameworks', async (t) => {
  // The test tears down itself; the end only closes the stream (of a framework gone if all went well).
  const s = await subscribedScheduler(t, cluster, {}, 'close');
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'doomed', 'sleep 1000')]);
  await s.status('doomed', 'TASK_RUNNING');
  const id = s.frameworkId!;
  await s.teardown();
  const state = await cluster.state();
  assert.ok(state.completed_frameworks.some((f) => f.id === id));
  assert.ok(!state.frameworks.some((f) => f.id === id));
  // The agent shuts the executor down: no task of the framework remains on it.
  await waitUntil('the agent to forget the framework', async () => {
    const agent = await (await fetch(`${cluster.agents[0].url}/state`)).json() as { frameworks: Array<{ id: string }> };
    const agent2 = await (await fetch(`${cluster.agents[1].url}/state`)).json() as { frameworks: Array<{ id: string }> };
    return ![...agent.frameworks, ...agent2.frameworks].some((f) => f.id === id);
  });
});

test('a framework whose scheduler disconnects is removed after failover_timeout and its tasks are killed', async (t) => {
  const s = await subscribedScheduler(t, cluster, { failover_timeout: 1 }, 'close');
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'orphan', 'sleep 1000')]);
  await s.status('orphan', 'TASK_RUNNING');
  const id = s.frameworkId!;
  s.close();
  await waitUntil('the framework to be removed', async () => (await cluster.state()).completed_frameworks.some((f) => f.id === id), 10_000);
});
