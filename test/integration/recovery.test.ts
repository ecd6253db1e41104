// Restarts: an agent killed with updates unacknowledged loses none of them; a restarted master gets its
// agents and frameworks back with their tasks; an agent that does not come back within
// --agent_reregister_timeout is lost, and welcome again later; past --recovery_agent_removal_limit the
// master exits instead.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { getJson } from '../../runtime/common/http';
import { processesUnder } from '../../runtime/cluster/process';
import { Scheduler } from '../../runtime/scheduler/scheduler';
import { commandTask, subscribedScheduler, TestCluster, waitUntil } from '../helpers/cluster';

// Each test starts a cluster of its own, stopped when the test ends, after its frameworks are torn down.
// Where a test kills and restarts daemons, a failed TEARDOWN is ignored ('teardown-may-fail'): no master
// may be there to answer it, and the cluster stopping right after ends whatever is left of the framework.

test('an agent killed with unacknowledged updates delivers all of them after it restarts', async (t) => {
  const cluster = await TestCluster.start({ agents: 1 }, t);
  const s = await subscribedScheduler(t, cluster, {}, 'teardown-may-fail');
  s.autoAcknowledge = false; // no task yet: no update could have been acknowledged before this
  const [offer] = await s.offers();
  const agentId = offer.agent_id.value;
  await s.launch(offer, [commandTask(offer, 'quick', 'echo done'), commandTask(offer, 'slow', 'sleep 1000')]);
  // Nothing is acknowledged: the agent holds STARTING (sent) and RUNNING/FINISHED (queued behind it).
  const starting = await s.status('quick', 'TASK_STARTING');
  await s.status('slow', 'TASK_STARTING');
  await new Promise((r) => setTimeout(r, 300)); // let "echo" finish while updates wait
  await cluster.stopAgent(0, 'SIGKILL');
  await cluster.startAgent(0);
  await waitUntil('the agent to re-register', async () => (await cluster!.state()).slaves.some((a) => a.id === agentId && a.active));
  const agentState = await getJson<{ id: string }>(`${cluster.agents[0].url}/state`);
  assert.equal(agentState.id, agentId, 'the agent recovered its id from the checkpoint');

  // The restarted agent resends the head of each stream: the same update (same uuid) again.
  const mark = s.events.findIndex((e) => e.type === 'UPDATE' && e.update.status.uuid === starting.uuid) + 1;
  const resent = await s.next('UPDATE', (e) => e.update.status.task_id.value === 'quick' && e.update.status.state === 'TASK_STARTING', 30_000, mark);
  assert.equal(resent.update.status.uuid, starting.uuid);

  // Acknowledge from now on: RUNNING and FINISHED follow, none lost.
  s.autoAcknowledge = true;
  await s.acknowledge(resent.update.status);
  await s.acknowledge((await s.status('slow', 'TASK_STARTING')));
  const finished = await s.status('quick', 'TASK_FINISHED', 30_000);
  assert.equal(finished.message, 'Command exited with status 0');
  assert.ok(s.statesOf('quick').includes('TASK_RUNNING'));
  // The long task kept running through the agent restart (its executor reconnected).
  await s.status('slow', 'TASK_RUNNING', 30_000);
  const state = await cluster.state();
  const fw = state.frameworks.find((f) => f.id === s.frameworkId)!;
  assert.equal(fw.tasks.find((t) => t.id === 'slow')?.state, 'TASK_RUNNING', `${JSON.stringify(fw.tasks)} ${JSON.stringify(fw.completed_tasks)} ${s.statesOf('slow')}\n${cluster.logs().slice(-4000)}`);
});

test('a restarted master gets its agents (same ids) and the framework (same id, same tasks) back', async (t) => {
  const cluster = await TestCluster.start({ agents: 2 }, t);
  const s = await subscribedScheduler(t, cluster, { failover_timeout: 300 }, 'close'); // closed below, to fail over
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'steady', 'sleep 1000')]);
  await s.status('steady', 'TASK_RUNNING');
  const before = await cluster.state();
  const frameworkId = s.frameworkId!;
  s.close();

  await cluster.stopMaster('SIGKILL');
  await cluster.startMaster();
  await cluster.waitForAgents(2);
  const after = await cluster.state();
  assert.notEqual(after.id, before.id, 'a new master id, as Mesos gives each master run');
  assert.deepEqual(after.slaves.map((a) => a.id).sort(), before.slaves.map((a) => a.id).sort());

  const again = await subscribedScheduler(t, cluster, { failover_timeout: 300, id: { value: frameworkId } });
  assert.equal(again.frameworkId, frameworkId);
  await again.reconcile();
  const status = await again.next('UPDATE', (e) => e.update.status.task_id.value === 'steady');
  assert.equal(status.update.status.state, 'TASK_RUNNING');
  assert.equal(status.update.status.reason, 'REASON_RECONCILIATION');
  await again.kill('steady', offer.agent_id.value);
  await again.status('steady', 'TASK_KILLED');
});

test('after a master restart, an agent that does not re-register within --agent_reregister_timeout is lost: FAILURE, then TASK_UNREACHABLE on reconciliation; it may still come back', async (t) => {
  const cluster = await TestCluster.start({ agents: 1, masterFlags: ['--agent_reregister_timeout=6secs'] }, t);
  const s = await subscribedScheduler(t, cluster, { failover_timeout: 300, capabilities: [{ type: 'PARTITION_AWARE' }] }, 'close'); // closed below, to fail over
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'away', 'sleep 1000')]);
  await s.status('away', 'TASK_RUNNING');
  const agentId = offer.agent_id.value;
  s.close();

  const agent = cluster.agents[0].daemon!.process;
  agent.kill('SIGSTOP');
  try {
    await cluster.stopMaster('SIGKILL');
    await cluster.startMaster();
    const again = await subscribedScheduler(t, cluster, { failover_timeout: 300, capabilities: [{ type: 'PARTITION_AWARE' }], id: { value: s.frameworkId! } }, 'teardown-may-fail');
    // Until the timeout the master cannot tell: the question goes unanswered (docs/reconciliation.md).
    assert.ok(!again.events.some((e) => e.type === 'FAILURE'), 'asked before the timeout');
    await again.reconcile([{ taskId: 'away', agentId }]);
    const lost = await again.next('FAILURE', (e) => e.failure.agent_id?.value === agentId, 15_000);
    assert.equal(lost.failure.executor_id, undefined, 'an agent lost, not an executor');
    const reconciled = (e: (typeof again.events)[number]) => e.type === 'UPDATE' && e.update.status.task_id.value === 'away' && e.update.status.reason === 'REASON_RECONCILIATION';
    assert.ok(!again.events.some(reconciled), 'no answer while the agent might still re-register');

    const from = again.events.length;
    await again.reconcile([{ taskId: 'away', agentId }]);
    const unreachable = (await again.next('UPDATE', (e) => reconciled(e), 10_000, from)).update.status;
    assert.equal(unreachable.state, 'TASK_UNREACHABLE');
    assert.ok(unreachable.unreachable_time);

    agent.kill('SIGCONT');
    const back = (await again.next('UPDATE', (e) => e.update.status.task_id.value === 'away' && e.update.status.reason === 'REASON_AGENT_REREGISTERED', 20_000)).update.status;
    assert.equal(back.state, 'TASK_RUNNING');
    assert.equal((await cluster.state()).slaves[0].id, agentId);
  } finally {
    agent.kill('SIGCONT');
  }
});

test('the scheduler SDK fails over by itself: after a master restart it re-subscribes with its framework id', async (t) => {
  const cluster = await TestCluster.start({ agents: 1 }, t);
  const s = new Scheduler({ master: cluster.masterAddress, framework: { user: 'u', name: 'sdk-failover', failover_timeout: 60 } });
  let subscriptions = 0;
  const offersBySubscription = [0, 0, 0];
  s.on('subscribed', () => subscriptions++);
  s.on('offers', (o) => { offersBySubscription[subscriptions] += o.length; });
  await s.subscribe();
  const frameworkId = s.frameworkId;
  await waitUntil('an offer', () => offersBySubscription[1] > 0);
  await cluster.stopMaster('SIGKILL');
  await cluster.startMaster();
  await waitUntil('the SDK to re-subscribe', () => subscriptions === 2, 15_000);
  assert.equal(s.frameworkId, frameworkId);
  await waitUntil('offers from the new master', () => offersBySubscription[2] > 0, 15_000);
  const fw = (await cluster.state()).frameworks.find((f) => f.id === frameworkId);
  assert.ok(fw?.active);
  await s.teardown();
});

test('after a master restart, a framework that does not re-subscribe within failover_timeout is removed and its tasks killed', async (t) => {
  const cluster = await TestCluster.start({ agents: 1 }, t);
  const s = await subscribedScheduler(t, cluster, { failover_timeout: 2 }, 'close'); // closed below, never to come back
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'abandoned', 'sleep 1000')]);
  await s.status('abandoned', 'TASK_RUNNING');
  const frameworkId = s.frameworkId!;
  await cluster.stopMaster('SIGKILL');
  s.close();
  await cluster.startMaster();
  await cluster.waitForAgents(1);
  // Known again from the registry and the agent's report, not connected...
  const recovered = (await cluster.state()).frameworks.find((f) => f.id === frameworkId) as unknown as { active: boolean; recovered: boolean; tasks: unknown[] };
  assert.equal(recovered.active, false);
  assert.equal(recovered.tasks.length, 1);
  // ...and gone once failover_timeout (2 s) has passed, with its task.
  await waitUntil('the framework to be removed', async () => (await cluster!.state()).completed_frameworks.some((f) => f.id === frameworkId), 15_000);
  await waitUntil('the agent to kill the task', async () => {
    const agent = await getJson<{ frameworks: Array<{ id: string }> }>(`${cluster!.agents[0].url}/state`);
    return !agent.frameworks.some((f) => f.id === frameworkId);
  }, 30_000);
});

test('an agent restarted with --recover=cleanup kills the executors it finds instead of reconnecting', async (t) => {
  const cluster = await TestCluster.start({ agents: 1 }, t);
  const s = await subscribedScheduler(t, cluster, {}, 'teardown-may-fail');
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'cleaned', 'sleep 1000')]);
  await s.status('cleaned', 'TASK_RUNNING');
  await cluster.stopAgent(0, 'SIGKILL');
  cluster.agents[0].args.push('--recover=cleanup');
  await cluster.startAgent(0);
  const failed = await s.status('cleaned', 'TASK_FAILED', 30_000);
  assert.equal(failed.reason, 'REASON_EXECUTOR_TERMINATED');
  assert.equal(failed.source, 'SOURCE_AGENT');
  await waitUntil('no executor left', async () => {
    const agent = await getJson<{ frameworks: Array<{ executors: unknown[] }> }>(`${cluster!.agents[0].url}/state`);
    return agent.frameworks.every((f) => f.executors.length === 0);
  });
  // Nothing of the task survives: no process runs in the agent's sandboxes.
  assert.deepEqual(processesUnder(cluster.agents[0].workDir), []);
});

test('--recovery_agent_removal_limit: when more of the registry\'s agents than the limit fail to re-register after a failover, the master exits instead of removing them', async (t) => {
  const cluster = await TestCluster.start({ agents: 2, masterFlags: ['--agent_reregister_timeout=1secs', '--recovery_agent_removal_limit=40%'] }, t);
  await cluster.stopAgent(1, 'SIGKILL');
  await cluster.stopMaster('SIGKILL');
  await cluster.startMaster();
  const [code] = await once(cluster.master!.process, 'exit');
  assert.equal(code, 1);
  assert.match(cluster.master!.log.join(''), /Post-recovery agent removal limit exceeded! After 1secs there were 1 \(50%\) agents recovered from the registry that did not re-register/);
  assert.match(cluster.master!.log.join(''), /The configured removal limit is 40%/);
});
