// One task's process: started through a tiny shell wrapper in its own session that records the exit
// status in the executor host's task log, so the outcome survives the executor. The wrapper outlives
// SIGTERM (it only waits for the command) so the status is still recorded; the whole group is the
// task's "container": it gets SIGTERM, then SIGKILL after the grace period, and whatever is left when
// the task ends is killed, as Mesos destroys a container.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandArgv, commandEnvironment, killGroup } from '../common/process';
import { LOG_TASK_EXITED, logTaskStarted } from '../common/task-log';
import type { ContainerStatus, TaskInfo } from '../common/protocol/v1';
import { taskLauncher, type Launched } from './launcher';
import type { ProbeContext } from './probes';

/** How a built-in executor runs one task: a process on the host here, or a Docker container (docker-container.ts). */
export interface TaskRunner {
  readonly task: TaskInfo;
  readonly sandbox: string;
  /** Starting or running. */
  readonly alive: boolean;
  /** Asked to be killed. */
  readonly killed: boolean;
  /**
   * onStarted gets what TASK_RUNNING says of its container, then onExit the exit code (and, when it
   * could not start, why) — in that order, however fast it ends.
   */
  start(onExit: (code: number, failure?: string) => void, onStarted: (status: ContainerStatus) => void): Promise<void>;
  /** The stop signal now, SIGKILL after the grace period. */
  kill(graceMs: number): void;
  /** Where its COMMAND checks run, and with what. */
  probeContext(): ProbeContext;
}

// A shell command runs in the wrapper's own background subshell (as `sh -c` would run it, without $0
// or arguments), not through another sh: one exec fewer per task. Other commands are exec'd.
const WRAPPER = [
  'log=$1 task=$2 shell=$3; shift 3',
  'if [ "$shell" = 1 ]; then eval "$1" & else "$@" & fi',
  'child=$!',
  "trap ':' TERM",
  'while :; do wait $child; code=$?; kill -0 $child 2>/dev/null || break; done',
  LOG_TASK_EXITED,
  'exit $code',
].join('\n');

export class TaskProcess implements TaskRunner {
  pid?: number;
  private started = false;
  private exited = false;
  private killTimer?: NodeJS.Timeout;
  killed = false;

  constructor(
    readonly task: TaskInfo,
    readonly sandbox: string,
    private readonly env: Record<string, string>,
    private readonly taskLog: string,
  ) {}

  /** Starting or running. */
  get alive(): boolean {
    return this.started && !this.exited;
  }

  /** The task's environment: the executor's, the sandbox and task id, and the command's own variables. */
  get environment(): Record<string, string> {
    return { ...this.env, MESOS_SANDBOX: this.sandbox, MESOS_TASK_ID: this.task.task_id.value, ...commandEnvironment(this.task.command) };
  }

  /** Starts the command (onStarted gets its pid; a signal shows as 128+n in onExit, as a shell reports it; 127 when it could not start). */
  async start(onExit: (code: number) => void, onStarted: (status: ContainerStatus) => void): Promise<void> {
    this.started = true;
    fs.mkdirSync(this.sandbox, { recursive: true });
    const command = this.task.command!;
    const shell = command.shell !== false;
    let launched;
    try {
      launched = await taskLauncher().launch({
        argv: ['/bin/sh', '-c', WRAPPER, 'sh', this.taskLog, this.task.task_id.value, shell ? '1' : '0', ...(shell ? [command.value ?? ''] : commandArgv(command))],
        cwd: this.sandbox,
        env: this.environment,
        stdoutPath: path.join(this.sandbox, 'stdout'),
        stderrPath: path.join(this.sandbox, 'stderr'),
      });
    } catch {
      this.exited = true;
      onExit(127);
      return;
    }
    const pid = launched.pid;
    this.pid = pid;
    // The wrapper leads the task's process group; its pid lets an agent clean up (--recover=cleanup).
    logTaskStarted(this.taskLog, this.task.task_id.value, pid);
    onStarted({ executor_pid: pid });
    launched.onExit((code, signal) => {
      this.exited = true;
      clearTimeout(this.killTimer);
      killGroup(pid, 'SIGKILL');
      onExit(code ?? 128 + (signal ? os.constants.signals[signal] : 9));
    });
    if (this.killed) this.signal(this.pendingGraceMs);
  }

  private pendingGraceMs = 0;

  probeContext(): ProbeContext {
    return { cwd: this.sandbox, env: this.environment, launch: (o): Promise<Launched> => taskLauncher().launch(o) };
  }

  /** SIGTERM to the whole process group, SIGKILL after the grace period (once started, if still starting). */
  kill(graceMs: number): void {
    if (this.exited || this.killed) return;
    this.killed = true;
    this.pendingGraceMs = graceMs;
    if (this.pid !== undefined) this.signal(graceMs);
  }

  private signal(graceMs: number): void {
    const pid = this.pid!;
    killGroup(pid, 'SIGTERM');
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
  }
}
