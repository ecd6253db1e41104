// Mesos' docker executor (mesos-docker-executor): the command executor of a task whose ContainerInfo is
// DOCKER. It runs the task's container instead of a process, reports TASK_RUNNING with the container's
// address, and the container's exit as the task's end ("Container exited with status 1").
import type { DockerExecutorSettings } from '../common/protocol/internal';
import type { TaskInfo } from '../common/protocol/v1';
import type { BuiltinExecutorOptions } from './builtin';
import { CommandExecutor } from './command';
import { DockerTaskContainer } from './docker-container';
import type { TaskRunner } from './task-process';

export class DockerExecutor extends CommandExecutor {
  protected override readonly noun = 'Container';

  /** Mesos' docker executor stops a container with --docker_stop_timeout when there is no kill policy. */
  protected override readonly defaultGraceMs: number;

  constructor(options: BuiltinExecutorOptions, private readonly settings: DockerExecutorSettings) {
    super(options);
    this.defaultGraceMs = settings.stop_timeout_ms;
  }

  protected override runner(task: TaskInfo, sandbox: string): TaskRunner {
    return new DockerTaskContainer(task, sandbox, this.options.env, this.settings);
  }
}
