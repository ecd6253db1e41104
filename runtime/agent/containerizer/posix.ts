// The posix containerizer (Mesos' --launcher=posix, no isolation): a framework's own executor
// (ExecutorInfo.command) runs as a process in its own session in the sandbox; command and default
// executors run as logical executors in their framework's executor host (a few MB per task instead of
// a Node process each), whose task log says which task processes to clean up and how tasks ended.
import * as path from 'node:path';
import type { Logger } from '../../common/log';
import type { ContainerInfo } from '../../common/protocol/v1';
import { commandArgv, commandEnvironment, killGroup, launchDetached } from '../../common/process';
import { Refusal } from '../../common/refusal';
import { readTaskLog } from '../../common/task-log';
import { spawnNested } from '../attach/process';
import { nestedCredentials } from '../attach/user';
import type { ExecutorHosts } from '../executor-hosts';
import { hostTaskLog, type ExecutorRun } from '../sandbox';
import {
  inheritedEnvironment, waitStatus, type ContainerConfig, type ContainerLaunch, type Containerizer, type NestedConfig, type NestedProcess, type RecoveredContainer,
} from './containerizer';

interface PosixContainer extends ContainerLaunch {
  run: ExecutorRun;
  exited: Promise<number>;
  /** Its nested containers (sessions): processes on this machine beside the executor's. */
  nested: Set<NestedProcess>;
}

/** The end of an executor process the agent has no handle on (one a previous run of the agent started). */
const unseen = (): Promise<number> => new Promise(() => undefined);

export class PosixContainerizer implements Containerizer {
  private readonly containers = new Map<string, PosixContainer>();

  constructor(private readonly workDir: string, private readonly hosts: ExecutorHosts, private readonly log: Logger) {}

  recover(containers: readonly RecoveredContainer[], mode: 'reconnect' | 'cleanup'): void {
    // A framework's host is taken back (or killed) before its executors are waited for in it.
    for (const frameworkId of new Set(containers.map((c) => c.run.frameworkId))) this.hosts.recover(frameworkId, mode);
    for (const { run, launcher, pid } of containers) {
      if (mode === 'cleanup' && pid) killGroup(pid, 'SIGKILL');
      const exited = launcher === 'host' && mode === 'reconnect' ? this.hosts.adopt(run.frameworkId, run.executorId) : unseen();
      this.containers.set(run.containerId, { run, launcher, pid, exited, nested: new Set() });
    }
  }

  launch({ run, executorInfo, kind, directory, environment, docker }: ContainerConfig): ContainerLaunch {
    if ((executorInfo.container as ContainerInfo | undefined)?.type === 'DOCKER' && !docker) {
      throw new Refusal('invalid', 'None of the enabled containerizers (mesos) could create a container for the provided TaskInfo/ExecutorInfo message');
    }
    if (kind !== 'custom') {
      const exited = this.hosts.launch(run.frameworkId, {
        executor_info: executorInfo, directory, container_id: run.containerId, task_log: hostTaskLog(this.workDir, run.frameworkId), environment,
        ...(docker ? { docker } : {}),
      });
      this.containers.set(run.containerId, { run, launcher: 'host', exited, nested: new Set() });
      return { launcher: 'host' };
    }
    const child = launchDetached({
      argv: commandArgv(executorInfo.command!),
      cwd: directory,
      env: { ...inheritedEnvironment(), ...environment, ...commandEnvironment(executorInfo.command) },
      stdoutPath: path.join(directory, 'stdout'),
      stderrPath: path.join(directory, 'stderr'),
    });
    const exited = new Promise<number>((resolve) => {
      child.on('exit', (code, signal) => resolve(waitStatus(code, signal)));
      // A command that cannot be started (no such file) ends the executor, with the status a shell gives it.
      child.on('error', (e) => {
        this.log.warn(`Executor ${run.executorId} of framework ${run.frameworkId} could not start: ${e.message}`);
        resolve(waitStatus(127, null));
      });
    });
    this.containers.set(run.containerId, { run, launcher: 'process', pid: child.pid, exited, nested: new Set() });
    if (child.pid) this.log.info(`Launched executor ${run.executorId} of framework ${run.frameworkId} as pid ${child.pid} in ${directory}`);
    return { launcher: 'process', pid: child.pid };
  }

  wait(containerId: string): Promise<number> {
    return this.containers.get(containerId)?.exited ?? unseen();
  }

  kill(containerId: string): void {
    const container = this.containers.get(containerId);
    if (!container) return;
    // A logical executor has no process of its own: its host shuts it down and kills its tasks.
    if (container.launcher === 'host') this.hosts.shutdownExecutor(container.run.frameworkId, container.run.executorId);
    else if (container.pid) killGroup(container.pid, 'SIGKILL');
  }

  destroy(containerId: string, unfinishedTaskIds: readonly string[]): Map<string, number> {
    const container = this.containers.get(containerId);
    this.containers.delete(containerId);
    for (const nested of container?.nested ?? []) nested.destroy();
    const exits = new Map<string, number>();
    // A framework's executor runs its tasks itself; only the host's tasks leave a log behind.
    if (container?.launcher !== 'host') return exits;
    this.hosts.forget(container.run.frameworkId, container.run.executorId);
    if (unfinishedTaskIds.length === 0) return exits;
    const logged = readTaskLog(hostTaskLog(this.workDir, container.run.frameworkId));
    for (const taskId of unfinishedTaskIds) {
      const { pid, status } = logged.get(taskId) ?? {};
      // As Mesos destroys the container of an executor gone: what is left of the task is killed.
      if (pid && status === undefined) killGroup(pid, 'SIGKILL');
      if (status !== undefined) exits.set(taskId, status);
    }
    return exits;
  }

  executorPid(containerId: string): number | undefined {
    const container = this.containers.get(containerId);
    return container?.launcher === 'host' ? this.hosts.pid(container.run.frameworkId) : container?.pid;
  }

  launchNested(parentId: string, config: NestedConfig): NestedProcess {
    const container = this.containers.get(parentId);
    if (!container) throw new Refusal('not_found', `Parent container ${parentId} does not exist`);
    // The task's user is its executor's: an executor host runs its framework's tasks as itself.
    const nested = spawnNested(config, nestedCredentials(this.executorPid(parentId), config.user));
    container.nested.add(nested);
    void nested.exited.then(() => container.nested.delete(nested)); // exited never rejects
    return nested;
  }
}
