// The seam between the agent and what runs its executors (Mesos' Containerizer): the agent asks for an
// executor's container, waits for it to end, kills it, and destroys what is left; how the executor runs
// (a process here, an executor host's logical executor, a Docker container) is the containerizer's.
import * as os from 'node:os';
import type { WindowSize } from '../../common/protocol/attach';
import type { DockerExecutorSettings } from '../../common/protocol/internal';
import type { ExecutorInfo } from '../../common/protocol/v1';
import type { RunCheckpoint } from '../checkpoint';
import type { ExecutorKind } from '../framework';
import type { ExecutorRun } from '../sandbox';

/** What an executor's container is made for (Mesos' ContainerConfig, as far as we use it). */
export interface ContainerConfig {
  run: ExecutorRun;
  executorInfo: ExecutorInfo;
  kind: ExecutorKind;
  /** The sandbox, created already. */
  directory: string;
  /** The MESOS_* variables the executor gets (executorEnvironment). */
  environment: Record<string, string>;
  /** How its Docker container runs (the docker containerizer's; a DOCKER ContainerInfo without it cannot launch). */
  docker?: DockerExecutorSettings;
}

/** How a container runs and the pid to find it by, checkpointed so that recover() finds it again. */
export type ContainerLaunch = Pick<RunCheckpoint, 'launcher' | 'pid'>;

/** A container a previous run of the agent left, as its checkpoint describes it. */
export interface RecoveredContainer extends ContainerLaunch { run: ExecutorRun }

export interface Containerizer {
  /**
   * Takes back the containers a previous run of the agent left: 'reconnect' waits for them again,
   * 'cleanup' kills their executors (what their tasks left goes with destroy()).
   */
  recover(containers: readonly RecoveredContainer[], mode: 'reconnect' | 'cleanup', agentId: string): void;
  /** Throws a Refusal when none of the agent's containerizers can run it (the task fails: REASON_CONTAINER_LAUNCH_FAILED). */
  launch(config: ContainerConfig): ContainerLaunch;
  /** Settles with the executor's waitpid() status once it exits; never for a container whose end cannot be seen. */
  wait(containerId: string): Promise<number>;
  /** Ends the executor now, without the shutdown it was asked for. */
  kill(containerId: string): void;
  /**
   * The executor is gone: kills what the given tasks left running, forgets the container, and returns the
   * exit status each of those tasks recorded (by task id) for the ones that recorded one.
   */
  destroy(containerId: string, unfinishedTaskIds: readonly string[]): Map<string, number>;
  /** The pid of the process the executor runs in (TaskStatus.container_status.executor_pid). */
  executorPid(containerId: string): number | undefined;
  /**
   * Starts a nested container in a running one, as its user (a session next to its task; Refusal when
   * that cannot be). It is destroyed with its parent.
   */
  launchNested(parentId: string, config: NestedConfig): NestedProcess;
}

/** A nested container's command, as the agent's attach API asks for it. */
export interface NestedConfig {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** A pseudo-terminal of this size; pipes otherwise (stdout and stderr apart). */
  tty?: WindowSize;
  /** CommandInfo.user: the parent's user is the only one a nested container may run as here. */
  user?: string;
}

export type OutputStream = 'STDOUT' | 'STDERR';

/** A nested container's lead process, running. */
export interface NestedProcess {
  readonly pid: number;
  readonly tty: boolean;
  /** Output in order as it comes (with a TTY all of it is STDOUT). */
  onOutput(listener: (stream: OutputStream, data: Buffer) => void): void;
  /** Input; false once it queues more than the command reads: wait for onWritable() before writing more. */
  write(data: Buffer): boolean;
  onWritable(listener: () => void): void;
  /** EOF on stdin; a TTY reads EOT from write() instead, as Mesos' I/O switchboard expects. */
  closeStdin(): void;
  resize(size: WindowSize): void;
  /** Stops reading its output until resume(): a slow reader slows the command instead of filling memory. */
  pause(): void;
  resume(): void;
  signal(signal: number): void;
  /** Kills it and everything it started, now; `exited` follows. */
  destroy(): void;
  /** Its wait status, once it ended and its output was handed on; what it left running is killed by then. */
  readonly exited: Promise<number>;
}

export interface AgentIdentity {
  agentId: string;
  endpoint: string; // ip:port of the agent's HTTP API
  pid: string;
  shutdownGracePeriod: string;
}

/** A waitpid()-style status, as FAILURE events carry it: exit code << 8, or the signal number. */
export function waitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  return signal ? (os.constants.signals[signal] ?? 9) : (code ?? 1) << 8;
}

/** The agent's own environment minus its MESOS_* flags, which belong to the agent, not its executors. */
export function inheritedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MESOS_')) env[k] = v;
  return env;
}

/** The MESOS_* variables Mesos gives an executor (logical ones in an executor host get them too). */
export function executorEnvironment(agent: AgentIdentity, frameworkId: string, executorId: string, directory: string): Record<string, string> {
  return {
    MESOS_FRAMEWORK_ID: frameworkId,
    MESOS_EXECUTOR_ID: executorId,
    MESOS_DIRECTORY: directory,
    MESOS_SANDBOX: directory,
    MESOS_AGENT_ENDPOINT: agent.endpoint,
    MESOS_SLAVE_ID: agent.agentId,
    MESOS_SLAVE_PID: agent.pid,
    MESOS_CHECKPOINT: '1',
    MESOS_RECOVERY_TIMEOUT: '15mins',
    MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: agent.shutdownGracePeriod,
    MESOS_HTTP_COMMAND_EXECUTOR: '1',
  };
}
