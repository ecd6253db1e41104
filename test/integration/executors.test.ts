// Executors between real processes: the default executor (task groups), a framework's own executor
// speaking the raw v1 Executor API, an executor host dying under its tasks, and the sandboxes served by /files.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { getJson, request } from '../../runtime/common/http';
import type { Offer, TaskInfo } from '../../runtime/common/protocol/v1';
import { processesUnder } from '../../runtime/cluster/process';
import { isAlive } from '../../runtime/common/process';
import { clusterFixture, commandTask, subscribedScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 1 });

const small = (offer: Offer) => commandTask(offer, 'x', 'true').resources!;

const executorDirectory = (frameworkId: string, executorId: string) => cluster.executorDirectory(0, frameworkId, executorId);

test('LAUNCH_GROUP runs a task group in the default executor, each task in its own sandbox', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const executor = { type: 'DEFAULT' as const, executor_id: { value: 'group-1' }, framework_id: { value: s.frameworkId! }, resources: small(offer) };
  const tasks: TaskInfo[] = [commandTask(offer, 'g-a', 'echo alpha'), commandTask(offer, 'g-b', 'sleep 0.2; echo beta')];
  await s.accept([offer.id.value], [{ type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks } } }]);
  for (const t of tasks) {
    const finished = await s.status(t.task_id.value, 'TASK_FINISHED');
    assert.equal(finished.executor_id?.value, 'group-1');
  }
  const dir = await executorDirectory(s.frameworkId!, 'group-1');
  assert.match(dir, new RegExp(`/slaves/[^/]+/frameworks/${s.frameworkId}/executors/group-1/runs/[0-9a-f-]{36}$`));
  const read = await getJson<{ data: string }>(`${cluster.agents[0].url}/files/read?path=${encodeURIComponent(path.join(dir, 'tasks', 'g-b', 'stdout'))}&offset=0`);
  assert.equal(read.data, 'beta\n');
});

test('when one task of a group fails, the default executor kills the rest of the group', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const executor = { type: 'DEFAULT' as const, executor_id: { value: 'group-2' }, resources: small(offer) };
  const tasks = [commandTask(offer, 'g-fail', 'sleep 0.3; exit 2'), commandTask(offer, 'g-long', 'sleep 1000')];
  await s.accept([offer.id.value], [{ type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks } } }]);
  assert.equal((await s.status('g-fail', 'TASK_FAILED')).message, 'Command exited with status 2');
  await s.status('g-long', 'TASK_KILLED');
});

test('a framework\'s own executor gets its tasks and relays MESSAGEs both ways; it ends with a FAILURE event', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const executor = {
    executor_id: { value: 'echo-exec' }, name: 'echo executor',
    command: { value: `${process.execPath} ${path.resolve(__dirname, '../fixtures/echo-executor.mjs')}` }, resources: small(offer),
  };
  await s.launch(offer, [{ ...commandTask(offer, 'custom-1', ''), command: undefined, executor }]);
  const running = await s.status('custom-1', 'TASK_RUNNING');
  assert.equal(running.message, 'custom executor running custom-1');
  assert.equal(running.source, 'SOURCE_EXECUTOR');
  await s.message(offer.agent_id.value, 'echo-exec', 'hello');
  const reply = await s.next('MESSAGE');
  assert.equal(Buffer.from(reply.message.data, 'base64').toString(), 'echo: hello');
  assert.equal(reply.message.executor_id.value, 'echo-exec');
  await s.kill('custom-1', offer.agent_id.value);
  await s.status('custom-1', 'TASK_KILLED');
  await s.shutdownExecutor('echo-exec', offer.agent_id.value);
  const failure = await s.next('FAILURE');
  assert.equal(failure.failure.executor_id?.value, 'echo-exec');
});

test('an executor whose command cannot run fails its tasks with REASON_EXECUTOR_TERMINATED', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const executor = { executor_id: { value: 'broken-exec' }, command: { value: 'exit 7' }, resources: small(offer) };
  await s.launch(offer, [{ ...commandTask(offer, 'orphaned', ''), command: undefined, executor }]);
  const failed = await s.status('orphaned', 'TASK_FAILED');
  assert.equal(failed.reason, 'REASON_EXECUTOR_TERMINATED');
  assert.equal(failed.source, 'SOURCE_AGENT');
  assert.equal((await s.next('FAILURE')).failure.status, 7 << 8, 'a waitpid status: exit code 7');
});

test('when the executor host dies, a task that ended meanwhile reports its own exit status; a running one is killed and fails', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'ends-alone', 'sleep 0.5; exit 3', 'cpus:0.1;mem:16'), commandTask(offer, 'left-running', 'sleep 1000', 'cpus:0.1;mem:16')]);
  const running = await s.status('left-running', 'TASK_RUNNING');
  await s.status('ends-alone', 'TASK_RUNNING');
  const hostPid = running.container_status!.executor_pid!;
  const taskPids = processesUnder(await executorDirectory(s.frameworkId!, 'left-running'));
  assert.ok(taskPids.length > 0, 'the task runs in its sandbox');
  // Frozen, the host cannot report the first task's end: only the task's wrapper records it.
  process.kill(hostPid, 'SIGSTOP');
  await new Promise((r) => setTimeout(r, 1500));
  process.kill(hostPid, 'SIGKILL');
  const failed = await s.status('ends-alone', 'TASK_FAILED');
  assert.equal(failed.message, 'Command exited with status 3');
  assert.equal(failed.source, 'SOURCE_AGENT');
  const lost = await s.status('left-running', 'TASK_FAILED');
  assert.equal(lost.reason, 'REASON_EXECUTOR_TERMINATED');
  assert.equal(lost.message, 'Executor terminated');
  await waitUntil('the task left running to be killed', async () => taskPids.every((pid) => !isAlive(pid)));
});

test('/files browses, reads (offset/length) and downloads sandbox files, and refuses anything else', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await s.launch(offer, [commandTask(offer, 'writer', 'printf "0123456789"; echo oops >&2')]);
  await s.status('writer', 'TASK_FINISHED');
  const dir = await executorDirectory(s.frameworkId!, 'writer');
  const agent = cluster.agents[0].url;
  const q = (p: string) => encodeURIComponent(p);

  const listing = await getJson<Array<{ path: string; size: number; mode: string }>>(`${agent}/files/browse?path=${q(dir)}`);
  const stdout = listing.find((f) => f.path === path.join(dir, 'stdout'))!;
  assert.equal(stdout.size, 10);
  assert.match(stdout.mode, /^-rw/);
  assert.ok(listing.some((f) => f.path === path.join(dir, 'stderr')));

  assert.deepEqual(await getJson(`${agent}/files/read?path=${q(`${dir}/stdout`)}&offset=2&length=3`), { data: '234', offset: 2 });
  assert.deepEqual(await getJson(`${agent}/files/read?path=${q(`${dir}/stdout`)}&offset=-1`), { data: '', offset: 10 });
  assert.deepEqual(await getJson(`${agent}/files/read?path=${q(`${dir}/stdout`)}&offset=50`), { data: '', offset: 50 });
  assert.deepEqual(await getJson(`${agent}/files/read?path=${q(`${dir}/stdout`)}`), { data: '', offset: 10 }, 'no offset reads the size');
  assert.deepEqual(await getJson(`${agent}/files/read?path=${q(`${dir}/stderr`)}&offset=0`), { data: 'oops\n', offset: 0 });
  assert.deepEqual(await getJson(`${agent}/files/browse?path=${q(`${dir}/stdout`)}`), [], 'browsing a file lists nothing');
  const download = await request('GET', `${agent}/files/download?path=${q(`${dir}/stdout`)}`);
  assert.equal(download.status, 200);
  assert.equal(download.body, '0123456789');

  for (const outside of ['/etc/passwd', `${dir}/../../../../../../../../etc/passwd`, cluster.agents[0].workDir + '/meta']) {
    const r = await request('GET', `${agent}/files/read?path=${q(outside)}&offset=0`);
    assert.ok(r.status === 403 || r.status === 404, `${outside} answered ${r.status}`);
  }
  assert.equal((await request('GET', `${agent}/files/read?path=${q(`${dir}/missing`)}`)).status, 404);
  assert.equal((await request('GET', `${agent}/files/read`)).status, 400);
  assert.equal((await request('GET', `${agent}/files/read?path=${q(`${dir}/stdout`)}&offset=abc`)).status, 400);
});
