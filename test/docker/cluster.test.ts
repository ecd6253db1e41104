// A full cluster in a real Docker engine (ZooKeeper, 3 masters, 2 agents, the app framework), driven
// from the host through the addresses the members advertise: an app deployed through the
// Marathon-compatible API, its stdout read through the agent's /files, the leading master's
// container killed, an agent cut off the network and healed, and `down` leaving nothing behind.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from '../../runtime/common/http';
import { ClusterExistsError, clusterContainers, MesoliteCluster, type StartedMesoliteCluster } from '../../runtime/cluster/docker';
import { docker } from '../../runtime/cluster/docker/engine';
import { waitUntil } from '../helpers/cluster';

const NAME = `test-${process.pid}`;
let cluster: StartedMesoliteCluster;
const progress: string[] = [];

async function get<T>(url: string): Promise<T> {
  const res = await request('GET', url, undefined, {}, 3000);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

type Task = { id: string; state: string; slave_id: string };
interface MasterState { frameworks: Array<{ tasks: Task[]; unreachable_tasks: Task[]; completed_tasks: Task[] }> }
/** The task as the leading master reports it: active first, then unreachable or completed (where an unreachable one is listed). */
const masterTask = async (id: string) => {
  const leader = await cluster.leader();
  const { frameworks } = await get<MasterState>(`${leader.url}/master/state`);
  const listed = (key: keyof MasterState['frameworks'][0]) => frameworks.flatMap((f) => f[key] ?? []);
  return [...listed('tasks'), ...listed('unreachable_tasks'), ...listed('completed_tasks')].find((t) => t.id === id);
};

before(async () => {
  cluster = await new MesoliteCluster()
    .withName(NAME).withMasters(3).withAgents(2).withAgentResources('cpus:1;mem:1024;disk:1024;ports:[31000-31100]').withMarathon()
    // Quick partition detection: unreachable after two missed pings of a second.
    .withMasterFlags('--agent_ping_timeout=1secs', '--max_agent_ping_timeouts=2')
    .withProgress((step) => progress.push(step))
    .start();
});

after(async () => {
  await cluster?.down();
});

test('the cluster comes up: one leader, every agent registered, the app framework subscribed; ports published on 127.0.0.1 only', async () => {
  assert.equal(progress.at(-1), 'Cluster ready');
  const leader = await cluster.leader();
  const state = await get<{ activated_slaves: number; frameworks: Array<{ name: string; active: boolean }> }>(`${leader.url}/master/state`);
  assert.equal(state.activated_slaves, 2);
  assert.ok(state.frameworks.some((f) => f.name === 'marathon' && f.active));
  assert.equal((await request('GET', `${cluster.info.marathon}/ping`)).body.trim(), 'pong');
  const containers = await clusterContainers(NAME);
  assert.equal(containers.length, 1 + 3 + 2 + 1 + 1, 'ZooKeeper, 3 masters, 2 agents, the app framework, the DNS server');
  for (const c of containers) {
    const published = c.Ports.filter((p) => p.PublicPort);
    assert.ok(published.length > 0, `${c.Names[0]} publishes its port`);
    for (const p of published) assert.equal(p.IP, '127.0.0.1', `${c.Names[0]} publishes ${p.PrivatePort} on ${p.IP}`);
  }
  await assert.rejects(new MesoliteCluster().withName(NAME).start(), ClusterExistsError);
});

let taskId = '';
let agentUrl = '';

test('an app deployed through the Marathon-compatible API runs; its stdout is read through /files from the host', async () => {
  const app = {
    id: '/hello', cmd: 'echo hello-from-docker; exec sleep 3600', cpus: 0.1, mem: 32, instances: 1,
    // Keep the instance through the partition below instead of replacing it.
    unreachableStrategy: { inactiveAfterSeconds: 600, expungeAfterSeconds: 1200 },
  };
  const created = await request('POST', `${cluster.info.marathon}/v2/apps`, app);
  assert.equal(created.status, 201, created.body);
  const task = await waitUntil('the app task running', async () => {
    const { tasks } = await get<{ tasks: Array<{ id: string; host: string; state: string }> }>(`${cluster.info.marathon}/v2/apps/hello/tasks`);
    return tasks.find((t) => t.state === 'TASK_RUNNING');
  }, 30_000);
  taskId = task.id;
  // The agent advertises its bridge address: the host reaches it as the task's host.
  agentUrl = `http://${task.host}:5051`;
  const agentState = await get<{ frameworks: Array<{ executors: Array<{ directory: string; tasks: Array<{ id: string }> }> }> }>(`${agentUrl}/state`);
  const executor = agentState.frameworks.flatMap((f) => f.executors).find((e) => e.tasks.some((t) => t.id === taskId));
  assert.ok(executor, 'the agent reports the task');
  const stdout = await waitUntil('the task output', async () => {
    const read = await get<{ data: string }>(`${agentUrl}/files/read?path=${encodeURIComponent(`${executor.directory}/stdout`)}&offset=0`);
    return read.data.includes('hello-from-docker') ? read.data : undefined;
  });
  assert.match(stdout, /hello-from-docker/);
});

test("killing the leading master's container: another master leads and the task keeps running", async () => {
  const killed = await cluster.killLeader();
  const leader = await waitUntil('another master leading', async () => {
    const now = await cluster.leader().catch(() => undefined);
    return now && now.name !== killed.name ? now : undefined;
  }, 60_000);
  assert.notEqual(leader.name, killed.name);
  assert.equal((await clusterContainers(NAME)).find((c) => c.Labels['mesolite.member'] === killed.name)?.State, 'exited');
  await waitUntil('the task known to the new leader as running', async () => (await masterTask(taskId))?.state === 'TASK_RUNNING', 60_000);
  const { tasks } = await get<{ tasks: Array<{ id: string; state: string }> }>(`${cluster.info.marathon}/v2/apps/hello/tasks`);
  assert.deepEqual(tasks.map((t) => [t.id, t.state]), [[taskId, 'TASK_RUNNING']]);
  await cluster.start(killed.name);
});

test('an agent cut off the network: its task becomes TASK_UNREACHABLE, and TASK_RUNNING again once healed', async () => {
  const agentId = (await masterTask(taskId))!.slave_id;
  const partitioned = await cluster.partitionAgent(agentId);
  assert.equal(partitioned.url, agentUrl);
  await waitUntil('the task unreachable', async () => (await masterTask(taskId))?.state === 'TASK_UNREACHABLE', 60_000);
  await cluster.heal(agentId);
  await waitUntil('the task running again', async () => (await masterTask(taskId))?.state === 'TASK_RUNNING', 60_000);
  // The app framework kept the instance (its unreachableStrategy) and learns it runs again.
  await waitUntil('the app framework to see the instance running', async () => {
    const { tasks } = await get<{ tasks: Array<{ id: string; state: string }> }>(`${cluster.info.marathon}/v2/apps/hello/tasks`);
    return tasks.some((t) => t.id === taskId && t.state === 'TASK_RUNNING');
  }, 30_000);
});

test('down removes every container and the network', async () => {
  await cluster.down();
  assert.deepEqual(await clusterContainers(NAME), []);
  const networks = await (await docker()).listNetworks({ filters: { label: [`mesolite.cluster=${NAME}`] } });
  assert.deepEqual(networks, []);
});
