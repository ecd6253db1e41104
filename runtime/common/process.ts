// Process helpers shared by the agent's launcher and the executors: plain processes in their own
// session (process group), no isolation.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { CommandInfo } from './protocol/v1';

/** How to run this very program again (the bundle, or the TypeScript entry under tsx). */
export function selfInvocation(...args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [...process.execArgv, process.argv[1], ...args] };
}

export function commandEnvironment(command: CommandInfo | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of command?.environment?.variables ?? []) {
    if (variable.type === undefined || variable.type === 'VALUE') env[variable.name] = variable.value ?? '';
  }
  return env;
}

/** The argv for a CommandInfo: `sh -c value` for shell commands, else value with arguments. */
export function commandArgv(command: CommandInfo): string[] {
  if (command.shell === false) return [command.value!, ...(command.arguments ?? []).slice(1)];
  return ['/bin/sh', '-c', command.value ?? ''];
}

export interface LaunchOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdoutPath: string;
  stderrPath: string;
}

/** Spawns a process in a new session (its own process group) writing to sandbox files; it outlives us. */
export function launchDetached(options: LaunchOptions): ChildProcess {
  const out = fs.openSync(options.stdoutPath, 'a');
  const err = fs.openSync(options.stderrPath, 'a');
  try {
    const child = spawn(options.argv[0], options.argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', out, err],
    });
    child.unref();
    return child;
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals a whole process group (the session a launched process leads). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
