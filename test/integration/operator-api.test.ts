// The operator API, /master/state, /metrics/snapshot and the agent's state calls, from real processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson, openStream, postJson, request } from '../../runtime/common/http';
import { clusterFixture, commandTask, subscribedScheduler, TestScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 2 });

test('GET_HEALTH, GET_VERSION, GET_FLAGS answer in the v1 shape', async () => {
  const health = JSON.parse((await cluster.operator({ type: 'GET_HEALTH' })).body);
  assert.deepEqual(health, { type: 'GET_HEALTH', get_health: { healthy: true } });
  const version = JSON.parse((await cluster.operator({ type: 'GET_VERSION' })).body);
  assert.match(version.get_version.version_info.version, /^1\.\d+\.\d+$/);
  const flags = JSON.parse((await cluster.operator({ type: 'GET_FLAGS' })).body);
  assert.ok(flags.get_flags.flags.some((f: { name: string; value: string }) => f.name === 'allocation_interval' && f.value === '100ms'));
  assert.equal((await request('GET', `${cluster.masterUrl}/health`)).status, 200);
});

test('SUBSCRIBE streams SUBSCRIBED with the full state, then TASK_ADDED and TASK_UPDATED as tasks run', async () => {
  const events: Array<Record<string, any>> = [];
  const stream = await openStream(`${cluster.masterUrl}/api/v1`, { type: 'SUBSCRIBE' }, (e) => events.push(e));
  const s = new TestScheduler(cluster.masterAddress, { name: 'watched' });
  await s.subscribe();
  try {
    assert.equal(events[0].type, 'SUBSCRIBED');
    assert.equal(events[0].subscribed.get_state.get_agents.agents.length, 2);
    const [offer] = await s.offers();
    await s.launch(offer, [commandTask(offer, 'observed', 'echo hi')]);
    await s.status('observed', 'TASK_FINISHED');
    await waitUntil('operator events', () => events.some((e) => e.type === 'TASK_UPDATED' && e.task_updated.state === 'TASK_FINISHED'));
    assert.ok(events.some((e) => e.type === 'FRAMEWORK_ADDED' && e.framework_added.framework.framework_info.name === 'watched'));
    const added = events.find((e) => e.type === 'TASK_ADDED');
    assert.equal(added?.task_added.task.task_id.value, 'observed');
    assert.equal(added?.task_added.task.state, 'TASK_STAGING');
    // `status` is the update being delivered; `state` is the task's latest state (which may run ahead).
    const updates = events.filter((e) => e.type === 'TASK_UPDATED');
    assert.deepEqual(updates.map((e) => e.task_updated.status.state), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    assert.equal(updates[updates.length - 1].task_updated.state, 'TASK_FINISHED');
    assert.equal(updates[0].task_updated.framework_id.value, s.frameworkId);
  } finally {
    await s.teardown();
    await waitUntil('FRAMEWORK_REMOVED', () => events.some((e) => e.type === 'FRAMEWORK_REMOVED'));
    stream.close();
  }
});

test('GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS and /master/state agree on a running task', async (t) => {
  const s = await subscribedScheduler(t, cluster, { name: 'stateful' });
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'stately', 'sleep 1000', 'cpus:0.5;mem:64')]);
  await s.status('stately', 'TASK_RUNNING');
  const tasks = JSON.parse((await cluster.operator({ type: 'GET_TASKS' })).body).get_tasks.tasks;
  const task = tasks.find((t: any) => t.task_id.value === 'stately');
  assert.equal(task.state, 'TASK_RUNNING');
  assert.equal(task.framework_id.value, s.frameworkId);
  const agents = JSON.parse((await cluster.operator({ type: 'GET_AGENTS' })).body).get_agents.agents;
  const host = agents.find((a: any) => a.agent_info.id.value === offer.agent_id.value);
  assert.ok(host.allocated_resources.some((r: any) => r.name === 'cpus' && r.scalar.value === 0.5));
  const frameworks = JSON.parse((await cluster.operator({ type: 'GET_FRAMEWORKS' })).body).get_frameworks.frameworks;
  assert.ok(frameworks.some((f: any) => f.framework_info.name === 'stateful' && f.active && f.connected));
  const full = JSON.parse((await cluster.operator({ type: 'GET_STATE' })).body).get_state;
  assert.ok(full.get_tasks.tasks.some((t: any) => t.task_id.value === 'stately'));

  const state = await cluster.state();
  for (const key of ['version', 'id', 'pid', 'hostname', 'start_time', 'elected_time', 'activated_slaves', 'leader', 'leader_info', 'flags', 'slaves', 'frameworks', 'completed_frameworks']) {
    assert.ok(key in state, `/master/state has ${key}`);
  }
  assert.equal(state.leader, `master@127.0.0.1:${cluster.masterPort}`);
  const slave = state.slaves.find((a) => a.id === offer.agent_id.value)!;
  assert.equal(slave.used_resources.cpus, 0.5);
  assert.equal(slave.used_resources.mem, 64);
  assert.match(String(slave.resources.ports), /^\[3\d{4}-3\d{4}\]$/);
  const fw = state.frameworks.find((f) => f.id === s.frameworkId)!;
  assert.equal(fw.tasks[0].slave_id, offer.agent_id.value);
  assert.equal(fw.tasks[0].state, 'TASK_RUNNING');

  const metrics = await getJson<Record<string, number>>(`${cluster.masterUrl}/metrics/snapshot`);
  assert.equal(metrics['master/elected'], 1);
  assert.equal(metrics['master/slaves_active'], 2);
  assert.ok(metrics['master/frameworks_active'] >= 1);
  assert.equal(metrics['master/tasks_running'], 1);
  assert.equal(metrics['master/cpus_total'], 8);
  assert.equal(metrics['master/cpus_used'], 0.5);
  assert.ok(metrics['allocator/mesos/allocation_runs'] > 0);
  for (const name of ['master/tasks_finished', 'master/mem_total', 'master/mem_used', 'master/outstanding_offers']) assert.equal(typeof metrics[name], 'number', name);

  const agentState = JSON.parse((await postJson(`${cluster.agents.find((a) => a.port === Number(slave.pid.split(':')[1]))!.url}/api/v1`, { type: 'GET_STATE' })).body);
  assert.ok(agentState.get_state.get_tasks.launched_tasks.some((t: any) => t.task_id.value === 'stately'));
});
