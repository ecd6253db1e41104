// `mesolite up` tells the truth about its start: taken ports refused up front with their holder, a
// daemon's own error when it dies, one name for one cluster, a foreground `up` that ends with `down`
// from elsewhere, state kept across up/down unless --fresh, and user errors as one line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { after, test } from 'node:test';
import { processesUnder } from '../../runtime/cluster/process';
import { getJson } from '../../runtime/common/http';
import { assertOneLineError, CliHome } from '../helpers/cli';
import { freePort, waitUntil } from '../helpers/cluster';

const home = new CliHome();
after(() => home.cleanup());

const listen = (server: net.Server, port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

test('a port taken by a plain listener is refused before anything starts, naming it, its holder and the flag', async () => {
  const port = await freePort();
  const listener = net.createServer((s) => s.destroy());
  await listen(listener, port);
  try {
    const up = home.run(['up', '--no-chronos', '--detach', `--port=${port}`, '--no-marathon', '--name=taken']);
    assertOneLineError(up, new RegExp(`port ${port} \\(master-1\\) is in use by .*node.* \\(pid ${process.pid}\\); choose free ports with --port=`));
    assert.ok(up.ms < 5000, `refused after ${up.ms} ms`);
    assert.equal(fs.existsSync(home.clusterDir('taken')), false, 'nothing was started');
  } finally {
    listener.close();
  }
});

test('a port where another HTTP server answers is refused within seconds, naming the flag', async () => {
  const port = await freePort();
  const marathonPort = await freePort();
  const server = http.createServer((_req, res) => res.end('<html>a static site</html>'));
  await listen(server, marathonPort);
  try {
    const up = home.run(['up', '--no-chronos', '--detach', `--port=${port}`, `--marathon_port=${marathonPort}`, '--name=http']);
    assertOneLineError(up, new RegExp(`port ${marathonPort} \\(the app framework\\) is in use .*; choose free ports with --marathon_port= \\(or --no-marathon\\)`));
    assert.ok(up.ms < 5000, `refused after ${up.ms} ms`);
    await assert.rejects(getJson(`http://127.0.0.1:${port}/master/state`), 'no master was left running');
  } finally {
    server.close();
  }
});

test('agents pass over a taken port after the masters\' instead of failing the start', async () => {
  const port = await freePort();
  const blocker = net.createServer((s) => s.destroy());
  await listen(blocker, port + 1);
  try {
    const up = home.run(['up', '--no-chronos', '--detach', `--port=${port}`, '--agents=1', '--no-marathon', '--name=skip']);
    assert.equal(up.status, 0, up.stderr);
    const state = await getJson<{ slaves: Array<{ port: number }> }>(`http://127.0.0.1:${port}/master/state`);
    assert.equal(state.slaves.length, 1);
    assert.ok(state.slaves[0].port > port + 1, `agent on port ${state.slaves[0].port}, after the taken ${port + 1}`);
    assert.equal(home.run(['down', '--name=skip']).status, 0);
  } finally {
    blocker.close();
  }
});

test('a daemon that exits while the cluster starts fails up with its own error, and nothing is left', async () => {
  const port = await freePort();
  const up = home.run(['up', '--no-chronos', '--detach', `--port=${port}`, '--no-marathon', '--agent_resources=cpus:lots', '--name=bad-agent']);
  assertOneLineError(up, /Cluster 'bad-agent' did not start: agent-\d exited: .*--resources.*cpus.*\(log: .*agent-\d\.log\)/);
  assert.doesNotMatch(up.stdout, /is up/);
  assert.deepEqual(processesUnder(home.clusterDir('bad-agent')), []);
});

test('one name, one cluster: a running cluster\'s name is refused in either mode, naming it; its ports too under another name', async () => {
  const port = await freePort();
  const marathonPort = await freePort();
  const up = home.run(['up', '--no-chronos', '--detach', `--port=${port}`, `--marathon_port=${marathonPort}`, '--name=one']);
  assert.equal(up.status, 0, up.stderr);
  const again = home.run(['up', '--no-chronos', '--detach', `--port=${await freePort()}`, '--no-marathon', '--name=one']);
  assertOneLineError(again, new RegExp(`Cluster 'one' is already running as local processes \\(master http://127.0.0.1:${port}\\); stop it with: .* down --name=one, or choose another --name`));
  const docker = home.run(['up', '--docker', '--detach', '--name=one']);
  assertOneLineError(docker, /Cluster 'one' is already running as local processes/);
  const second = home.run(['up', '--no-chronos', '--detach', `--port=${port}`, `--marathon_port=${marathonPort}`, '--name=second']);
  assertOneLineError(second, new RegExp(`port ${port} \\(master-1\\) is in use by mesolite master of cluster 'one' \\(pid \\d+\\);.* port ${marathonPort} \\(the app framework\\) is in use by mesolite marathon of cluster 'one'`));
  assert.equal(home.run(['down', '--name=one']).status, 0);
});

test('a foreground up exits when down stops its cluster from another shell', async () => {
  const port = await freePort();
  const up = home.start(['up', '--no-chronos', `--port=${port}`, '--agents=1', '--no-marathon', '--name=fg']);
  try {
    await waitUntil('the cluster', () => up.output().includes('Press Ctrl+C'));
    const exited = new Promise<number | null>((resolve) => up.child.once('exit', resolve));
    assert.equal(home.run(['down', '--name=fg']).status, 0);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 5000))]);
    assert.equal(code, 0, up.output());
    assert.match(up.output(), /Cluster 'fg' was stopped \(mesolite down\); exiting/);
  } finally {
    up.child.kill('SIGKILL');
  }
});

test('the cluster keeps its apps across down and up; --fresh starts empty', async () => {
  const port = await freePort();
  const marathonPort = await freePort();
  const flags = ['--detach', `--port=${port}`, `--marathon_port=${marathonPort}`, '--name=kept'];
  assert.equal(home.run(['up', '--no-chronos', ...flags]).status, 0);
  const deploy = home.run(['deploy', '--name=kept', '{"id":"keep-me","cmd":"sleep 1000","cpus":0.1,"mem":16}']);
  assert.equal(deploy.status, 0, deploy.stderr);
  assert.equal(home.run(['down', '--name=kept']).status, 0);

  const again = home.run(['up', '--no-chronos', ...flags]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /state +\S+ +\(kept from the last run; up --fresh starts empty\)/);
  type Apps = { apps: Array<{ id: string; tasksRunning: number }> };
  await waitUntil('the kept app to run again', async () => (await getJson<Apps>(`http://127.0.0.1:${marathonPort}/v2/apps`)).apps.find((a) => a.id === '/keep-me' && a.tasksRunning === 1), 30_000);
  assert.equal(home.run(['down', '--name=kept']).status, 0);

  const fresh = home.run(['up', '--no-chronos', ...flags, '--fresh']);
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.match(fresh.stdout, /\(new; up --fresh starts empty\)/);
  // (retried: the test's keep-alive connection to the previous app framework is gone)
  assert.deepEqual(await waitUntil('the apps', async () => (await getJson<Apps>(`http://127.0.0.1:${marathonPort}/v2/apps`)).apps), []);
  assert.equal(home.run(['down', '--name=kept']).status, 0);
});

test('user errors are one line naming the problem and what to do, without a stack; --verbose shows it', async () => {
  const closed = await freePort();
  assertOneLineError(home.run(['logs', 'master-1', '--name=none']), /No cluster named 'none' is running or has run here: start one with .* up --name=none/);
  assertOneLineError(home.run(['status', '--name=none']), /No cluster named 'none' is running: start one with .* up, or pass --master=HOST:PORT/);
  assertOneLineError(home.run(['down', '--name=none']), /No cluster named 'none' is running/);
  assertOneLineError(home.run(['task', 'log', 'x', `--master=127.0.0.1:${closed}`]), new RegExp(`No master answers at 127.0.0.1:${closed} \\(.*ECONNREFUSED.*\\): is the cluster running\\?`));
  assertOneLineError(home.run(['task', 'log', '--name=none']), /Usage: mesolite task log TASK/);
  assertOneLineError(home.run(['deploy', '/no/such/app.json', `--marathon=127.0.0.1:${closed}`]), /Cannot read \/no\/such\/app.json: ENOENT/);
  assertOneLineError(home.run(['up', '--agents=0']), /--agents must be at least 1/);
  assertOneLineError(home.run(['up', '--bogus']), /Unknown flag '--bogus' \(mesolite up --help lists its flags\)/);
  assertOneLineError(home.run(['frobnicate']), /Unknown command 'frobnicate' \(mesolite --help lists the commands\)/);
  const listener = net.createServer();
  await listen(listener, closed);
  try {
    assertOneLineError(home.run(['master', `--port=${closed}`, '--ip=127.0.0.1', `--work_dir=${home.dir}/m`]), new RegExp(`port ${closed} on 127.0.0.1 is in use by .*node.*; choose another with --port=`));
  } finally {
    listener.close();
  }
  const verbose = home.run(['task', 'list', `--master=127.0.0.1:${closed}`, '--verbose']);
  assert.equal(verbose.status, 1);
  assert.match(verbose.stderr, /No master answers[\s\S]*\n\s+at /, 'the cause with its stack');
});
