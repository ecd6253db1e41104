// What the extension's views write in a row and in which order (extension/views/labels.ts): short task
// labels that keep the state visible at the default side-bar width, tasks grouped by app or framework,
// agents in address order with Mesos' short id, an app's summary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentV1 } from '../../runtime/client/operator';
import type { AppStatus } from '../../extension/apps-state';
import { appDescription, groupTasks, shortAgentId, shortTaskId, sortAgents, taskImage, taskLabel } from '../../extension/views/labels';

const task = (id: string, name: string, framework = 'F1') => ({ name, task_id: { value: id }, framework_id: { value: framework } });
const agent = (hostname: string, port: number, id = 'x'): AgentV1 => ({
  agent_info: { hostname, port, id: { value: id } }, active: true, total_resources: [], allocated_resources: [], offered_resources: [],
});

test('a Marathon task is its app name and the first 8 digits of its UUID; a user scheduler\'s short id keeps its name', () => {
  assert.equal(shortTaskId('hello.3184ccb6-137c-4b6a-9c1e-0123456789ab'), 'hello.3184ccb6');
  assert.equal(taskLabel(task('hello.3184ccb6-137c-4b6a-9c1e-0123456789ab', 'hello')), 'hello.3184ccb6');
  // /shop/web: Marathon names the task web.shop and ids it shop_web.<uuid>.
  assert.equal(taskLabel(task('shop_web.3184ccb6-137c-4b6a-9c1e-0123456789ab', 'web.shop')), 'shop_web.3184ccb6');
  assert.equal(taskLabel(task('3', 'sleeper')), 'sleeper 3');
  assert.equal(taskLabel(task('sleeper-3', 'sleeper')), 'sleeper-3');
});

test('tasks are grouped by app where the app framework names one, else by framework; apps first, each sorted', () => {
  const tasks = [
    task('web.bbbbbbbb-137c-4b6a-9c1e-0123456789ab', 'web'), task('hello.3184ccb6-137c-4b6a-9c1e-0123456789ab', 'hello'),
    task('10', 'job', 'F2'), task('web.aaaaaaaa-137c-4b6a-9c1e-0123456789ab', 'web'), task('9', 'job', 'F2'),
    task('web.cccccccc-137c-4b6a-9c1e-0123456789ab', 'web'),
  ];
  const apps: Record<string, string> = {
    'web.aaaaaaaa-137c-4b6a-9c1e-0123456789ab': '/web', 'web.bbbbbbbb-137c-4b6a-9c1e-0123456789ab': '/web', 'hello.3184ccb6-137c-4b6a-9c1e-0123456789ab': '/hello',
  };
  const names: Record<string, string> = { F1: 'marathon', F2: 'chronos' };
  const groups = groupTasks(tasks, (id) => names[id], (id) => apps[id]);
  assert.deepEqual(groups.map((g) => [g.kind, g.label, g.tasks.map(taskLabel)]), [
    ['app', '/hello', ['hello.3184ccb6']],
    ['app', '/web', ['web.aaaaaaaa', 'web.bbbbbbbb']],
    ['framework', 'chronos', ['job 9', 'job 10']],
    // Not (yet) known to the app framework: under its framework.
    ['framework', 'marathon', ['web.cccccccc']],
  ]);
});

test('agents in address order, numbers compared as numbers; Mesos\' short agent id', () => {
  const sorted = sortAgents([agent('127.0.0.1', 33003), agent('172.17.0.10', 5051), agent('127.0.0.1', 33002), agent('172.17.0.9', 5051)]);
  assert.deepEqual(sorted.map((a) => `${a.agent_info.hostname}:${a.agent_info.port}`), ['127.0.0.1:33002', '127.0.0.1:33003', '172.17.0.9:5051', '172.17.0.10:5051']);
  assert.equal(shortAgentId('6c2d8a1e-7f3b-4a5c-9d0e-1f2a3b4c5d6e-S12'), 'S12');
  assert.equal(shortAgentId('agent-without-a-mesos-id'), 'agent-wi');
});

test('an app: tasks running of instances, health when it is checked, a deployment, the last failure', () => {
  const app = (over: Partial<AppStatus>): AppStatus => ({ id: '/web', instances: 3, healthChecked: false, tasks: new Map(), deployments: new Set(), ...over });
  const tasks = new Map([
    ['a', { id: 'a', state: 'TASK_RUNNING', healthy: true }], ['b', { id: 'b', state: 'TASK_RUNNING', healthy: false }], ['c', { id: 'c', state: 'TASK_STAGING' }],
  ]);
  assert.equal(appDescription(app({ tasks })), '2/3 running');
  assert.equal(appDescription(app({ tasks, healthChecked: true })), '2/3 running · 1 healthy, 1 unhealthy');
  assert.equal(appDescription(app({ tasks, deployments: new Set(['d1']) })), '2/3 running · deploying');
  const lastFailure = { taskId: 'z', state: 'TASK_FAILED', message: 'exit 1', timestamp: '2024-01-01T00:00:00.000Z' };
  assert.equal(appDescription(app({ lastFailure }), Date.parse('2024-01-01T00:02:30.000Z')), '0/3 running · last failure TASK_FAILED 2m ago');
});

test('a Docker task shows its image, without a registry\'s path; other tasks none', () => {
  assert.equal(taskImage({ container: { type: 'DOCKER', docker: { image: 'registry.example.com:5000/team/web:1.2' } } }), 'web:1.2');
  assert.equal(taskImage({ container: { type: 'DOCKER', docker: { image: 'nginx:1.25' } } }), 'nginx:1.25');
  assert.equal(taskImage({}), undefined);
});
