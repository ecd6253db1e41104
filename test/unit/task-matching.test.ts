// Which task a name given on the command line means, for `task log` and `task exec` alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findTask } from '../../runtime/client/attach';
import type { GetState } from '../../runtime/client/operator';

const task = (id: string, state: string) => ({ task_id: { value: id }, state, statuses: [] });
const stateWith = (...tasks: ReturnType<typeof task>[]) => ({ get_tasks: { tasks } }) as unknown as GetState;

test('an exact id, else a unique prefix, else an app id (Marathon\'s app.uuid), running tasks first', () => {
  const state = stateWith(task('web.1111', 'TASK_FINISHED'), task('web.2222', 'TASK_RUNNING'), task('web-admin.3333', 'TASK_RUNNING'), task('db.4444', 'TASK_RUNNING'));
  assert.equal(findTask(state, 'db.4444').task_id.value, 'db.4444');
  assert.equal(findTask(state, 'db').task_id.value, 'db.4444');
  assert.equal(findTask(state, '/web').task_id.value, 'web.2222', 'the running instance of app /web, not web-admin');
  assert.throws(() => findTask(state, 'web'), /Multiple tasks match 'web':\n {2}web\.2222 \(TASK_RUNNING\)\n {2}web-admin\.3333 \(TASK_RUNNING\)/);
  assert.throws(() => findTask(state, 'web.1111'), /Task 'web\.1111' is TASK_FINISHED, not running/);
  assert.throws(() => findTask(state, 'cache'), /No task matches 'cache'/);
});
