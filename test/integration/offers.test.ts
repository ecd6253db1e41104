// Offer lifecycle and framework updates on a master and agent with short timers: offer_timeout rescinds,
// the operator stream says how each offer went, heartbeats flow, UPDATE_FRAMEWORK changes what the
// master knows, tasks see Mesos' environment, an executor that never subscribes fails its tasks.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { getJson, openStream } from '../../runtime/common/http';
import type { Offer } from '../../runtime/common/protocol/v1';
import { clusterFixture, commandTask, subscribedScheduler, TestScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 1, masterFlags: ['--offer_timeout=300ms', '--heartbeat_interval=200ms'], agentFlags: ['--executor_registration_timeout=1secs'] });

test('an offer left unanswered past --offer_timeout is rescinded and its resources offered again', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const rescind = await s.next('RESCIND', (e) => e.rescind.offer_id.value === offer.id.value, 5000);
  assert.ok(rescind);
  const mark = s.events.indexOf(rescind);
  const again = await s.offers(mark, 5000);
  assert.notEqual(again[0].id.value, offer.id.value);
  // Accepting the rescinded offer now loses the task with REASON_INVALID_OFFERS.
  await s.launch(offer, [commandTask(offer, 'late', 'true')]);
  assert.equal((await s.status('late', 'TASK_LOST')).reason, 'REASON_INVALID_OFFERS');
});

test('MESOLITE_OFFER_REMOVED says how each offer went: ACCEPTED with its tasks, DECLINED with refuse_seconds, RESCINDED and REMOVED with the cause', async () => {
  const removed = new Map<string, any>();
  const stream = await openStream(`${cluster.masterUrl}/api/v1?allocation_cycles=true`, { type: 'SUBSCRIBE' }, (e) => {
    if (e.type === 'MESOLITE_OFFER_REMOVED') removed.set((e.mesolite_offer_removed as any).offer_id.value, e.mesolite_offer_removed);
  });
  const s = new TestScheduler(cluster.masterAddress);
  const gone = (offer: Offer) => waitUntil(`the removal of ${offer.id.value}`, () => removed.get(offer.id.value), 5000);
  try {
    await s.subscribe();
    const [declined] = await s.offers();
    await s.decline([declined.id.value], { refuse_seconds: 0.01 });
    const [accepted] = await s.offers(s.events.length);
    await s.launch(accepted, [commandTask(accepted, 'why-gone-1', 'sleep 30')], { refuse_seconds: 0 });
    const [timedOut] = await s.offers(s.events.length);
    await s.next('RESCIND', (e) => e.rescind.offer_id.value === timedOut.id.value, 5000);
    const [torn] = await s.offers(s.events.length);
    await s.teardown();
    assert.deepEqual(await gone(declined), { offer_id: declined.id, framework_id: declined.framework_id, agent_id: declined.agent_id, reason: 'DECLINED', refuse_seconds: 0.01 });
    assert.deepEqual(await gone(accepted), { offer_id: accepted.id, framework_id: accepted.framework_id, agent_id: accepted.agent_id, reason: 'ACCEPTED', task_ids: [{ value: 'why-gone-1' }] });
    assert.deepEqual(await gone(timedOut), { offer_id: timedOut.id, framework_id: timedOut.framework_id, agent_id: timedOut.agent_id, reason: 'RESCINDED', cause: 'OFFER_TIMEOUT' });
    assert.deepEqual(await gone(torn), { offer_id: torn.id, framework_id: torn.framework_id, agent_id: torn.agent_id, reason: 'REMOVED', cause: 'FRAMEWORK_REMOVED' });
  } finally {
    stream.close();
    await s.teardown().catch(() => undefined);
  }
});

test('HEARTBEAT events arrive every heartbeat_interval_seconds, announced in SUBSCRIBED', async () => {
  const s = new TestScheduler(cluster.masterAddress);
  const subscribed = await s.subscribe();
  try {
    assert.equal(subscribed.heartbeat_interval_seconds, 0.2);
    const first = await s.next('HEARTBEAT', () => true, 2000);
    await s.next('HEARTBEAT', () => true, 2000, s.events.indexOf(first) + 1);
  } finally {
    await s.teardown();
  }
});

test('UPDATE_FRAMEWORK changes name and failover_timeout but not the user', async (t) => {
  const s = await subscribedScheduler(t, cluster, { name: 'before', failover_timeout: 10 });
  await s.updateFramework({ user: s['options'].framework.user, name: 'after', failover_timeout: 20 });
  const fw = await waitUntil('the new name', async () => (await cluster.state()).frameworks.find((f) => f.id === s.frameworkId && f.name === 'after'));
  assert.equal((fw as unknown as { failover_timeout: number }).failover_timeout, 20);
  await assert.rejects(s.updateFramework({ user: 'someone-else', name: 'after' }), /Updating 'FrameworkInfo\.user' is unsupported/);
  await assert.rejects(s.updateFramework({ user: s['options'].framework.user, name: 'after', principal: 'mallory' }), /Changing framework's principal is not allowed/);
  // Sending checkpoint: false when it was never set is no change.
  await s.updateFramework({ user: s['options'].framework.user, name: 'after', failover_timeout: 20, checkpoint: false });
});

test('tasks run in their sandbox with the MESOS_* environment and their CommandInfo environment', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const task = commandTask(offer, 'env-task', 'echo "$MESOS_TASK_ID|$MESOS_FRAMEWORK_ID|$MESOS_EXECUTOR_ID|$GREETING|$(pwd)|$MESOS_SANDBOX"');
  task.command!.environment = { variables: [{ name: 'GREETING', value: 'hi' }] };
  await s.launch(offer, [task]);
  await s.status('env-task', 'TASK_FINISHED');
  const directory = await cluster.executorDirectory(0, s.frameworkId!, 'env-task');
  const out = await getJson<{ data: string }>(`${cluster.agents[0].url}/files/read?path=${encodeURIComponent(path.join(directory, 'stdout'))}&offset=0`);
  assert.equal(out.data.trim(), `env-task|${s.frameworkId}|env-task|hi|${directory}|${directory}`);
});

test('a task killed before its executor subscribed is never delivered; an executor that never subscribes fails its tasks', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const silent = (id: string) => ({ executor_id: { value: id }, command: { value: 'sleep 1000' }, resources: commandTask(offer, 'x', 'true').resources });
  await s.launch(offer, [
    { ...commandTask(offer, 'never-delivered', ''), command: undefined, executor: silent('silent-1') },
    { ...commandTask(offer, 'never-registered', ''), command: undefined, executor: silent('silent-2') },
  ]);
  await s.kill('never-delivered', offer.agent_id.value);
  const killed = await s.status('never-delivered', 'TASK_KILLED');
  assert.equal(killed.reason, 'REASON_TASK_KILLED_DURING_LAUNCH');
  assert.equal(killed.message, 'Killed before delivery to the executor');
  assert.equal(killed.source, 'SOURCE_AGENT');
  const failed = await s.status('never-registered', 'TASK_FAILED', 10_000);
  assert.equal(failed.reason, 'REASON_EXECUTOR_REGISTRATION_TIMEOUT');
  assert.equal(failed.message, 'Executor did not register within 1secs');
  const failure = await s.next('FAILURE', (e) => e.failure.executor_id?.value === 'silent-2');
  assert.equal(failure.failure.status, 9, 'killed by SIGKILL (a waitpid status)');
});
