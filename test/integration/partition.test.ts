// Agent health and partitions, with Mesos 1.5+ semantics: an agent frozen (SIGSTOP) past the ping window
// becomes unreachable; partition-aware frameworks hear TASK_UNREACHABLE, others TASK_LOST, and the master
// keeps both tasks as unreachable tasks. Thawed (SIGCONT), the agent re-registers and every task carries
// on, announced with REASON_AGENT_REREGISTERED. Unreachable agents are garbage collected from the registry,
// and removed no faster than --agent_removal_rate_limit.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { getJson } from '../../runtime/common/http';
import type { Task } from '../../runtime/common/protocol/v1';
import { commandTask, subscribedScheduler, TestCluster, type TestScheduler, waitUntil } from '../helpers/cluster';

const PING = ['--agent_ping_timeout=300ms', '--max_agent_ping_timeouts=3'];

/**
 * A framework (partition-aware or not) with one running `sleep` task on the only agent, torn down when the
 * test `t` ends. A failed TEARDOWN is ignored, as it was: the cluster is the test's own and stops right
 * after, taking the framework with it.
 */
async function frameworkWithTask(t: TestContext, c: TestCluster, name: string, partitionAware: boolean): Promise<TestScheduler> {
  const s = await subscribedScheduler(t, c, { name, ...(partitionAware ? { capabilities: [{ type: 'PARTITION_AWARE' }] } : {}) }, 'teardown-may-fail');
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, `${name}-task`, 'sleep 1000')], { refuse_seconds: 0 });
  await s.status(`${name}-task`, 'TASK_RUNNING');
  // Leave the agent's remaining resources to the next framework.
  await s.suppress();
  await s.decline(s.events.flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers.map((o) => o.id.value) : [])));
  return s;
}

async function reconcileOne(s: TestScheduler, taskId: string, agentId: string) {
  const from = s.events.length;
  await s.reconcile([{ taskId, agentId }]);
  return (await s.next('UPDATE', (e) => e.update.status.task_id.value === taskId && e.update.status.reason === 'REASON_RECONCILIATION', 10_000, from)).update.status;
}

/** Runs `body` while the cluster's only agent is frozen (SIGSTOP), thawing it afterwards whatever happens. */
async function whileFrozen(c: TestCluster, body: () => Promise<void>): Promise<void> {
  const agent = c.agents[0].daemon!.process;
  agent.kill('SIGSTOP');
  try {
    await body();
  } finally {
    agent.kill('SIGCONT');
  }
}

const unreachableTasks = async (c: TestCluster): Promise<Task[]> => JSON.parse((await c.operator({ type: 'GET_TASKS' })).body).get_tasks.unreachable_tasks;

test('SIGSTOP past the ping window: unreachable, tasks kept as unreachable tasks; SIGCONT: back, every task carries on', async (t) => {
  const cluster = await TestCluster.start({ agents: 1, masterFlags: PING }, t);
  const aware = await frameworkWithTask(t, cluster, 'aware', true);
  const plain = await frameworkWithTask(t, cluster, 'plain', false);
  const agentId = (await cluster.state()).slaves[0].id;
  await whileFrozen(cluster, async () => {
    const unreachable = await aware.status('aware-task', 'TASK_UNREACHABLE', 15_000);
    assert.equal(unreachable.reason, 'REASON_AGENT_REMOVED');
    assert.ok(unreachable.unreachable_time, 'unreachable_time is set');
    await plain.status('plain-task', 'TASK_LOST', 15_000);
    assert.ok(plain.events.some((e) => e.type === 'FAILURE' && e.failure.agent_id?.value === agentId), 'FAILURE for the lost agent');
    const metrics = await getJson<Record<string, number>>(`${cluster!.masterUrl}/metrics/snapshot`);
    assert.equal(metrics['master/slaves_unreachable'], 1);
    assert.equal(metrics['master/tasks_unreachable'], 1);

    // The master remembers both tasks (Mesos 1.5+), in GET_TASKS and /master/state.
    assert.deepEqual((await unreachableTasks(cluster!)).map((t) => [t.task_id.value, t.state]).sort(), [['aware-task', 'TASK_UNREACHABLE'], ['plain-task', 'TASK_LOST']]);
    const state = await cluster!.state();
    const awareFw = state.frameworks.find((f) => f.id === aware.frameworkId) as unknown as { tasks: unknown[]; unreachable_tasks: Array<{ id: string }> };
    assert.deepEqual([awareFw.tasks.length, awareFw.unreachable_tasks.map((t) => t.id)], [0, ['aware-task']]);
    assert.equal((await reconcileOne(aware, 'aware-task', agentId)).state, 'TASK_UNREACHABLE');
    assert.equal((await reconcileOne(plain, 'plain-task', agentId)).state, 'TASK_LOST');
  });

  // Back: both frameworks hear their task's state again, and nothing is killed.
  for (const [s, taskId] of [[aware, 'aware-task'], [plain, 'plain-task']] as const) {
    const back = (await s.next('UPDATE', (e) => e.update.status.task_id.value === taskId && e.update.status.reason === 'REASON_AGENT_REREGISTERED', 20_000)).update.status;
    assert.equal(back.state, 'TASK_RUNNING');
    assert.equal(back.source, 'SOURCE_MASTER');
    assert.equal(back.message, 'Unreachable agent re-registered');
  }
  const state = await cluster.state();
  assert.deepEqual(state.frameworks.flatMap((f) => f.tasks.map((t) => [t.id, t.state])).sort(), [['aware-task', 'TASK_RUNNING'], ['plain-task', 'TASK_RUNNING']]);
  assert.deepEqual(await unreachableTasks(cluster), []);
  assert.equal((await reconcileOne(plain, 'plain-task', agentId)).state, 'TASK_RUNNING');
  const agentState = await getJson<{ frameworks: Array<{ executors: Array<{ tasks: Array<{ id: string }> }> }> }>(`${cluster.agents[0].url}/state`);
  assert.deepEqual(agentState.frameworks.flatMap((f) => f.executors.flatMap((e) => e.tasks.map((t) => t.id))).sort(), ['aware-task', 'plain-task']);
});

test('registry GC: an unreachable agent older than --registry_max_agent_age is forgotten; its task is then unknown, and it comes back as an unknown agent', async (t) => {
  const cluster = await TestCluster.start({ agents: 1, masterFlags: [...PING, '--registry_gc_interval=500ms', '--registry_max_agent_age=1secs'] }, t);
  const aware = await frameworkWithTask(t, cluster, 'gc', true);
  const agentId = (await cluster.state()).slaves[0].id;
  await whileFrozen(cluster, async () => {
    await aware.status('gc-task', 'TASK_UNREACHABLE', 15_000);
    await waitUntil('the agent garbage collected', async () => (await getJson<Record<string, number>>(`${cluster!.masterUrl}/metrics/snapshot`))['master/slaves_unreachable'] === 0 || undefined, 15_000);
    assert.deepEqual(await unreachableTasks(cluster!), []);
    assert.equal((await reconcileOne(aware, 'gc-task', agentId)).state, 'TASK_UNKNOWN');
  });
  const back = (await aware.next('UPDATE', (e) => e.update.status.task_id.value === 'gc-task' && e.update.status.reason === 'REASON_AGENT_REREGISTERED', 20_000)).update.status;
  assert.equal(back.state, 'TASK_RUNNING');
  assert.equal(back.message, 'Unknown agent re-registered');
});

test('--agent_removal_rate_limit: agents frozen together are marked unreachable one interval apart; one that answers again meanwhile is spared', async (t) => {
  const cluster = await TestCluster.start({ agents: 3, masterFlags: [...PING, '--agent_removal_rate_limit=1/6secs'] }, t);
  const agents = cluster.agents.map((a) => a.daemon!.process);
  const ids = (await cluster.state()).slaves.map((a) => a.id);
  const unreachable = async () => (await getJson<Record<string, number>>(`${cluster!.masterUrl}/metrics/snapshot`))['master/slaves_unreachable'];
  for (const a of agents) a.kill('SIGSTOP');
  try {
    await waitUntil('a first agent unreachable', async () => (await unreachable()) === 1 || undefined, 15_000);
    const left = (await cluster.state()).slaves.map((a) => a.id);
    assert.equal(left.length, 2, 'one removed at once, the others wait for the rate limiter');
    // The last in line answers pings again before its turn: it is spared.
    const spared = left[left.length - 1];
    agents[ids.indexOf(spared)].kill('SIGCONT');
    // One removal per 6 s: well within that, the second frozen agent is still registered.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await unreachable(), 1, 'the second removal waits for its permit');
    await waitUntil('the second agent unreachable', async () => (await unreachable()) === 2 || undefined, 15_000);
    await new Promise((r) => setTimeout(r, 8000)); // past the third permit
    assert.equal(await unreachable(), 2);
    assert.deepEqual((await cluster.state()).slaves.map((a) => a.id), [spared]);
  } finally {
    for (const a of agents) a.kill('SIGCONT');
  }
});
