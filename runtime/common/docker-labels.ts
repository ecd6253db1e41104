// How the agents name and label the Docker containers of their tasks: Mesos' mesos-<container id>
// name, and labels naming what the container belongs to, so that an agent's recovery, `mesolite down`
// and a Docker cluster's teardown find them without the agent.
export const TASK_CONTAINER_PREFIX = 'mesos-';

/** The label every container and network of a Docker cluster carries, with the cluster's name (its task containers too). */
export const CLUSTER_LABEL = 'mesolite.cluster';

/**
 * Set by a Docker cluster on its agents' containers: the cluster's name (its label on task containers),
 * its network (BRIDGE tasks join it, so that members and the host reach them), and where the agent's
 * --work_dir is on the host (the engine mounts sandboxes from the host's file system).
 */
export const DOCKER_CLUSTER_ENV = 'MESOLITE_DOCKER_CLUSTER';
export const DOCKER_NETWORK_ENV = 'MESOLITE_DOCKER_NETWORK';
export const DOCKER_HOST_WORK_DIR_ENV = 'MESOLITE_DOCKER_HOST_WORK_DIR';

export const DOCKER_TASK_LABELS = {
  agentId: 'mesolite.agent_id',
  frameworkId: 'mesolite.framework_id',
  executorId: 'mesolite.executor_id',
  taskId: 'mesolite.task_id',
  containerId: 'mesolite.container_id',
  /** The agent's --work_dir: a process cluster's containers are those under its directory. */
  workDir: 'mesolite.work_dir',
} as const;

export const taskContainerName = (containerId: string) => `${TASK_CONTAINER_PREFIX}${containerId}`;
