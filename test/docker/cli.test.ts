// The CLI against a real Docker engine: `up --docker --detach`, a name clash, `status`, `logs`, a task
// run from the host through the ZooKeeper URL the cluster advertises, and `down` by label.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { clusterContainers } from '../../runtime/cluster/docker';
import { BUNDLE } from '../helpers/cluster';

const NAME = `cli-${process.pid}`;
const mesolite = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

after(() => { mesolite('down', `--name=${NAME}`); });

test('up --docker --detach starts a cluster and returns; a second up with the same name is refused', () => {
  const up = mesolite('up', '--docker', '--detach', `--name=${NAME}`, '--masters=1', '--agents=1', '--no-marathon');
  assert.equal(up.code, 0, up.err);
  assert.match(up.out, new RegExp(`Docker cluster '${NAME}' is up`));
  assert.match(up.out, /master-1 +http:\/\/[\d.]+:5050 +\(leading\)/);
  const again = mesolite('up', '--docker', '--detach', `--name=${NAME}`, '--masters=1', '--agents=1', '--no-marathon');
  assert.equal(again.code, 1);
  assert.match(again.err, new RegExp(`A cluster named '${NAME}' exists`));
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
});

test('down removes the cluster by label; a second down finds nothing', async () => {
  const down = mesolite('down', `--name=${NAME}`);
  assert.equal(down.code, 0, down.err);
  assert.deepEqual(await clusterContainers(NAME), []);
  assert.equal(mesolite('down', `--name=${NAME}`).code, 1);
});
