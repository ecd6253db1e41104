// The job framework in a Docker cluster: `withChronos()` adds a `chronos` container (state in the
// cluster's ZooKeeper) that subscribes to the elected master and runs a job on an agent container;
// a cluster found again from its labels names it; `down` removes it with the rest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from '../../runtime/common/http';
import { clusterContainers, connectToCluster, MesoliteCluster } from '../../runtime/cluster/docker';
import { onTestEnd, waitUntil } from '../helpers/cluster';

test('a Docker cluster with the job framework runs a job', async (t) => {
  const name = `chronos-${process.pid}`;
  const progress: string[] = [];
  const cluster = await new MesoliteCluster().withName(name).withMasters(1).withAgents(1).withChronos()
    .withProgress((step) => progress.push(step)).start();
  onTestEnd(t, () => cluster.down());
  assert.ok(progress.includes('Waiting for the job framework'));
  const chronos = cluster.info.chronos!;
  assert.match(chronos, /^http:\/\/[\d.]+:4400$/);
  const posted = await request('POST', `${chronos}/v1/scheduler/iso8601`, { name: 'in-docker', command: 'echo hi', schedule: 'R1//PT1H', cpus: 0.1, mem: 16, disk: 1 });
  assert.equal(posted.status, 204, posted.body);
  await waitUntil('the job to succeed', async () => {
    const res = await request('GET', `${chronos}/v1/scheduler/job/in-docker`, undefined, {}, 2000);
    return res.status === 200 && JSON.parse(res.body).successCount === 1 ? true : undefined;
  }, 60_000);
  assert.equal((await connectToCluster(name))?.info.chronos, chronos, 'found again from its labels');
  await cluster.down();
  assert.deepEqual(await clusterContainers(name), []);
});
