// The pure parts of the Marathon-compatible framework: constraints, offer matching, deployment plans
// and the launch/kill decisions of rolling upgrades.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseResources } from '../../runtime/common/resources';
import { absoluteId, normalizeApp, updatedApp, type AppDefinition } from '../../runtime/frameworks/marathon/app';
import { meetsConstraint } from '../../runtime/frameworks/marathon/constraints';
import type { Placement } from '../../runtime/frameworks/placement';
import { converge, isConverged, plan } from '../../runtime/frameworks/marathon/deployments';
import { matchOffer } from '../../runtime/frameworks/marathon/offers';
import type { Instance } from '../../runtime/frameworks/marathon/state';

const at = (hostname: string, rack?: string): Placement => ({ hostname, attributes: rack ? [{ name: 'rack', type: 'TEXT', text: { value: rack } }] : [] });

function app(fields: Record<string, unknown> = {}, version = '2026-01-01T00:00:00.000Z'): AppDefinition {
  return normalizeApp({ id: 'web', cmd: 'sleep 1', ...fields }, version);
}

let seq = 0;
function instance(a: AppDefinition, fields: Partial<Instance> = {}): Instance {
  seq++;
  return {
    taskId: `web.${seq}`, appId: a.id, version: a.version, configVersion: a.versionInfo.lastConfigChangeAt, agentId: 'a', host: 'h', ip: '127.0.0.1', attributes: [],
    ports: [], state: 'TASK_RUNNING', stagedAt: new Date(seq * 1000).toISOString(), startedAt: new Date(seq * 1000).toISOString(),
    killing: false, healthCheckResults: [], ready: false, ...fields,
  };
}

describe('constraints', () => {
  test('UNIQUE, CLUSTER, LIKE, UNLIKE, MAX_PER, IS, GROUP_BY', () => {
    assert.equal(meetsConstraint(['hostname', 'UNIQUE'], at('a'), [at('b')]), true);
    assert.equal(meetsConstraint(['hostname', 'UNIQUE'], at('a'), [at('a')]), false);
    assert.equal(meetsConstraint(['rack', 'CLUSTER', 'r1'], at('a', 'r1'), []), true);
    assert.equal(meetsConstraint(['rack', 'CLUSTER'], at('a', 'r2'), [at('b', 'r1')]), false);
    assert.equal(meetsConstraint(['hostname', 'LIKE', 'web-[0-9]+'], at('web-12'), []), true);
    assert.equal(meetsConstraint(['hostname', 'LIKE', 'web'], at('web-12'), []), false, 'LIKE matches the whole value');
    assert.equal(meetsConstraint(['rack', 'UNLIKE', 'r1'], at('a'), []), true, 'a missing attribute is unlike anything');
    assert.equal(meetsConstraint(['rack', 'MAX_PER', '2'], at('c', 'r1'), [at('a', 'r1'), at('b', 'r1')]), false);
    assert.equal(meetsConstraint(['rack', 'IS', 'r1'], at('c', 'r1'), []), true);
    assert.equal(meetsConstraint(['rack', 'GROUP_BY', '2'], at('c', 'r1'), [at('a', 'r1')]), false, 'the unseen group comes first');
    assert.equal(meetsConstraint(['rack', 'GROUP_BY', '2'], at('c', 'r2'), [at('a', 'r1')]), true);
    assert.equal(meetsConstraint(['rack', 'UNIQUE'], at('c'), []), false, 'no attribute, no placement');
  });
});

describe('offer matching', () => {
  const pool = parseResources('cpus:1;mem:256;disk:100;ports:[31000-31002]');

  test('takes scalars and the first free host ports; names what is missing', () => {
    const m = matchOffer(app({ cpus: 0.5, mem: 64, portDefinitions: [{ port: 0 }, { port: 0 }] }), pool, at('a'), []);
    assert.ok(typeof m !== 'string');
    assert.deepEqual(m.hostPorts, [31000, 31001]);
    assert.equal(matchOffer(app({ cpus: 2 }), pool, at('a'), []), 'InsufficientCpus');
    assert.equal(matchOffer(app({ cpus: 0.1, mem: 512 }), pool, at('a'), []), 'InsufficientMemory');
    assert.equal(matchOffer(app({ cpus: 0.1, mem: 16, portDefinitions: [{ port: 0 }, { port: 0 }, { port: 0 }, { port: 0 }] }), pool, at('a'), []), 'InsufficientPorts');
    assert.equal(matchOffer(app({ cpus: 0.1, mem: 16, constraints: [['hostname', 'UNIQUE']] }), pool, at('a'), [at('a')]), 'UnfulfilledConstraint');
  });

  test('requirePorts takes the service ports themselves', () => {
    const m = matchOffer(app({ cpus: 0.1, mem: 16, requirePorts: true, portDefinitions: [{ port: 31002 }] }), pool, at('a'), []);
    assert.ok(typeof m !== 'string');
    assert.deepEqual(m.hostPorts, [31002]);
    assert.equal(matchOffer(app({ cpus: 0.1, mem: 16, requirePorts: true, portDefinitions: [{ port: 9999 }] }), pool, at('a'), []), 'InsufficientPorts');
  });
});

describe('apps and deployments', () => {
  test('defaults, absolute ids, and scaling is not a configuration change', () => {
    const a = app();
    assert.equal(a.id, '/web');
    assert.deepEqual([a.cpus, a.mem, a.disk, a.gpus, a.instances, a.backoffSeconds, a.backoffFactor], [1, 128, 0, 0, 1, 1, 1.15]);
    assert.deepEqual(a.upgradeStrategy, { minimumHealthCapacity: 1, maximumOverCapacity: 1 });
    assert.equal(absoluteId('../db', '/shop/web'), '/shop/db');
    const scaled = updatedApp(a, { instances: 3 }, '2026-01-02T00:00:00.000Z', true);
    assert.equal(scaled.versionInfo.lastConfigChangeAt, a.versionInfo.lastConfigChangeAt);
    assert.equal(scaled.cmd, 'sleep 1');
    const changed = updatedApp(a, { cmd: 'sleep 2' }, '2026-01-02T00:00:00.000Z', true);
    assert.equal(changed.versionInfo.lastConfigChangeAt, '2026-01-02T00:00:00.000Z');
  });

  test('plan: stops, starts, then dependency order', () => {
    const db = app({ id: '/shop/db' });
    const web = app({ id: '/shop/web', dependencies: ['db'] });
    const d = plan('d1', 'v', { '/shop/db': null, '/shop/web': null }, { '/shop/db': db, '/shop/web': web });
    assert.deepEqual(d.steps.map((s) => s.actions.map((a) => `${a.action}:${a.app}`)), [
      ['StartApplication:/shop/db', 'StartApplication:/shop/web'], ['ScaleApplication:/shop/db'], ['ScaleApplication:/shop/web'],
    ]);
  });

  test('scale up and down with killSelection', () => {
    const a = app({ instances: 3 });
    assert.deepEqual(converge(a, [instance(a)]), { launch: 2, kill: [] });
    const old = instance(a);
    const young = instance(a);
    const one = app({ instances: 1 });
    one.versionInfo = a.versionInfo;
    assert.deepEqual(converge(one, [old, young]).kill.map((i) => i.taskId), [young.taskId]);
    assert.deepEqual(converge({ ...one, killSelection: 'OLDEST_FIRST' }, [old, young]).kill.map((i) => i.taskId), [old.taskId]);
  });

  test('rolling upgrade honours minimumHealthCapacity and maximumOverCapacity', () => {
    const v1 = app({ instances: 4, upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.5 } });
    const olds = [instance(v1), instance(v1), instance(v1), instance(v1)];
    const v2 = updatedApp(v1, { cmd: 'sleep 2' }, '2026-02-01T00:00:00.000Z', true);
    const first = converge(v2, olds);
    // Down to 2 healthy (minimum), up to 6 in total (4 × 1.5): kill 2 old, launch 4 new.
    assert.equal(first.kill.length, 2);
    assert.equal(first.launch, 4);
    assert.equal(isConverged(v2, olds), false);
    const done = [instance(v2), instance(v2), instance(v2), instance(v2)];
    assert.equal(isConverged(v2, done), true);
  });

  test('minimumHealthCapacity 1 with maximumOverCapacity 0 replaces one instance at a time', () => {
    const v1 = app({ instances: 2, upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 } });
    const v2 = updatedApp(v1, { cmd: 'sleep 2' }, '2026-02-01T00:00:00.000Z', true);
    const d = converge(v2, [instance(v1), instance(v1)]);
    assert.deepEqual([d.kill.length, d.launch], [1, 0]);
  });
});
