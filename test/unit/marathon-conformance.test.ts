// The conformance check the Marathon HTTP helper runs on every answer: strict on fields Marathon's
// types lack, on missing required ones, on JSON types and on nesting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nonConformance } from '../helpers/marathon-conformance';

const task = { id: 'web.0b1c', appId: '/web', host: 'a1', state: 'TASK_RUNNING', role: '*', ports: [31000], healthCheckResults: [] };

test('a task: extra fields, missing role, null timestamps and unknown states are not Marathon\'s Task', () => {
  assert.equal(nonConformance('GET', '/v2/apps/web/tasks', 200, { tasks: [task] }), undefined);
  assert.match(nonConformance('GET', '/v2/apps/web/tasks', 200, { tasks: [{ ...task, healthy: true }] })!, /\/tasks\/0 must NOT have additional properties \(healthy\)/);
  const { role: _role, ...roleless } = task;
  assert.match(nonConformance('GET', '/v2/tasks', 200, { tasks: [roleless] })!, /must have required property 'role'/);
  assert.match(nonConformance('GET', '/v2/tasks', 200, { tasks: [{ ...task, startedAt: null }] })!, /\/tasks\/0\/startedAt must be string/);
  assert.match(nonConformance('GET', '/v2/tasks', 200, { tasks: [{ ...task, state: 'TASK_LOST' }] })!, /\/tasks\/0\/state must be equal to one of the allowed values/);
  const health = { alive: true, consecutiveFailures: 0, instanceId: 'web.marathon-0b1c' };
  assert.equal(nonConformance('GET', '/v2/apps/web', 200, { app: { id: '/web', tasks: [{ ...task, healthCheckResults: [health] }] } }), undefined);
  assert.match(nonConformance('GET', '/v2/apps/web', 200, { app: { id: '/web', tasks: [{ ...task, healthCheckResults: [{ ...health, instanceId: 'web.0b1c' }] }] } })!, /instanceId must match pattern/);
});

test('/v2/info: numbers as numbers, keys in the section Marathon puts them in', () => {
  const info = {
    name: 'marathon', version: '1', buildref: 'x', elected: true,
    marathon_config: { features: [], task_lost_expunge_initial_delay: 1000, task_lost_expunge_interval: 1000, decline_offer_duration: 120000 },
    zookeeper_config: { zk: '', zk_connection_timeout: 1, zk_max_versions: 50, zk_session_timeout: 1, zk_timeout: 1 },
    http_config: { http_port: 8080, https_port: 0 },
  };
  assert.equal(nonConformance('GET', '/v2/info', 200, info), undefined);
  assert.match(nonConformance('GET', '/v2/info', 200, { ...info, marathon_config: { ...info.marathon_config, decline_offer_duration: '120000' } })!, /decline_offer_duration must be integer/);
  assert.match(nonConformance('GET', '/v2/info', 200, { ...info, marathon_config: { ...info.marathon_config, zk_max_versions: 50 } })!, /\(zk_max_versions\)/);
  assert.match(nonConformance('GET', '/v2/info', 200, { ...info, zookeeper_config: {} })!, /must have required property 'zk'/);
});

test('which type answers: deployments for scale-kills, errors whatever the route, nothing for /ping and 202', () => {
  const deployment = { deploymentId: 'd', version: '2026-01-01T00:00:00.000Z' };
  assert.equal(nonConformance('DELETE', '/v2/apps/web/tasks/web.0b1c?scale=true', 200, deployment), undefined);
  assert.equal(nonConformance('POST', '/v2/tasks/delete?scale=True', 200, deployment), undefined);
  assert.ok(nonConformance('POST', '/v2/tasks/delete', 200, {}), 'an empty object is neither a TaskList nor a DeploymentResult');
  assert.ok(nonConformance('DELETE', '/v2/apps/web', 200, { ...deployment, version: 'yesterday' }));
  assert.equal(nonConformance('GET', '/v2/apps/none', 404, { message: 'App \'/none\' does not exist' }), undefined);
  assert.ok(nonConformance('GET', '/v2/apps/none', 404, { error: 'no' }));
  assert.equal(nonConformance('GET', '/ping', 200, 'pong'), undefined);
  assert.equal(nonConformance('DELETE', '/v2/deployments/d', 202, ''), undefined);
});
