// The agent emulator against a real master process: what the 1,000-agent debugger bench takes for granted.
// Agents register and stay active (they answer PINGs), and a framework's task launched on one of them
// runs, its updates acknowledged through the master.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AgentEmulator } from '../helpers/agent-emulator';
import { commandTask, TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';

const AGENTS = 50;
let cluster: TestCluster;
let emulator: AgentEmulator;

before(async () => {
  // Pings every 200 ms, unreachable after 2 missed: an agent that did not PONG would be gone within the test.
  cluster = await TestCluster.start({ agents: 0, masterFlags: ['--agent_ping_timeout=200ms', '--max_agent_ping_timeouts=2'] });
  emulator = await AgentEmulator.start(cluster.masterUrl, AGENTS);
});

after(async () => {
  emulator?.stop();
  await cluster?.stop();
});

test('emulated agents register, are active in /master/state with their resources, and answer PINGs', async () => {
  const state = await cluster.state();
  assert.equal(state.activated_slaves, AGENTS);
  assert.deepEqual(new Set(state.slaves.map((s) => s.id)), new Set(emulator.agents.map((a) => a.agentId)));
  assert.ok(state.slaves.every((s) => s.active && (s.resources as { cpus: number }).cpus === 8));
  // Several ping rounds later every agent is still active: each answered with PONG.
  await waitUntil('3 PINGs on every agent', () => emulator.agents.every((a) => (a.received.get('PING') ?? 0) >= 3), 10_000);
  const later = await cluster.state();
  assert.equal(later.activated_slaves, AGENTS);
  assert.ok(later.slaves.every((s) => s.active));
  assert.deepEqual(emulator.agents.flatMap((a) => a.refusals), []);
});

test('a task launched on an emulated agent reaches TASK_RUNNING, its updates acknowledged; a kill ends it', async () => {
  const sdk = new TestScheduler(cluster.masterAddress, { name: 'emu-fw' });
  try {
    await sdk.subscribe();
    const [offer] = await sdk.offers();
    await sdk.accept([offer.id.value], [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 't1', 'sleep 1000')] } }]);
    await sdk.status('t1', 'TASK_STARTING');
    await sdk.status('t1', 'TASK_RUNNING');
    const agent = emulator.agents.find((a) => a.agentId === offer.agent_id.value)!;
    const task = agent.tasks.get(`${sdk.frameworkId}/t1`);
    assert.equal(task?.state, 'TASK_RUNNING');
    // The framework acknowledged both updates; the master relayed each ACKNOWLEDGE to the agent.
    await waitUntil('2 ACKNOWLEDGEs', () => agent.received.get('ACKNOWLEDGE') === 2);
    const running = (await cluster.state()).frameworks.find((f) => f.id === sdk.frameworkId)!.tasks.find((t) => t.id === 't1');
    assert.equal(running?.state, 'TASK_RUNNING');
    assert.equal(running?.slave_id, agent.agentId);

    await sdk.kill('t1');
    await sdk.status('t1', 'TASK_KILLED');
    await waitUntil('the killed task forgotten by the agent', () => !agent.tasks.has(`${sdk.frameworkId}/t1`));
  } finally {
    await sdk.teardown().catch(() => undefined);
  }
});
