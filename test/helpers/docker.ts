// Docker-image tasks in tests: the engine, the image task containers run (the locally provisioned base
// image: nothing can be pulled here), and the containers a process cluster's agents started.
import Dockerode from 'dockerode';
import { DOCKER_TASK_LABELS } from '../../runtime/common/docker-labels';
import { waitUntil, type TestCluster } from './cluster';

export const TASK_IMAGE = process.env.MESOLITE_NODE_IMAGE ?? 'mesolite/node-base:bookworm-local';
export const engine = new Dockerode({ socketPath: '/var/run/docker.sock' });

/** The task containers (any state) of the cluster's agents, found by their work_dir label. */
export async function taskContainersOf(cluster: TestCluster): Promise<Dockerode.ContainerInfo[]> {
  const all = await engine.listContainers({ all: true, filters: { label: [DOCKER_TASK_LABELS.workDir] } });
  return all.filter((c) => c.Labels[DOCKER_TASK_LABELS.workDir].startsWith(`${cluster.workDir}/`));
}

/** Waits until the cluster has no task container left (its agents remove them with --docker_remove_delay=0secs). */
export function noTaskContainerLeft(cluster: TestCluster): Promise<true> {
  return waitUntil('every task container of the cluster removed', async () => (await taskContainersOf(cluster)).length === 0 || undefined, 30_000);
}
