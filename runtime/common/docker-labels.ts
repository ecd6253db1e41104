// How the agents name and label the Docker containers of their tasks: Mesos' mesos-<container id>
// name, and labels naming what the container belongs to, so that an agent's recovery, `mesolite down`
// and a Docker cluster's teardown find them without the agent.
export const TASK_CONTAINER_PREFIX = 'mesos-';

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
