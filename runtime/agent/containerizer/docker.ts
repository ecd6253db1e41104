// Mesos' docker containerizer (--containerizers=docker,mesos): an executor whose ContainerInfo is DOCKER
// runs its task in a Docker container. As Mesos runs its docker executor beside the container, the
// executor here is a logical one in the framework's executor host (runtime/executor/docker.ts), which
// creates the container through the engine's API; everything else is the posix containerizer's. This
// module owns the containers' lifecycle on the agent's side: their names and labels, their removal once
// their executor is gone (after --docker_remove_delay), and, on recovery, the orphans: containers
// labelled with this agent that its checkpoint does not know, killed when --docker_kill_orphans.
import * as path from 'node:path';
import { DOCKER_TASK_LABELS, taskContainerName } from '../../common/docker-labels';
import { guarded, type Logger } from '../../common/log';
import type { DockerExecutorSettings } from '../../common/protocol/internal';
import type { ContainerInfo, ExecutorInfo } from '../../common/protocol/v1';
import { Refusal } from '../../common/refusal';
import type { DockerOptions } from '../flags';
import type { ContainerConfig, ContainerLaunch, Containerizer, NestedConfig, NestedProcess, RecoveredContainer } from './containerizer';
import { DockerExecProcess } from './docker-exec';
import type { PosixContainerizer } from './posix';

const engine = () => import('../../common/docker-client');

/** Whether an executor (or the command task it runs) asks for a Docker container. */
export const isDockerContainer = (info: ExecutorInfo): boolean => (info.container as ContainerInfo | undefined)?.type === 'DOCKER';

/**
 * Before the agent starts: fails, naming the socket, when no engine answers there. With a cluster network
 * (Docker mode), returns the host's address on it (its gateway), where BRIDGE containers publish their ports.
 */
export async function checkDockerEngine(socket: string, network?: string): Promise<string | undefined> {
  const { dockerClient, engineMessage } = await engine();
  try {
    await dockerClient(socket).ping();
  } catch (e) {
    throw new Error(`Failed to create a containerizer: Could not create DockerContainerizer: no Docker engine answers at ${socket} (${engineMessage(e)})`);
  }
  if (!network) return undefined;
  const inspected = await dockerClient(socket).getNetwork(network).inspect().catch((e: unknown) => {
    throw new Error(`Could not create DockerContainerizer: the cluster network ${network} cannot be inspected (${engineMessage(e)})`);
  }) as { IPAM?: { Config?: Array<{ Gateway?: string }> } };
  const gateway = inspected.IPAM?.Config?.[0]?.Gateway;
  if (!gateway) throw new Error(`Could not create DockerContainerizer: the cluster network ${network} has no IPv4 gateway`);
  return gateway;
}

export class DockerContainerizer implements Containerizer {
  /** The containers of this agent that run in Docker, by container id. */
  private readonly containers = new Set<string>();

  constructor(
    private readonly posix: PosixContainerizer,
    private readonly options: DockerOptions,
    private readonly agent: { workDir: string; ip: string },
    private readonly log: Logger,
  ) {}

  recover(containers: readonly RecoveredContainer[], mode: 'reconnect' | 'cleanup', agentId: string): void {
    // The executors run in their framework's host like any built-in executor; only their containers are ours.
    this.posix.recover(containers.map((c) => (c.launcher === 'docker' ? { ...c, launcher: 'host' } : c)), mode);
    const known = new Set<string>();
    for (const c of containers) {
      if (c.launcher !== 'docker') continue;
      this.containers.add(c.run.containerId);
      if (mode === 'reconnect') known.add(c.run.containerId);
    }
    if (mode === 'reconnect' && !this.options.killOrphans) return;
    void this.removeOrphans(agentId, known).catch((e: Error) => this.log.warn(`Could not look for orphan containers: ${e.message}`));
  }

  launch(config: ContainerConfig): ContainerLaunch {
    if (!isDockerContainer(config.executorInfo)) return this.posix.launch(config);
    if (config.kind === 'custom') {
      throw new Refusal('invalid', 'The docker containerizer runs command tasks only here: a custom executor in a Docker container is not supported');
    }
    const { run } = config;
    const docker: DockerExecutorSettings = {
      socket: this.options.socket, container_name: taskContainerName(run.containerId), sandbox_directory: this.options.sandboxDirectory,
      stop_timeout_ms: this.options.stopTimeoutMs, host_ip: this.options.bridge?.hostIp ?? this.agent.ip,
      ...(this.options.bridge ? { bridge_network: this.options.bridge.network } : {}),
      ...(this.options.hostWorkDir ? { sandbox_host_path: path.join(this.options.hostWorkDir, path.relative(this.agent.workDir, config.directory)) } : {}),
      labels: {
        ...this.options.labels, [DOCKER_TASK_LABELS.agentId]: run.agentId, [DOCKER_TASK_LABELS.frameworkId]: run.frameworkId,
        [DOCKER_TASK_LABELS.executorId]: run.executorId, [DOCKER_TASK_LABELS.containerId]: run.containerId, [DOCKER_TASK_LABELS.workDir]: this.agent.workDir,
      },
      ...(this.options.auths ? { auths: this.options.auths } : {}),
    };
    this.posix.launch({ ...config, docker });
    this.containers.add(run.containerId);
    return { launcher: 'docker' };
  }

  wait(containerId: string): Promise<number> {
    return this.posix.wait(containerId);
  }

  kill(containerId: string): void {
    this.posix.kill(containerId);
  }

  destroy(containerId: string, unfinishedTaskIds: readonly string[]): Map<string, number> {
    const exits = this.posix.destroy(containerId, unfinishedTaskIds);
    if (!this.containers.delete(containerId)) return exits;
    // The executor is gone: a container it left running is killed now, and the stopped one is removed after the delay.
    const name = taskContainerName(containerId);
    if (unfinishedTaskIds.length > 0) void this.remove(name);
    else setTimeout(guarded(this.log, `Removing container ${name}`, () => void this.remove(name)), this.options.removeDelayMs).unref();
    return exits;
  }

  executorPid(containerId: string): number | undefined {
    return this.posix.executorPid(containerId);
  }

  /** A session in a Docker task runs in its container (docker exec), in the mounted sandbox. */
  launchNested(parentId: string, config: NestedConfig): NestedProcess {
    if (!this.containers.has(parentId)) return this.posix.launchNested(parentId, config);
    return new DockerExecProcess(this.options.socket, taskContainerName(parentId), config, this.options.sandboxDirectory);
  }

  private async remove(name: string): Promise<void> {
    const { dockerClient, engineMessage, isGone } = await engine();
    await dockerClient(this.options.socket).getContainer(name).remove({ force: true, v: true }).catch((e: unknown) => {
      if (!isGone(e)) this.log.warn(`Could not remove container ${name}: ${engineMessage(e)}`);
    });
  }

  private async removeOrphans(agentId: string, known: ReadonlySet<string>): Promise<void> {
    const { dockerClient } = await engine();
    const listed = await dockerClient(this.options.socket).listContainers({ all: true, filters: { label: [`${DOCKER_TASK_LABELS.agentId}=${agentId}`] } });
    for (const c of listed) {
      const containerId = c.Labels[DOCKER_TASK_LABELS.containerId];
      if (containerId && known.has(containerId)) continue;
      this.log.info(`Killing orphan container ${c.Names[0]?.replace(/^\//, '') ?? c.Id} (not in this agent's checkpoint)`);
      await this.remove(c.Id);
    }
  }
}
