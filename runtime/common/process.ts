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

/** Set in a session's environment: what it started is found by it even after leaving the session. */
export const SESSION_MARK = 'MESOLITE_SESSION';

/**
 * The live processes a session leader left: those still in its session, their descendants, and (given
 * its mark, the value of SESSION_MARK in its environment) orphans that inherited the mark but moved
 * away (setsid, daemonized). Read from /proc; a process that cleared its environment and daemonized is
 * out of reach, as it is of Mesos' posix launcher.
 */
export function sessionProcesses(leader: number, mark?: string): number[] {
  if (!fs.existsSync('/proc')) return [leader];
  const parents = new Map<number, number>();
  const found = new Set<number>();
  const marked = mark === undefined ? undefined : [Buffer.from(`${SESSION_MARK}=${mark}\0`), Buffer.from(`\0${SESSION_MARK}=${mark}\0`)] as const;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // After "pid (comm) ": state ppid pgrp session ...; comm may hold spaces and parentheses.
    const [state, ppid, , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') continue; // dead already, waiting for its parent
    parents.set(pid, Number(ppid));
    // Only an orphan (adopted by init, or by this process as a subreaper) can have moved away: only its environment is read.
    const orphan = Number(ppid) === 1 || Number(ppid) === process.pid;
    if (Number(session) === leader || pid === leader || (marked && orphan && hasMark(name, marked))) found.add(pid);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) if (!found.has(pid) && found.has(ppid)) { found.add(pid); grew = true; }
  }
  return [...found];
}

/** Whether the environment starts with the mark's first form or holds its second. */
function hasMark(pid: string, [first, within]: readonly [Buffer, Buffer]): boolean {
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`);
    return environ.indexOf(first) === 0 || environ.includes(within);
  } catch {
    return false; // gone, or another user's
  }
}

/** SIGKILLs a session and everything it started; scans again for what forked meanwhile. */
export function killSession(leader: number, mark?: string): void {
  if (!fs.existsSync('/proc')) return killGroup(leader, 'SIGKILL');
  for (let pass = 0; pass < 3; pass++) {
    const pids = sessionProcesses(leader, mark);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
