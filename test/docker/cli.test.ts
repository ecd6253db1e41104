// The CLI against a real Docker engine: `up --docker --detach`, a name clash in either mode, `status`,
// `logs`, a task run from the host through the ZooKeeper URL the cluster advertises and its log read
// back, `down` by label, and images that cannot be had.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { clusterContainers } from '../../runtime/cluster/docker';
import { BUNDLE, waitUntil } from '../helpers/cluster';

const NAME = `cli-${process.pid}`;
const mesolite = (...args: string[]) => mesoliteWith({}, ...args);
function mesoliteWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

after(() => { mesolite('down', `--name=${NAME}`); });

test('up --docker --detach starts a cluster and returns; a second up with the same name is refused in either mode', () => {
  const up = mesolite('up', '--docker', '--detach', `--name=${NAME}`, '--masters=1', '--agents=1', '--no-marathon', '--no-chronos');
  assert.equal(up.code, 0, up.err);
  assert.match(up.out, new RegExp(`Docker cluster '${NAME}' is up`));
  assert.match(up.out, /master-1 +http:\/\/[\d.]+:5050 +\(leading\)/);
  assert.doesNotMatch(up.err, /DEP0005|DeprecationWarning/);
  const refused = new RegExp(`^Cluster '${NAME}' is already running in Docker \\(4 container\\(s\\)\\); remove it with: .* down --name=${NAME}, or choose another --name\n$`);
  const again = mesolite('up', '--docker', '--detach', `--name=${NAME}`, '--masters=1', '--agents=1', '--no-marathon', '--no-chronos');
  assert.equal(again.code, 1);
  assert.match(again.err, refused);
  const asProcesses = mesolite('up', '--detach', `--name=${NAME}`, '--no-marathon', '--no-chronos');
  assert.equal(asProcesses.code, 1);
  assert.match(asProcesses.err, refused);
});

test('status shows the members and the leader; logs prints a member\'s output', () => {
  const status = mesolite('status', `--name=${NAME}`);
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /agent-1 +http:\/\/[\d.]+:5051 +running/);
  assert.match(status.out, /Agents \(1 active\)/);
  const logs = mesolite('logs', 'master-1', `--name=${NAME}`);
  assert.equal(logs.code, 0, logs.err);
  assert.match(logs.out, /Leading master: master@[\d.]+:5050/);
});

test('a task launched from the host through the advertised ZooKeeper URL finishes', () => {
  const zk = /ZooKeeper (zk:\/\/[^)\s]+)/.exec(mesolite('status', `--name=${NAME}`).out);
  assert.ok(zk, 'status names the ZooKeeper URL');
  const run = mesolite('execute', `--master=${zk[1]}`, '--name=from-host', '--command=echo hi', '--resources=cpus:0.1;mem:32');
  assert.equal(run.code, 0, run.out + run.err);
  assert.match(run.out, /TASK_FINISHED/);
  const list = mesolite('task', 'list', '--completed', `--name=${NAME}`);
  assert.match(list.out, /from-host-\w+ +TASK_FINISHED +from-host +mesolite-execute +[\d.]+:5051/);
  const log = mesolite('task', 'log', 'from-host', `--name=${NAME}`);
  assert.equal(log.out, 'hi\n', log.err);
});

test('down removes the cluster by label; a second down finds nothing', async () => {
  const down = mesolite('down', `--name=${NAME}`);
  assert.equal(down.code, 0, down.err);
  assert.deepEqual(await clusterContainers(NAME), []);
  assert.equal(mesolite('down', `--name=${NAME}`).code, 1);
});

test('an image that is neither here nor pullable stops up before anything is created, saying what to do', async () => {
  const up = mesoliteWith({ MESOLITE_NODE_IMAGE: 'mesolite/no-such-image:never' }, 'up', '--docker', '--detach', '--name=no-image', '--masters=1', '--agents=1', '--no-marathon', '--no-chronos');
  assert.equal(up.code, 1);
  assert.match(up.err, /^The image mesolite\/no-such-image:never is not on this machine and cannot be pulled \(.+\): run scripts\/provision-docker.sh .*, or set MESOLITE_NODE_IMAGE to an image on this machine\n$/);
  assert.deepEqual(await clusterContainers('no-image'), []);
});

test('without image variables, a public image that cannot be pulled gives way to the local one, and says so', () => {
  const up = mesoliteWith({ MESOLITE_NODE_IMAGE: '', MESOLITE_ZOOKEEPER_IMAGE: '' }, 'up', '--docker', '--detach', `--name=${NAME}-public`, '--masters=1', '--agents=1', '--no-marathon', '--no-chronos');
  try {
    assert.equal(up.code, 0, up.err);
    // Where the public images are present or a registry answers, they are used instead.
    if (up.out.includes('cannot be pulled')) {
      assert.match(up.out, /node:22-bookworm-slim cannot be pulled \(.+\); using the local mesolite\/node-base:bookworm-local instead/);
      assert.match(up.out, /zookeeper:3.9 cannot be pulled \(.+\); using the local mesolite\/zookeeper:3.8-local instead/);
    }
  } finally {
    mesolite('down', `--name=${NAME}-public`);
  }
});

test('a foreground up --docker exits when down removes its cluster from another shell', async () => {
  const name = `${NAME}-fg`;
  const up = spawn(process.execPath, [BUNDLE, 'up', '--docker', `--name=${name}`, '--masters=1', '--agents=1', '--no-marathon', '--no-chronos']);
  let out = '';
  up.stdout.on('data', (c) => (out += c));
  up.stderr.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
  try {
    await waitUntil('the cluster', () => out.includes('Press Ctrl+C'), 120_000);
    assert.equal(mesolite('down', `--name=${name}`).code, 0);
    assert.equal(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]), 0, out);
    assert.match(out, new RegExp(`Cluster '${name}' was removed \\(mesolite down\\); exiting`));
  } finally {
    up.kill('SIGKILL');
    mesolite('down', `--name=${name}`);
  }
});
