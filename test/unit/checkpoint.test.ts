// The agent's checkpoints on a real disk (runtime/agent/checkpoint.ts): what a restarted agent recovers
// from a framework's executors.log, a torn last line, and the log's compaction (state kept, finished
// runs dropped once every update is acknowledged).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import { Checkpointer, type RecoveredState, type UpdateRecord } from '../../runtime/agent/checkpoint';
import type { ExecutorRun } from '../../runtime/agent/sandbox';
import type { StatusUpdate } from '../../runtime/common/protocol/internal';
import type { ExecutorInfo, TaskInfo, TaskState } from '../../runtime/common/protocol/v1';

const AGENT = 'a-S0';
const FRAMEWORK = 'f-0000';
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-checkpoint-'));
  dirs.push(dir);
  const c = new Checkpointer(dir);
  c.agentInfo({ hostname: 'h', id: { value: AGENT } });
  c.framework(AGENT, { id: { value: FRAMEWORK }, user: 'u', name: 'fw' });
  return dir;
}

const run = (executorId: string, containerId = `c-${executorId}`): ExecutorRun => ({ agentId: AGENT, frameworkId: FRAMEWORK, executorId, containerId });
const executorInfo = (id: string): ExecutorInfo => ({ executor_id: { value: id }, command: { value: 'x' } } as ExecutorInfo);
const taskInfo = (id: string): TaskInfo => ({ task_id: { value: id }, agent_id: { value: AGENT }, name: id, command: { value: 'sleep 1' } } as TaskInfo);
let uuids = 0;
const update = (taskId: string, state: TaskState): UpdateRecord => {
  const uuid = `u${uuids++}`;
  const status = { task_id: { value: taskId }, state, uuid };
  return { type: 'UPDATE', update: { framework_id: { value: FRAMEWORK }, status, timestamp: 1, uuid } as StatusUpdate };
};
const ack = (record: UpdateRecord): UpdateRecord => ({ type: 'ACK', uuid: (record as { update: StatusUpdate }).update.uuid });

/** Launches a command task in its own executor run, as the agent checkpoints it. */
function launch(c: Checkpointer, taskId: string): ExecutorRun {
  const r = run(taskId);
  c.executor(r, executorInfo(taskId), { container_id: r.containerId, directory: `/sandbox/${taskId}`, launcher: 'host' });
  c.task(r, taskInfo(taskId));
  return r;
}

const executors = (state: RecoveredState | undefined) => state!.frameworks.find((f) => f.info.id!.value === FRAMEWORK)!.executors;
const logFile = (dir: string) => path.join(dir, 'meta', 'slaves', AGENT, 'frameworks', FRAMEWORK, 'executors.log');
const states = (updates: UpdateRecord[]) => updates.map((u) => (u.type === 'UPDATE' ? u.update.status.state : 'ACK'));

test('a restarted agent recovers its executors, their runs, tasks and update streams', () => {
  const dir = workDir();
  const c = new Checkpointer(dir);
  const r = launch(c, 'web');
  const starting = update('web', 'TASK_STARTING');
  c.update(r, 'web', starting);
  c.update(r, 'web', ack(starting));
  c.update(r, 'web', update('web', 'TASK_RUNNING'));
  // A custom executor's run is checkpointed again once its process has a pid.
  const custom = run('custom');
  c.executor(custom, executorInfo('custom'), { container_id: custom.containerId, directory: '/sandbox/custom', launcher: 'process' });
  c.task(custom, taskInfo('t1'));
  c.executor(custom, executorInfo('custom'), { container_id: custom.containerId, directory: '/sandbox/custom', launcher: 'process', pid: 4242 });

  const recovered = new Checkpointer(dir).recover();
  assert.equal(recovered?.agentInfo.id?.value, AGENT);
  const [web, own] = executors(recovered);
  assert.equal(web.info.executor_id.value, 'web');
  assert.deepEqual(web.run?.run, { container_id: 'c-web', directory: '/sandbox/web', launcher: 'host' });
  assert.equal(web.run?.completed, false);
  assert.deepEqual(states(web.run!.tasks[0].updates), ['TASK_STARTING', 'ACK', 'TASK_RUNNING']);
  assert.equal(own.run?.run.pid, 4242, 'the second checkpoint of a run replaces the first');
  assert.deepEqual(own.run?.tasks.map((t) => t.info.task_id.value), ['t1'], 'and keeps its tasks');
});

test('a torn last line (a crash mid-append) ends the log; what came before is recovered', () => {
  const dir = workDir();
  const c = new Checkpointer(dir);
  const r = launch(c, 'web');
  c.update(r, 'web', update('web', 'TASK_STARTING'));
  fs.appendFileSync(logFile(dir), '{"type":"STATUS","executor_id":"web","cont');
  const [web] = executors(new Checkpointer(dir).recover());
  assert.deepEqual(states(web.run!.tasks[0].updates), ['TASK_STARTING']);
  // Recovery rewrote the log without the torn line: appends after it are read back too.
  const again = new Checkpointer(dir);
  again.recover();
  again.update(r, 'web', update('web', 'TASK_RUNNING'));
  assert.deepEqual(states(executors(new Checkpointer(dir).recover())[0].run!.tasks[0].updates), ['TASK_STARTING', 'TASK_RUNNING']);
});

test('a new run of an executor replaces the old one', () => {
  const dir = workDir();
  const c = new Checkpointer(dir);
  launch(c, 'svc');
  const second = run('svc', 'c-second');
  c.executor(second, executorInfo('svc'), { container_id: 'c-second', directory: '/sandbox/second', launcher: 'host' });
  const [svc] = executors(new Checkpointer(dir).recover());
  assert.equal(svc.run?.run.container_id, 'c-second');
  assert.deepEqual(svc.run?.tasks, []);
});

test('the log is compacted as it grows: state and unacknowledged updates kept, finished runs dropped', () => {
  const dir = workDir();
  const c = new Checkpointer(dir);
  // A long-running task whose health updates pile up, all acknowledged but the last.
  const lr = launch(c, 'long');
  let last: UpdateRecord | undefined;
  for (let i = 0; i < 400; i++) {
    last = update('long', 'TASK_RUNNING');
    c.update(lr, 'long', last);
    if (i < 399) c.update(lr, 'long', ack(last));
  }
  // Finished tasks: one fully acknowledged, one whose terminal update still waits.
  for (const id of ['done', 'unacked']) {
    const r = launch(c, id);
    const finished = update(id, 'TASK_FINISHED');
    c.update(r, id, finished);
    if (id === 'done') c.update(r, id, ack(finished));
    c.executorCompleted(r);
  }
  // Enough short-lived tasks to pass the compaction threshold several times.
  for (let i = 0; i < 300; i++) {
    const id = `short-${i}`;
    const r = launch(c, id);
    const failed = update(id, 'TASK_FAILED');
    c.update(r, id, failed);
    c.update(r, id, ack(failed));
    c.executorCompleted(r);
  }
  // Written: about 2,300 lines. A log is rewritten when it reaches 1,000 lines (or twice its live lines).
  const lines = fs.readFileSync(logFile(dir), 'utf8').trim().split('\n').length;
  assert.ok(lines < 1000, `compacted: ${lines} lines`);

  const recovered = executors(new Checkpointer(dir).recover());
  assert.deepEqual(recovered.map((e) => e.info.executor_id.value).sort(), ['long', 'unacked']);
  const long = recovered.find((e) => e.info.executor_id.value === 'long')!.run!.tasks[0].updates;
  assert.deepEqual(states(long), ['TASK_RUNNING', 'ACK', 'TASK_RUNNING'], 'the last acknowledged update (the state), then the pending one');
  assert.equal(long[2].type === 'UPDATE' && long[2].update.uuid, (last as { update: StatusUpdate }).update.uuid);
  const unacked = recovered.find((e) => e.info.executor_id.value === 'unacked')!.run!;
  assert.equal(unacked.completed, true);
  assert.deepEqual(states(unacked.tasks[0].updates), ['TASK_FINISHED']);
});
