// One task's Docker container, as Mesos' docker executor runs it (`docker run` through the engine's API):
// named mesos-<container id> and labelled so that the agent finds it again, the sandbox mounted at
// --sandbox_directory, cpus/mem as cpu shares and a memory limit, the task's port resources published
// as its port mappings say, the image pulled when missing (or always with force_pull_image), and its
// output appended to the sandbox's stdout and stderr. Killing stops it with the grace period.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dockerode } from '../common/docker-client';
import type { DockerExecutorSettings } from '../common/protocol/internal';
import type { CommandInfo, ContainerInfo, ContainerStatus, TaskInfo } from '../common/protocol/v1';
import { commandEnvironment } from '../common/process';
import { dockerCreateOptions, registryAuth } from './docker-options';
import type { ProbeContext } from './probes';
import type { TaskRunner } from './task-process';

/** The engine, loaded once per executor host and only when a Docker task runs. */
let engines: Promise<typeof import('../common/docker-client')> | undefined;
const dockerModule = () => (engines ??= import('../common/docker-client'));

export class DockerTaskContainer implements TaskRunner {
  killed = false;
  private started = false;
  private exited = false;
  private container?: Dockerode.Container;
  private pendingGraceMs?: number;
  /** Its address on a bridge or user network, once it runs (checks connect there, as in its network namespace). */
  private address?: string;

  constructor(
    readonly task: TaskInfo,
    /** The sandbox on the host. */
    readonly sandbox: string,
    private readonly env: Record<string, string>,
    private readonly settings: DockerExecutorSettings,
  ) {}

  get alive(): boolean {
    return this.started && !this.exited;
  }

  /** The container's environment: the executor's MESOS_* variables with the sandbox as mounted, and the command's own. */
  get environment(): Record<string, string> {
    return {
      ...this.env, MESOS_SANDBOX: this.settings.sandbox_directory, MESOS_TASK_ID: this.task.task_id.value,
      MESOS_CONTAINER_NAME: this.settings.container_name, ...commandEnvironment(this.task.command),
    };
  }

  async start(onExit: (code: number, failure?: string) => void, onStarted: (status: ContainerStatus) => void): Promise<void> {
    this.started = true;
    const { dockerClient, engineMessage } = await dockerModule();
    const docker = dockerClient(this.settings.socket);
    const info = (this.task.container ?? {}) as ContainerInfo;
    let container: Dockerode.Container;
    try {
      const options = dockerCreateOptions(this.task, info, this.settings, this.sandbox, this.environment);
      await this.pullIfNeeded(docker, options.Image!, info.docker?.force_pull_image === true);
      container = await docker.createContainer(options);
      this.container = container;
      await this.followOutput(container);
      await container.start();
    } catch (e) {
      this.exited = true;
      // A container created but not started holds nothing worth keeping.
      await this.container?.remove({ force: true }).catch(() => undefined);
      onExit(128, `Failed to launch container: ${engineMessage(e)}`);
      return;
    }
    const inspected = await container.inspect().catch(() => undefined);
    const status = containerStatus(inspected, info, this.settings.host_ip);
    if (info.docker?.network === 'BRIDGE' || info.docker?.network === 'USER') this.address = status.network_infos?.[0]?.ip_addresses?.[0]?.ip_address;
    onStarted(status);
    if (this.pendingGraceMs !== undefined) this.stop(this.pendingGraceMs);
    // wait() answers once the container has stopped; an engine gone away answers nothing we can use.
    container.wait().then(
      (r: { StatusCode: number }) => { this.exited = true; onExit(r.StatusCode); },
      (e: unknown) => { this.exited = true; onExit(128, `Lost the container: ${engineMessage(e)}`); },
    );
  }

  kill(graceMs: number): void {
    if (this.exited || this.killed) return;
    this.killed = true;
    if (this.container) this.stop(graceMs);
    else this.pendingGraceMs = graceMs;
  }

  probeContext(): ProbeContext {
    return {
      cwd: this.settings.sandbox_directory, env: this.environment, exec: (command, env, signal) => this.exec(command, env, signal),
      ...(this.address ? { address: this.address } : {}),
    };
  }

  /** COMMAND checks run in the container (docker exec), as Mesos' docker executor runs them. */
  private async exec(command: CommandInfo, env: Record<string, string>, signal: AbortSignal): Promise<number> {
    if (!this.container) throw new Error('the container is not running');
    const cmd = command.shell === false ? [command.value ?? '', ...(command.arguments ?? []).slice(1)] : ['/bin/sh', '-c', command.value ?? ''];
    const exec = await this.container.exec({ Cmd: cmd, Env: Object.entries(env).map(([k, v]) => `${k}=${v}`), AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      signal.addEventListener('abort', () => { stream.destroy(); done(); }, { once: true });
      stream.on('end', done).on('close', done).on('error', done).resume();
    });
    if (signal.aborted) throw new Error('aborted');
    return ((await exec.inspect()).ExitCode as number | null) ?? 1;
  }

  /** docker stop -t: the stop signal, then SIGKILL after the grace period (in whole seconds, as the API takes it). */
  private stop(graceMs: number): void {
    void this.container!.stop({ t: Math.ceil(graceMs / 1000) }).catch(() => undefined); // stopped already: wait() tells the end
  }

  private async pullIfNeeded(docker: Dockerode, image: string, force: boolean): Promise<void> {
    if (!force) {
      try {
        await docker.getImage(image).inspect();
        return;
      } catch {
        // not here: pull it
      }
    }
    const stream = await docker.pull(image, { authconfig: registryAuth(image, this.settings.auths) });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (e: Error | null, events: Array<{ error?: string }>) => {
        const failed = e?.message ?? events.find((event) => event.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      });
    });
  }

  /** docker run's attached output, appended to the sandbox's files (attached before start: nothing is missed). */
  private async followOutput(container: Dockerode.Container): Promise<void> {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const stdout = fs.createWriteStream(path.join(this.sandbox, 'stdout'), { flags: 'a' });
    const stderr = fs.createWriteStream(path.join(this.sandbox, 'stderr'), { flags: 'a' });
    container.modem.demuxStream(stream, stdout, stderr);
    stream.on('end', () => { stdout.end(); stderr.end(); });
  }
}

/** TASK_RUNNING's container_status: the container's address on its network (the agent's with HOST networking). */
function containerStatus(inspected: Dockerode.ContainerInspectInfo | undefined, info: ContainerInfo, hostIp: string): ContainerStatus {
  const networks = Object.values(inspected?.NetworkSettings?.Networks ?? {});
  const ip = info.docker?.network === 'HOST' ? hostIp : networks.map((n) => n.IPAddress).find(Boolean);
  return {
    ...(inspected?.State?.Pid ? { executor_pid: inspected.State.Pid } : {}),
    ...(ip ? { network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: ip }] }] } : {}),
  };
}
