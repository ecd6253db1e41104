// The Apps view's state (extension/apps-state.ts): Marathon's /v2/apps answer kept current by its
// /v2/events, shaped as Marathon publishes them; a re-read asked for only where an event cannot be placed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppsState } from '../../extension/apps-state';
import type { MarathonApp, MarathonEvent } from '../../runtime/client/marathon';

const web = (): MarathonApp => ({
  id: '/web', instances: 2, healthChecks: [{ protocol: 'HTTP' }], deployments: [],
  tasks: [{ id: 'web.1', appId: '/web', host: 'h1', state: 'TASK_RUNNING', healthCheckResults: [{ alive: true }] }],
} as unknown as MarathonApp);
const ev = (eventType: string, fields: Record<string, unknown> = {}): MarathonEvent => ({ eventType, timestamp: '2024-01-01T00:00:00.000Z', ...fields });
const status = (taskId: string, taskStatus: string, message = '') => ev('status_update_event', { appId: '/web', taskId, taskStatus, message, host: 'h2' });
const plan = (id: string, ...apps: string[]) => ({ id, steps: [{ actions: apps.map((app) => ({ action: 'ScaleApplication', app })) }] });

test('the /v2/apps answer: instances, health checks, tasks with their health, deployments, the last failure', () => {
  const s = new AppsState([{ ...web(), deployments: [{ id: 'd0' }], lastTaskFailure: { taskId: 'web.0', state: 'TASK_FAILED', message: 'exit 1', timestamp: 't' } }]);
  const app = s.apps.get('/web')!;
  assert.equal(app.instances, 2);
  assert.equal(app.healthChecked, true);
  assert.deepEqual([...app.tasks.values()], [{ id: 'web.1', state: 'TASK_RUNNING', host: 'h1', healthy: true }]);
  assert.deepEqual([...app.deployments], ['d0']);
  assert.equal(app.lastFailure?.message, 'exit 1');
  assert.equal(s.appOf('web.1')?.id, '/web');
});

test('status updates add, move and retire tasks; a failure becomes the last failure, a kill does not', () => {
  const s = new AppsState([web()]);
  assert.deepEqual(s.apply(status('web.2', 'TASK_STARTING')), { changed: ['appStatus'] });
  s.apply(status('web.2', 'TASK_RUNNING'));
  assert.equal(s.apps.get('/web')!.tasks.get('web.2')?.state, 'TASK_RUNNING');
  s.apply(status('web.1', 'TASK_KILLED'));
  assert.equal(s.apps.get('/web')!.lastFailure, undefined);
  s.apply(status('web.2', 'TASK_FAILED', 'exit 3'));
  assert.deepEqual([...s.apps.get('/web')!.tasks.keys()], []);
  assert.deepEqual(s.apps.get('/web')!.lastFailure, { taskId: 'web.2', state: 'TASK_FAILED', message: 'exit 3', timestamp: '2024-01-01T00:00:00.000Z' });
});

test('health changes, scaling through the API, deployments in progress and their end', () => {
  const s = new AppsState([web()]);
  assert.deepEqual(s.apply(ev('health_status_changed_event', { appId: '/web', taskId: 'web.1', alive: false })), { changed: ['appStatus'] });
  assert.equal(s.apps.get('/web')!.tasks.get('web.1')?.healthy, false);
  assert.deepEqual(s.apply(ev('api_post_event', { appDefinition: { id: '/web', instances: 5, healthChecks: [] } })), { changed: ['apps'] });
  assert.equal(s.apps.get('/web')!.instances, 5);
  assert.equal(s.apps.get('/web')!.healthChecked, false);
  assert.deepEqual(s.apply(ev('deployment_info', { plan: plan('d1', '/web'), currentStep: {} })), { changed: ['deployments'] });
  assert.deepEqual([...s.apps.get('/web')!.deployments], ['d1']);
  assert.deepEqual(s.apply(ev('deployment_step_success', { plan: plan('d1', '/web') })), { changed: ['deployments'] });
  s.apply(ev('deployment_success', { id: 'd1', plan: plan('d1', '/web') }));
  assert.deepEqual([...s.apps.get('/web')!.deployments], []);
});

test('a new app comes with its API event, goes with app_terminated_event', () => {
  const s = new AppsState([]);
  s.apply(ev('api_post_event', { appDefinition: { id: '/hello', instances: 1 } }));
  assert.deepEqual(s.apply(ev('deployment_info', { plan: plan('d2', '/hello') })), { changed: ['deployments'] });
  assert.equal(s.apps.get('/hello')?.instances, 1);
  assert.deepEqual(s.apply(ev('app_terminated_event', { appId: '/hello' })), { changed: ['apps', 'appStatus'] });
  assert.equal(s.apps.size, 0);
});

test('what cannot be placed asks for a re-read: an unknown app\'s task or deployment, apps changed through groups, an attach', () => {
  const s = new AppsState([web()]);
  assert.equal(s.apply({ ...status('x.1', 'TASK_RUNNING'), appId: '/unknown' }).reread, true);
  assert.equal(s.apply(ev('deployment_info', { plan: plan('d3', '/unknown') })).reread, true);
  assert.equal(s.apply(ev('group_change_success', { groupId: '/' })).reread, true);
  assert.deepEqual(s.apply(ev('event_stream_attached')), { changed: ['deployments'], reread: true });
  // Noise that changes nothing the view draws.
  for (const type of ['instance_changed_event', 'failed_health_check_event', 'framework_message_event']) assert.deepEqual(s.apply(ev(type)), { changed: [] });
});

test('events applied again over a re-read\'s answer end where the stream alone ends', () => {
  const events = [status('web.2', 'TASK_RUNNING'), ev('deployment_info', { plan: plan('d1', '/web') }), status('web.1', 'TASK_FAILED', 'boom'), ev('deployment_success', { id: 'd1' })];
  const once = new AppsState([web()]);
  for (const e of events) once.apply(e);
  const twice = new AppsState([web()]);
  for (const e of [...events, ...events]) twice.apply(e);
  assert.deepEqual(twice.apps, once.apps);
});
