// Offer lifecycle and framework updates on a master and agent with short timers: offer_timeout rescinds,
// heartbeats flow, UPDATE_FRAMEWORK changes what the master knows, tasks see Mesos' environment, an
// executor that never subscribes fails its tasks.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { getJson } from '../../runtime/common/http';
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
