// The app framework and an unreachable agent: its instance turns TASK_UNREACHABLE and is replaced on
// another agent (unreachableStrategy inactiveAfterSeconds 0, Marathon's default); when the agent comes
// back, its instance is RUNNING again and the app is scaled back to its size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterFixture, waitUntil } from '../helpers/cluster';
import { EventReader, marathonFixture } from '../helpers/marathon';

const cluster = clusterFixture({ agents: 2, masterFlags: ['--agent_ping_timeout=300ms', '--max_agent_ping_timeouts=3'] });
const marathon = marathonFixture(cluster);

test('an unreachable instance is replaced; when its agent returns the app is scaled back to size', async () => {
  const events = await EventReader.open(marathon.url);
  const res = await marathon.api('POST', '/v2/apps', { id: 'survivor', cmd: 'sleep 3600', cpus: 0.1, mem: 16 });
  await marathon.deploymentDone(res.headers['marathon-deployment-id'] as string);
  const [original] = await marathon.running('/survivor', 1);
  const agentPid = (await cluster.state()).slaves.find((s) => s.id === original.slaveId)!.pid;
  const victim = cluster.agents.find((a) => agentPid.endsWith(`:${a.port}`))!;
  assert.ok(victim, `the agent of ${original.id}`);

  let mark = 0;
  victim.daemon!.process.kill('SIGSTOP');
  try {
    await events.waitFor('status_update_event', (d) => d.taskId === original.id && d.taskStatus === 'TASK_UNREACHABLE', 20_000);
    const replacement = await waitUntil('a replacement on the other agent', async () => {
      const tasks = (await marathon.app('/survivor')).tasks as Array<{ id: string; state: string; slaveId: string }>;
      return tasks.find((t) => t.id !== original.id && t.state === 'TASK_RUNNING');
    });
    assert.notEqual(replacement.slaveId, original.slaveId);
  } finally {
    mark = events.events.length;
    victim.daemon!.process.kill('SIGCONT');
  }
  await waitUntil('the original instance RUNNING again', () => events.events.slice(mark).some((e) => e.type === 'status_update_event' && e.data.taskId === original.id && e.data.taskStatus === 'TASK_RUNNING'), 30_000);
  // Back to exactly one instance: the extra one (the youngest) is killed.
  const [kept] = await marathon.running('/survivor', 1);
  assert.equal(kept.id, original.id);
  events.close();
  await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/survivor')).body.deploymentId);
});
