// Docker-image tasks on process-mode agents (--containerizers=docker,mesos) against the host's engine:
// output in the sandbox, BRIDGE port mappings, exit codes, kills with grace, agent restarts, orphans and
// images that cannot be pulled. Task images are the locally provisioned base image (nothing is pulled
// here). Every test checks that no container of the cluster is left once its tasks are done.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import * as pty from 'node-pty';
import { DOCKER_TASK_LABELS } from '../../runtime/common/docker-labels';
import { getJson, request } from '../../runtime/common/http';
import type { Offer, TaskInfo } from '../../runtime/common/protocol/v1';
import { BUNDLE, clusterFixture, commandTask, onFileEnd, subscribedScheduler, waitUntil } from '../helpers/cluster';
import { engine as docker, noTaskContainerLeft, TASK_IMAGE as IMAGE, taskContainersOf } from '../helpers/docker';

const cluster = clusterFixture({ agents: 1, agentFlags: ['--containerizers=docker,mesos', '--docker_remove_delay=0secs'] });

const noContainerLeft = () => noTaskContainerLeft(cluster);
onFileEnd(async () => {
  await cluster.stop();
  assert.deepEqual(await taskContainersOf(cluster), [], 'stopping the cluster removed its containers');
});

function dockerTask(offer: Offer, id: string, command: string, docker: Record<string, unknown> = {}, resources = 'cpus:0.1;mem:64'): TaskInfo {
  return { ...commandTask(offer, id, command, resources), container: { type: 'DOCKER', docker: { image: IMAGE, ...docker } } };
}

const sandboxFile = async (frameworkId: string, taskId: string, file: string) => {
  const dir = await cluster.executorDirectory(0, frameworkId, taskId);
  return (await getJson<{ data: string }>(`${cluster.agents[0].url}/files/read?path=${encodeURIComponent(`${dir}/${file}`)}&offset=0`)).data;
};

test('a Docker task runs its image: output in the sandbox through /files, MESOS_SANDBOX mounted, exit 0 is TASK_FINISHED', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await s.launch(offer, [dockerTask(offer, 'hello', 'echo "hello from $(hostname) in $MESOS_SANDBOX"; echo oops >&2; ls "$MESOS_SANDBOX"')]);
  await s.status('hello', 'TASK_STARTING');
  await s.status('hello', 'TASK_RUNNING');
  const finished = await s.status('hello', 'TASK_FINISHED', 60_000);
  assert.equal(finished.message, 'Container exited with status 0');
  const stdout = await waitUntil('the output', async () => {
    const out = await sandboxFile(s.frameworkId!, 'hello', 'stdout');
    return out.endsWith('stdout\n') ? out : undefined;
  });
  assert.match(stdout, /^hello from \w+ in \/mnt\/mesos\/sandbox\n/);
  assert.match(stdout, /\nstderr\nstdout\n/, 'the sandbox is mounted: the container sees its own stdout and stderr');
  assert.equal(await sandboxFile(s.frameworkId!, 'hello', 'stderr'), 'oops\n');
  await noContainerLeft();
});

test('BRIDGE with a port mapping: the container answers HTTP on the host port, TASK_RUNNING carries its address', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const hostPort = offer.resources.find((r) => r.name === 'ports')!.ranges!.range[0].begin;
  const task = dockerTask(offer, 'web', `node -e "require('http').createServer((q, r) => r.end('hello ' + process.env.MESOS_TASK_ID)).listen(8080)"`, {
    network: 'BRIDGE', port_mappings: [{ host_port: hostPort, container_port: 8080, protocol: 'tcp' }],
  });
  task.resources!.push({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: hostPort, end: hostPort }] }, allocation_info: { role: '*' } });
  await s.launch(offer, [task]);
  const running = await s.status('web', 'TASK_RUNNING', 60_000);
  const ip = running.container_status?.network_infos?.[0]?.ip_addresses?.[0]?.ip_address;
  const inspected = await docker.getContainer(`mesos-${running.container_status!.container_id!.value}`).inspect();
  assert.equal(ip, inspected.NetworkSettings.Networks.bridge.IPAddress, 'the address is the container\'s on the bridge');
  assert.equal(inspected.Config.Labels[DOCKER_TASK_LABELS.taskId], 'web');
  assert.equal(inspected.Config.Labels[DOCKER_TASK_LABELS.frameworkId], s.frameworkId);
  assert.equal(inspected.HostConfig.CpuShares, 102);
  assert.equal(inspected.HostConfig.Memory, 64 * 1024 * 1024);
  const body = await waitUntil('the server', async () => {
    const r = await request('GET', `http://127.0.0.1:${hostPort}/`);
    return r.status === 200 ? r.body : undefined;
  });
  assert.equal(body, 'hello web');
  await s.kill('web');
  await s.status('web', 'TASK_KILLED', 30_000);
  await noContainerLeft();
});

test('a non-zero exit is TASK_FAILED with the exit code', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await s.launch(offer, [dockerTask(offer, 'three', 'exit 3')]);
  const failed = await s.status('three', 'TASK_FAILED', 60_000);
  assert.equal(failed.message, 'Container exited with status 3');
  assert.equal(failed.source, 'SOURCE_EXECUTOR');
  await noContainerLeft();
});

test('a COMMAND health check runs inside the container: healthy, then killed once it fails', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  // Healthy while the file the task made in its own file system exists (the check sees the container's, not the host's).
  const task = dockerTask(offer, 'checked', 'touch /tmp/healthy; sleep 3; rm /tmp/healthy; sleep 1000');
  task.health_check = { type: 'COMMAND', command: { value: 'test -f /tmp/healthy && test "$MESOS_SANDBOX" = /mnt/mesos/sandbox' }, delay_seconds: 0, interval_seconds: 0.5, grace_period_seconds: 0, consecutive_failures: 2 };
  await s.launch(offer, [task]);
  await s.next('UPDATE', (e) => e.update.status.task_id.value === 'checked' && e.update.status.healthy === true, 60_000);
  const killed = await s.status('checked', 'TASK_KILLED', 60_000);
  assert.equal(killed.healthy, false, 'killed for failing its health check');
  await noContainerLeft();
});

test('a kill gives the container its grace period: TASK_KILLING, the trap runs, TASK_KILLED', async (t) => {
  const s = await subscribedScheduler(t, cluster, { capabilities: [{ type: 'TASK_KILLING_STATE' }] });
  const [offer] = await s.offers();
  const task = dockerTask(offer, 'graceful', "trap 'echo got TERM; sleep 1; echo cleaned up; exit 0' TERM; echo ready; while :; do sleep 0.1; done");
  task.kill_policy = { grace_period: { nanoseconds: 10e9 } };
  await s.launch(offer, [task]);
  await s.status('graceful', 'TASK_RUNNING', 60_000);
  await waitUntil('the trap set', async () => (await sandboxFile(s.frameworkId!, 'graceful', 'stdout')).includes('ready') || undefined);
  await s.kill('graceful');
  await s.status('graceful', 'TASK_KILLING');
  await s.status('graceful', 'TASK_KILLED', 30_000);
  assert.equal(await sandboxFile(s.frameworkId!, 'graceful', 'stdout'), 'ready\ngot TERM\ncleaned up\n', 'the trap finished within the grace period');
  await noContainerLeft();
});

test('an agent restarted with --recover=reconnect keeps the container; its status flow goes on', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await s.launch(offer, [dockerTask(offer, 'survivor', 'echo started; sleep 1000')]);
  const running = await s.status('survivor', 'TASK_RUNNING', 60_000);
  const name = `mesos-${running.container_status!.container_id!.value}`;
  await cluster.stopAgent(0);
  assert.equal((await docker.getContainer(name).inspect()).State.Running, true, 'the container runs while the agent is down');
  await cluster.startAgent(0);
  await cluster.waitForAgents(1);
  const agentState = await getJson<{ frameworks: Array<{ executors: Array<{ tasks: Array<{ id: string; state: string }> }> }> }>(`${cluster.agents[0].url}/state`);
  assert.equal(agentState.frameworks.flatMap((f) => f.executors.flatMap((e) => e.tasks)).find((task) => task.id === 'survivor')?.state, 'TASK_RUNNING');
  assert.equal((await docker.getContainer(name).inspect()).State.Running, true);
  await s.kill('survivor');
  await s.status('survivor', 'TASK_KILLED', 30_000);
  await noContainerLeft();
});

test('task exec runs in the task\'s container: its file system, the sandbox as cwd, exit codes, a TTY of the asked size', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  await s.launch(offer, [dockerTask(offer, 'shell', 'echo inside > /tmp/mark; sleep 1000')]);
  await s.status('shell', 'TASK_RUNNING', 60_000);
  const exec = (...args: string[]) => spawnSync(process.execPath, [BUNDLE, 'task', 'exec', `--master=${cluster.masterAddress}`, ...args], { encoding: 'utf8', timeout: 60_000 });
  const r = await waitUntil('the mark written', () => {
    const run = exec('shell', '--', 'sh', '-c', 'cat /tmp/mark; echo "$PWD $MESOS_TASK_ID"; echo oops >&2; exit 3');
    return run.stdout.startsWith('inside') ? run : undefined;
  });
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stdout, 'inside\n/mnt/mesos/sandbox shell\n');
  assert.equal(r.stderr, 'oops\n');
  // The engine here speaks API 1.41, before exec's ConsoleSize: the size comes right after the start.
  const term = pty.spawn(process.execPath, [BUNDLE, 'task', 'exec', '-it', `--master=${cluster.masterAddress}`, 'shell', '--', 'sh', '-c', 'sleep 1; stty size; exit 5'], { cols: 101, rows: 33 });
  let screen = '';
  term.onData((d) => (screen += d));
  const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  assert.equal(code, 5, screen);
  assert.match(screen, /33 101\r\n/);
  await s.kill('shell');
  await s.status('shell', 'TASK_KILLED', 30_000);
  await noContainerLeft();
});

test('an orphan container (labelled with the agent, unknown to its checkpoint) is killed when the agent recovers', async () => {
  const agentId = (await getJson<{ id: string }>(`${cluster.agents[0].url}/state`)).id;
  const orphanId = randomUUID();
  const orphan = await docker.createContainer({
    name: `mesos-${orphanId}`, Image: IMAGE, Cmd: ['sleep', '1000'],
    Labels: { [DOCKER_TASK_LABELS.agentId]: agentId, [DOCKER_TASK_LABELS.containerId]: orphanId, [DOCKER_TASK_LABELS.workDir]: cluster.agents[0].workDir },
  });
  try {
    await orphan.start();
    await cluster.stopAgent(0);
    await cluster.startAgent(0);
    await waitUntil('the orphan removed', async () => (await docker.listContainers({ all: true, filters: { id: [orphan.id] } })).length === 0 || undefined, 30_000);
  } finally {
    await orphan.remove({ force: true }).catch(() => undefined); // removed by the agent when the test passes
  }
});

test('an image that cannot be pulled fails the task with the engine\'s message', async (t) => {
  const s = await subscribedScheduler(t, cluster);
  const [offer] = await s.offers();
  const image = 'mesolite/no-such-image:never';
  await s.launch(offer, [dockerTask(offer, 'missing', 'true', { image })]);
  const failed = await s.status('missing', 'TASK_FAILED', 120_000);
  const engine = await docker.pull(image).then(() => '', (e: { json?: { message?: string }; message: string }) => e.json?.message ?? e.message);
  assert.ok(engine, 'the engine refuses to pull it');
  assert.match(failed.message!, /^Failed to launch container: /);
  // The same words (the end of a name lookup's error may vary from one try to the next).
  assert.equal(failed.message!.slice(0, 60), `Failed to launch container: ${engine}`.slice(0, 60));
  await noContainerLeft();
});

test('without a Docker engine at --docker_socket the agent does not start, naming the socket', () => {
  const r = spawnSync(process.execPath, [BUNDLE, 'agent', '--master=127.0.0.1:1', '--work_dir=/tmp/mesolite-no-engine', '--containerizers=docker,mesos', '--docker_socket=/tmp/no-engine.sock'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Could not create DockerContainerizer: no Docker engine answers at \/tmp\/no-engine\.sock/);
});
