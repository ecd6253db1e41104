// Starts task processes from a small helper process instead of the executor host itself. fork() copies
// the parent's page tables, so a spawn costs ~6 ms from an executor host running a few hundred tasks
// but ~1.5 ms from a fresh Node process: with hundreds of tasks per host that is most of its CPU.
// The helper only spawns (detached, as launchDetached does) and reports pids and exits over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { launchDetached, selfInvocation, type LaunchOptions } from '../common/process';

type Request = { id: number; options: LaunchOptions };
type Reply = { id: number; pid?: number; error?: string; exit?: { code: number | null; signal: NodeJS.Signals | null } };

/** The helper's side: `mesolite task-launcher`, started by the executor host with an IPC channel. */
export function runTaskLauncher(): void {
  const send = (reply: Reply) => process.send?.(reply);
  process.on('message', ({ id, options }: Request) => {
    try {
      const child = launchDetached(options);
      child.on('error', (e) => send({ id, error: e.message }));
      child.on('spawn', () => send({ id, pid: child.pid }));
      child.on('exit', (code, signal) => send({ id, exit: { code, signal } }));
    } catch (e) {
      send({ id, error: (e as Error).message });
    }
  });
  // The tasks run in sessions of their own and outlive this helper; it goes with its executor host.
  process.on('disconnect', () => process.exit(0));
}

export interface Launched {
  pid: number;
  onExit(handler: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

/** Starts a process from this one (small processes, and tests that run outside an executor host). */
export function directLaunch(options: LaunchOptions): Promise<Launched> {
  return new Promise((resolve, reject) => {
    const child = launchDetached(options);
    child.on('error', reject);
    child.on('spawn', () => resolve({
      pid: child.pid!,
      onExit: (handler) => {
        if (child.exitCode !== null || child.signalCode !== null) handler(child.exitCode, child.signalCode);
        else child.once('exit', handler);
      },
    }));
  });
}

/** The executor host's side: one helper per host, (re)started on demand. */
class TaskLauncher {
  private child?: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (l: Launched) => void; reject: (e: Error) => void; onExit?: (code: number | null, signal: NodeJS.Signals | null) => void; exit?: Reply['exit'] }>();

  private helper(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    const self = selfInvocation('task-launcher');
    const child = spawn(self.command, self.args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    child.on('message', (reply: Reply) => this.onReply(reply));
    child.on('exit', () => {
      // Launches the helper never answered fail; running tasks are still watched through their pids.
      for (const [id, p] of this.pending) if (!p.onExit) { p.reject(new Error('task launcher exited')); this.pending.delete(id); }
    });
    this.child = child;
    return child;
  }

  private onReply(reply: Reply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    if (reply.error !== undefined) {
      this.pending.delete(reply.id);
      return entry.reject(new Error(reply.error));
    }
    if (reply.exit) {
      this.pending.delete(reply.id);
      if (entry.onExit) entry.onExit(reply.exit.code, reply.exit.signal);
      else entry.exit = reply.exit;
      return;
    }
    entry.resolve({
      pid: reply.pid!,
      onExit: (handler) => {
        if (entry.exit) handler(entry.exit.code, entry.exit.signal);
        else entry.onExit = handler;
      },
    });
  }

  launch(options: LaunchOptions): Promise<Launched> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.helper().send({ id, options } satisfies Request);
    });
  }
}

let launcher: TaskLauncher | undefined;
export const taskLauncher = (): TaskLauncher => (launcher ??= new TaskLauncher());
