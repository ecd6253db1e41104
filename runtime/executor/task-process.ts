// One task's process: started through a tiny shell wrapper in its own session that records the exit
// status under the checkpoint directory, so the outcome survives the executor. The wrapper outlives
// SIGTERM (it only waits for the command) so the status is still recorded; the whole group is the
// task's "container": it gets SIGTERM, then SIGKILL after the grace period, and whatever is left when
// the task ends is killed, as Mesos destroys a container.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandArgv, commandEnvironment, killGroup, launchDetached } from '../common/process';
import type { TaskInfo } from '../common/protocol/v1';

const WRAPPER = [
  '"$@" & child=$!',
  "trap ':' TERM",
  'while :; do wait $child; code=$?; kill -0 $child 2>/dev/null || break; done',
  'echo $code > "$0"',
  'exit $code',
].join('\n');

export class TaskProcess {
  private child?: ChildProcess;
  private killTimer?: NodeJS.Timeout;
  killed = false;

  constructor(
    readonly task: TaskInfo,
    readonly sandbox: string,
    private readonly env: Record<string, string>,
    private readonly exitStatusFile: string,
  ) {}

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The task's environment: the executor's, the sandbox and task id, and the command's own variables. */
  get environment(): Record<string, string> {
    return { ...this.env, MESOS_SANDBOX: this.sandbox, MESOS_TASK_ID: this.task.task_id.value, ...commandEnvironment(this.task.command) };
  }

  /** Starts the command; onExit gets the exit code (a signal shows as 128+n, as a shell reports it). */
  start(onExit: (code: number) => void): void {
    fs.mkdirSync(this.sandbox, { recursive: true });
    fs.mkdirSync(path.dirname(this.exitStatusFile), { recursive: true });
    const command = this.task.command!;
    this.child = launchDetached({
      argv: ['/bin/sh', '-c', WRAPPER, this.exitStatusFile, ...commandArgv(command)],
      cwd: this.sandbox,
      env: this.environment,
      stdoutPath: path.join(this.sandbox, 'stdout'),
      stderrPath: path.join(this.sandbox, 'stderr'),
    });
    // The wrapper leads the task's process group; its pid lets an agent clean up (--recover=cleanup).
    if (this.child.pid) fs.writeFileSync(path.join(path.dirname(this.exitStatusFile), 'pid'), String(this.child.pid));
    this.child.on('error', () => onExit(127));
    this.child.on('exit', (code, signal) => {
      clearTimeout(this.killTimer);
      killGroup(this.child!.pid!, 'SIGKILL');
      onExit(code ?? 128 + (signal ? os.constants.signals[signal] : 9));
    });
  }

  /** SIGTERM to the whole process group, SIGKILL after the grace period. */
  kill(graceMs: number): void {
    if (!this.child?.pid || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killed = true;
    const pid = this.child.pid;
    killGroup(pid, 'SIGTERM');
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
  }
}
