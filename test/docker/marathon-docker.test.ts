// Marathon's Docker apps on process-mode agents with the docker containerizer: the app JSON as Marathon
// takes it (networks and container.portMappings, or the legacy docker.network/docker.portMappings),
// served on the host ports the offers gave, scaled 1 → 3 → 0 with every container gone at the end; and
// `mesolite up` (process mode) on a machine with an engine, whose `down` removes its task containers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCKER_TASK_LABELS } from '../../runtime/common/docker-labels';
import { request } from '../../runtime/common/http';
import { CliHome } from '../helpers/cli';
import { clusterFixture, freePort, waitUntil } from '../helpers/cluster';
import { engine, noTaskContainerLeft, TASK_IMAGE, taskContainersOf } from '../helpers/docker';
import { api, marathonFixture } from '../helpers/marathon';

const cluster = clusterFixture({ agents: 1, agentFlags: ['--containerizers=docker,mesos', '--docker_remove_delay=0secs'] });
const marathon = marathonFixture(cluster);

/** A server answering with the variables Marathon gave the task, on `port` in the container. */
const server = (port: string) => `exec node -e "require('http').createServer((q, r) => r.end(JSON.stringify({ PORT0: process.env.PORT0, PORT_HTTP: process.env.PORT_HTTP, id: process.env.MESOS_TASK_ID }))).listen(${port})"`;

const answer = (hostPort: number) => waitUntil(`an answer on ${hostPort}`, async () => {
  const r = await request('GET', `http://127.0.0.1:${hostPort}/`);
  return r.status === 200 ? JSON.parse(r.body) as { PORT0: string; PORT_HTTP?: string; id: string } : undefined;
});

const running = async () => (await taskContainersOf(cluster)).filter((c) => c.State === 'running');

test('a Docker app on a bridge: each instance answers on its host port; scaled 1 → 3 → 0, every container is gone', async () => {
  const created = await marathon.api('POST', '/v2/apps', {
    id: 'web', cmd: server('8080'), cpus: 0.1, mem: 64, instances: 1,
    container: { type: 'DOCKER', docker: { image: TASK_IMAGE }, portMappings: [{ containerPort: 8080, hostPort: 0, name: 'http' }] },
    networks: [{ mode: 'container/bridge' }],
    // Mesos checks in the container's network: on the container port, at the container's address.
    healthChecks: [{ protocol: 'MESOS_HTTP', portIndex: 0, path: '/', gracePeriodSeconds: 30, intervalSeconds: 1, timeoutSeconds: 1 }],
  });
  assert.equal(created.status, 201, created.text);
  await marathon.deploymentDone(String(created.headers['marathon-deployment-id']), 90_000);
  const [task] = await marathon.running('/web', 1, 60_000);
  await waitUntil('the task healthy', async () => (await marathon.api('GET', '/v2/apps/web/tasks')).body.tasks[0]?.healthCheckResults?.[0]?.alive === true || undefined, 60_000);
  const reply = await answer(task.ports[0]);
  assert.deepEqual(reply, { PORT0: String(task.ports[0]), PORT_HTTP: String(task.ports[0]), id: task.id });
  const [container] = await running();
  assert.equal(container.Labels[DOCKER_TASK_LABELS.taskId], task.id);
  assert.equal(container.Image, TASK_IMAGE);
  const ip = Object.values(container.NetworkSettings?.Networks ?? {})[0]?.IPAddress;
  assert.ok(ip, 'the container has an address on the bridge');
  assert.deepEqual((await marathon.api('GET', '/v2/apps/web/tasks')).body.tasks[0].ipAddresses, [{ ipAddress: ip, protocol: 'IPv4' }], "the task's own address, as its status reports it");

  const scaledUp = await marathon.api('PUT', '/v2/apps/web', { instances: 3 });
  assert.equal(scaledUp.status, 200, scaledUp.text);
  await marathon.deploymentDone(scaledUp.body.deploymentId, 90_000);
  const tasks = await marathon.running('/web', 3, 60_000);
  assert.equal(new Set(tasks.map((t) => t.ports[0])).size, 3, 'each instance has a host port of its own');
  for (const t of tasks) assert.equal((await answer(t.ports[0])).id, t.id);
  assert.equal((await running()).length, 3);

  const scaledDown = await marathon.api('PUT', '/v2/apps/web', { instances: 0 });
  await marathon.deploymentDone(scaledDown.body.deploymentId, 90_000);
  await noTaskContainerLeft(cluster);
  await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/web')).body.deploymentId);
});

test('the legacy form: docker.network BRIDGE, docker.portMappings with containerPort 0 (the host port, $PORT0 inside)', async () => {
  const created = await marathon.api('POST', '/v2/apps', {
    id: 'legacy', cmd: server('$PORT0'), cpus: 0.1, mem: 64,
    container: { type: 'DOCKER', docker: { image: TASK_IMAGE, network: 'BRIDGE', portMappings: [{ containerPort: 0, hostPort: 0 }] } },
  });
  assert.equal(created.status, 201, created.text);
  const [task] = await marathon.running('/legacy', 1, 60_000);
  const [container] = await running();
  const inspected = await engine.getContainer(container.Id).inspect();
  assert.deepEqual(inspected.HostConfig.PortBindings, { [`${task.ports[0]}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(task.ports[0]) }] });
  assert.equal((await answer(task.ports[0])).PORT0, String(task.ports[0]));
  await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/legacy')).body.deploymentId, 60_000);
  await noTaskContainerLeft(cluster);
});

test('invalid Docker app JSON is a 422 at the field\'s path; the daemon keeps serving', async () => {
  const invalid = await marathon.api('POST', '/v2/apps', { id: 'bad', cmd: 'true', container: { type: 'DOCKER', docker: { image: TASK_IMAGE } }, networks: [{ mode: 'container' }] });
  assert.equal(invalid.status, 422, invalid.text);
  assert.deepEqual(invalid.body.details.map((d: { path: string }) => d.path), ['/networks(0)/name']);
  assert.equal((await marathon.api('GET', '/ping')).status, 200);
});

test('mesolite up (process mode) with an engine here: its agents run a Docker app; down removes the containers', async (t) => {
  const home = new CliHome();
  t.after(() => home.cleanup());
  const marathonPort = await freePort();
  const up = home.run(['up', '--detach', `--port=${await freePort()}`, `--marathon_port=${marathonPort}`, '--agents=1', '--name=docker-tasks']);
  assert.equal(up.status, 0, up.stderr);
  const url = `http://127.0.0.1:${marathonPort}`;
  const created = await api(url, 'POST', '/v2/apps', { id: 'box', cmd: 'sleep 1000', cpus: 0.1, mem: 32, container: { type: 'DOCKER', docker: { image: TASK_IMAGE } } });
  assert.equal(created.status, 201, created.text);
  const task = await waitUntil('the task running', async () => ((await api(url, 'GET', '/v2/apps/box/tasks')).body.tasks as Array<{ id: string; state: string }>).find((x) => x.state === 'TASK_RUNNING'), 60_000);
  const ofTask = () => engine.listContainers({ all: true, filters: { label: [`${DOCKER_TASK_LABELS.taskId}=${task.id}`] } });
  assert.equal((await ofTask()).length, 1);
  assert.equal(home.run(['down', '--name=docker-tasks']).status, 0);
  assert.deepEqual(await ofTask(), [], 'down removed the task container');
});
