// Agent health: an agent frozen (SIGSTOP) past the ping window becomes unreachable; partition-aware
// frameworks hear TASK_UNREACHABLE, others TASK_LOST. Thawed (SIGCONT), it re-registers: the
// partition-aware task carries on, the other one is killed (Mesos 1.5+ semantics).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getJson } from '../../runtime/common/http';
import { commandTask, TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';

let cluster: TestCluster;
before(async () => { cluster = await TestCluster.start({ agents: 1, masterFlags: ['--agent_ping_timeout=300ms', '--max_agent_ping_timeouts=3'] }); });
after(async () => { await cluster?.stop(); });

test('SIGSTOP past the ping window: unreachable; SIGCONT: back, partition-aware tasks kept, others killed', async () => {
  const aware = new TestScheduler(cluster.masterAddress, { name: 'aware', capabilities: [{ type: 'PARTITION_AWARE' }] });
  const plain = new TestScheduler(cluster.masterAddress, { name: 'plain' });
  try {
    await aware.subscribe();
    const [offer] = await aware.offers();
    await aware.launch(offer, [commandTask(offer, 'aware-task', 'sleep 1000')], { refuse_seconds: 0 });
    await aware.status('aware-task', 'TASK_RUNNING');
    await aware.suppress();
    await aware.decline(aware.events.flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers.map((o) => o.id.value) : [])));
    await plain.subscribe();
    const [offer2] = await plain.offers();
    await plain.launch(offer2, [commandTask(offer2, 'plain-task', 'sleep 1000')]);
    await plain.status('plain-task', 'TASK_RUNNING');

    const agent = cluster.agents[0].daemon!.process;
    agent.kill('SIGSTOP');
    try {
      const unreachable = await aware.status('aware-task', 'TASK_UNREACHABLE', 15_000);
      assert.equal(unreachable.reason, 'REASON_AGENT_REMOVED');
      assert.ok(unreachable.unreachable_time, 'unreachable_time is set');
      await plain.status('plain-task', 'TASK_LOST', 15_000);
      assert.ok(plain.events.some((e) => e.type === 'FAILURE' && e.failure.agent_id?.value === offer.agent_id.value), 'FAILURE for the lost agent');
      assert.equal((await getJson<Record<string, number>>(`${cluster.masterUrl}/metrics/snapshot`))['master/slaves_unreachable'], 1);
    } finally {
      agent.kill('SIGCONT');
    }

    await waitUntil('the agent back', async () => (await cluster.state()).activated_slaves === 1, 20_000);
    const state = await cluster.state();
    const awareFw = state.frameworks.find((f) => f.id === aware.frameworkId)!;
    assert.deepEqual(awareFw.tasks.map((t) => [t.id, t.state]), [['aware-task', 'TASK_RUNNING']]);
    assert.equal(state.frameworks.find((f) => f.id === plain.frameworkId)!.tasks.length, 0);
    await waitUntil('the agent to kill the non-partition-aware task', async () => {
      const agentState = await getJson<{ frameworks: Array<{ id: string; executors: Array<{ tasks: Array<{ id: string }> }> }> }>(`${cluster.agents[0].url}/state`);
      const tasks = agentState.frameworks.flatMap((f) => f.executors.flatMap((e) => e.tasks.map((t) => t.id)));
      return tasks.includes('aware-task') && !tasks.includes('plain-task');
    }, 20_000);
  } finally {
    await aware.teardown().catch(() => undefined);
    await plain.teardown().catch(() => undefined);
  }
});
