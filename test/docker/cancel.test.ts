// Cancelling a Docker cluster's start (what the extension's progress notification does): the start
// fails at its next step and leaves no container or network of the cluster behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterContainers, MesoliteCluster, removeCluster } from '../../runtime/cluster/docker';
import { docker } from '../../runtime/cluster/docker/engine';

test('an aborted start stops at its next step and removes what it started', { timeout: 180_000 }, async () => {
  const name = `cancel-${process.pid}`;
  const abort = new AbortController();
  const steps: string[] = [];
  try {
    const start = new MesoliteCluster().withName(name).withMasters(1).withAgents(1).withMarathon()
      .withSignal(abort.signal)
      .withProgress((step) => {
        steps.push(step);
        // ZooKeeper and the master run by now: the abort has containers to remove.
        if (step === 'Waiting for a leading master') abort.abort();
      })
      .start();
    await assert.rejects(start, /Start cancelled/);
    assert.ok(!steps.some((s) => s.startsWith('Starting 1 agent')), `no step after the abort: ${steps.join(', ')}`);
    assert.deepEqual(await clusterContainers(name), [], 'no container of the cluster remains');
    const engine = await docker();
    assert.deepEqual(await engine.listNetworks({ filters: { label: [`mesolite.cluster=${name}`] } }), [], 'no network of the cluster remains');
  } finally {
    await removeCluster(name);
  }
});
