// Docker-image tasks in Docker mode: the agent's container gets the engine's socket and runs its tasks'
// containers beside itself, on the cluster's network and under the cluster's label, with the sandbox
// mounted from the host (where the agent's work_dir is). A Marathon Docker app on a bridge answers at
// its container's address and on its host port; its output reads through the agent's /files; `down`
// removes the task containers with the cluster, and the agents' work_dirs on the host.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { CLUSTER_LABEL, DOCKER_HOST_WORK_DIR_ENV, DOCKER_TASK_LABELS } from '../../runtime/common/docker-labels';
import { getJson, request } from '../../runtime/common/http';
import { clusterContainers, MesoliteCluster, type StartedMesoliteCluster } from '../../runtime/cluster/docker';
import { waitUntil } from '../helpers/cluster';
import { engine, TASK_IMAGE } from '../helpers/docker';
import { api } from '../helpers/marathon';

const NAME = `tasks-${process.pid}`;
let cluster: StartedMesoliteCluster;

before(async () => {
  cluster = await new MesoliteCluster().withName(NAME).withMasters(1).withAgents(1).withMarathon()
    .withAgentResources('cpus:2;mem:2048;disk:1024;ports:[31000-31100]').start();
});

after(async () => {
  await cluster?.down();
});

test('a Marathon Docker app on a bridge runs beside the agent, on the cluster network; down removes it', async () => {
  const marathon = cluster.info.marathon!;
  const server = `echo serving; exec node -e "require('http').createServer((q, r) => r.end(process.env.MESOS_TASK_ID)).listen(8080)"`;
  const created = await api(marathon, 'POST', '/v2/apps', {
    id: 'web', cmd: server, cpus: 0.1, mem: 64,
    container: { type: 'DOCKER', docker: { image: TASK_IMAGE }, portMappings: [{ containerPort: 8080, hostPort: 0 }] }, networks: [{ mode: 'container/bridge' }],
  });
  assert.equal(created.status, 201, created.text);
  const task = await waitUntil('the task running', async () => {
    const tasks = (await api(marathon, 'GET', '/v2/apps/web/tasks')).body.tasks as Array<{ id: string; state: string; ports: number[] }>;
    return tasks.find((t) => t.state === 'TASK_RUNNING');
  }, 120_000);

  const [listed] = await engine.listContainers({ filters: { label: [`${DOCKER_TASK_LABELS.taskId}=${task.id}`] } });
  assert.equal(listed.Labels[CLUSTER_LABEL], NAME, 'the task container carries the cluster label');
  const network = listed.NetworkSettings.Networks[cluster.info.network];
  assert.ok(network?.IPAddress, `the task container is on ${cluster.info.network}`);
  const answer = (url: string) => waitUntil(`an answer from ${url}`, async () => (await request('GET', url)).body);
  assert.equal(await answer(`http://${network.IPAddress}:8080/`), task.id, 'it answers at its address on the cluster network');
  const gateway = (await engine.getNetwork(cluster.info.network).inspect()).IPAM?.Config?.[0]?.Gateway as string;
  assert.equal(await answer(`http://${gateway}:${task.ports[0]}/`), task.id, 'and on its host port');

  const agent = cluster.info.agents[0];
  type State = { frameworks: Array<{ executors: Array<{ id: string; directory: string }> }> };
  const directory = (await getJson<State>(`${agent}/state`)).frameworks.flatMap((f) => f.executors).find((e) => e.id === task.id)!.directory;
  const stdout = await getJson<{ data: string }>(`${agent}/files/read?path=${encodeURIComponent(`${directory}/stdout`)}&offset=0`);
  assert.equal(stdout.data, 'serving\n');

  const [agentContainer] = (await clusterContainers(NAME)).filter((c) => c.Labels['mesolite.role'] === 'agent');
  const hostWorkDir = (await engine.getContainer(agentContainer.Id).inspect()).Config.Env.find((e) => e.startsWith(`${DOCKER_HOST_WORK_DIR_ENV}=`))!.split('=')[1];
  assert.ok(fs.existsSync(hostWorkDir));
  await cluster.down();
  assert.deepEqual(await clusterContainers(NAME), [], 'down removed the task container with the cluster');
  assert.equal(fs.existsSync(hostWorkDir), false, 'and the agent\'s work_dir on the host');
});
