// The task a nested container joins: a running task of a container on this agent, with the sandbox
// and environment its own process got (executor-hosts.ts, executor/task-process.ts), so that a session
// sees what the task sees.
import * as path from 'node:path';
import { commandEnvironment } from '../../common/process';
import { containerName } from '../../common/protocol/attach';
import type { ContainerID } from '../../common/protocol/v1';
import { Refusal } from '../../common/refusal';
import { executorEnvironment, inheritedEnvironment, type AgentIdentity } from '../containerizer/containerizer';
import type { Framework } from '../framework';
import type { SessionTarget } from './sessions';

export function findTarget(frameworks: Iterable<Framework>, identity: AgentIdentity, id: ContainerID): SessionTarget {
  const name = containerName(id);
  // A task's container is a top-level one: it has no parent.
  const executor = id.parent ? undefined : [...frameworks].flatMap((fw) => [...fw.executors.values()]).find((e) => e.run.containerId === id.value);
  if (!executor) throw new Refusal('invalid', `Parent container ${name} does not exist on this agent`);
  // A task group shares its executor's container here: a session joins its first running task.
  const task = [...executor.tasks.values()].find((t) => t.state === 'TASK_RUNNING');
  if (!task || executor.shuttingDown) {
    const states = [...executor.tasks.values()].map((t) => `${t.task_id.value} is ${t.state}`).join(', ');
    throw new Refusal('invalid', `Parent container ${name} has no running task${states ? ` (${states})` : ''}`);
  }
  const taskId = task.task_id.value;
  const sandbox = executor.kind === 'default' ? path.join(executor.directory, 'tasks', taskId) : executor.directory;
  return {
    containerId: executor.run.containerId,
    sandbox,
    environment: {
      ...inheritedEnvironment(),
      ...executorEnvironment(identity, executor.frameworkId, executor.id, executor.directory),
      ...(executor.kind === 'custom' ? commandEnvironment(executor.info.command) : {}),
      MESOS_SANDBOX: sandbox,
      MESOS_TASK_ID: taskId,
      ...commandEnvironment(executor.commands.get(taskId)),
    },
  };
}
