// A task's output from the CLI: `task list` (sandbox paths in --json), `task log` by id prefix or app
// id, --lines, stderr, --follow, ambiguous names listed, against a local cluster by name or any master;
// `deploy` prints the deployment as it goes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { getJson } from '../../runtime/common/http';
import { assertOneLineError, CliHome } from '../helpers/cli';
import { freePort, waitUntil } from '../helpers/cluster';

const home = new CliHome();
let port = 0;
let marathonPort = 0;
const NAME = '--name=tasks';

before(async () => {
  port = await freePort();
  marathonPort = await freePort();
  const up = home.run(['up', '--no-chronos', '--detach', `--port=${port}`, `--marathon_port=${marathonPort}`, NAME]);
  assert.equal(up.status, 0, up.stderr);
});
after(() => home.cleanup());

const COUNTER = '{"id":"/counter","cmd":"i=0; while true; do i=$((i+1)); echo line $i; echo oops $i >&2; sleep 0.2; done","cpus":0.1,"mem":16}';

test('deploy prints the deployment until its task runs; task list shows the task and, in JSON, its sandbox', () => {
  const deploy = home.run(['deploy', NAME, COUNTER]);
  assert.equal(deploy.status, 0, deploy.stderr);
  assert.match(deploy.stdout, /^Creating \/counter: deployment [\w-]+\n {2}step 1\/2: StartApplication \/counter\n[\s\S]*task counter\.[\w-]+ TASK_RUNNING\n[\s\S]*Deployed \/counter in [\d.]+ s\n$/);
  const list = home.run(['task', 'list', NAME]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^ID +STATE +NAME +FRAMEWORK +AGENT\ncounter\.[\w-]+ +TASK_RUNNING +counter +marathon +127\.0\.0\.1:\d+\n$/);
  const [task] = JSON.parse(home.run(['task', 'list', NAME, '--json']).stdout) as Array<{ id: string; state: string; framework: { name: string }; sandbox: string }>;
  assert.match(task.id, /^counter\./);
  assert.equal(task.framework.name, 'marathon');
  assert.ok(task.sandbox.startsWith(home.clusterDir('tasks')), task.sandbox);
  assert.ok(fs.existsSync(path.join(task.sandbox, 'stdout')), 'the sandbox path is where the output is');
});

test('task log prints the last lines of stdout or stderr of a task named by id prefix or app id', async () => {
  await waitUntil('a dozen lines', () => (home.run(['task', 'log', 'counter', NAME, '--lines=12']).stdout.match(/\n/g) ?? []).length === 12);
  const byApp = home.run(['task', 'log', '/counter', NAME, '--lines=3']);
  assert.equal(byApp.status, 0, byApp.stderr);
  const lines = byApp.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  const n = Number(/^line (\d+)$/.exec(lines[0])?.[1]);
  assert.deepEqual(lines, [`line ${n}`, `line ${n + 1}`, `line ${n + 2}`]);
  const id = (JSON.parse(home.run(['task', 'list', NAME, '--json']).stdout) as Array<{ id: string }>)[0].id;
  const byPrefix = home.run(['task', 'log', id.slice(0, 12), 'stderr', NAME]);
  assert.equal(byPrefix.status, 0, byPrefix.stderr);
  assert.match(byPrefix.stdout, /^(oops \d+\n){10}$/, 'the last 10 lines of stderr by default');
  const anyMaster = home.run(['task', 'log', id, `--master=127.0.0.1:${port}`, '--lines=1']);
  assert.match(anyMaster.stdout, /^line \d+\n$/);
  assertOneLineError(home.run(['task', 'log', 'nothing-like-it', NAME]), /No task matches 'nothing-like-it': .* task list --completed shows every task/);
});

test('task log --follow prints what the task writes next', async () => {
  const follower = home.start(['task', 'log', 'counter', '--follow', '--lines=1', NAME]);
  try {
    const first = await waitUntil('the last line', () => Number(/line (\d+)/.exec(follower.output())?.[1]) || undefined);
    await waitUntil('three more lines, in order', () => follower.output().includes(`line ${first + 3}\n`), 10_000);
    const numbers = [...follower.output().matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(numbers, numbers.map((_, i) => first + i), 'no line lost or repeated');
  } finally {
    follower.child.kill('SIGINT');
  }
});

test('several matching tasks are listed, not guessed; an ended task is found when no running one matches', async () => {
  const scale = spawnSync('curl', ['-s', '-X', 'PUT', '-d', '{"instances":2}', `localhost:${marathonPort}/v2/apps/counter`], { encoding: 'utf8' });
  assert.match(scale.stdout, /deploymentId/);
  await waitUntil('two instances', async () => (await getJson<{ app: { tasksRunning: number } }>(`http://127.0.0.1:${marathonPort}/v2/apps/counter`)).app.tasksRunning === 2 || undefined);
  assertOneLineError(home.run(['task', 'log', 'counter', NAME]), /^2 tasks match 'counter': counter\.[\w-]+ \(TASK_RUNNING\), counter\.[\w-]+ \(TASK_RUNNING\); give more of the id$/);
  const done = home.run(['execute', `--master=127.0.0.1:${port}`, '--name=once', '--command=echo said once']);
  assert.equal(done.status, 0, done.stdout + done.stderr);
  const log = home.run(['task', 'log', 'once', NAME]);
  assert.equal(log.status, 0, log.stderr);
  assert.equal(log.stdout, 'said once\n');
});
