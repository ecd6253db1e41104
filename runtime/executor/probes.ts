// The probes behind checks and health checks, run on the task's own host like Mesos' checker does:
// COMMAND runs the command (`sh -c` for shell commands) in the task's sandbox with the task's
// environment, in its own process group that is killed when the attempt is aborted (or in its Docker
// container); HTTP(S) sends a GET to 127.0.0.1:<port><path> (::1 for IPv6; a container on a bridge:
// its address, as Mesos checks in the container's network) following redirects; TCP opens a connection.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import { healthCheckType } from '../common/checks';
import { commandArgv, commandEnvironment, killGroup, type LaunchOptions } from '../common/process';
import type { CheckInfo, CommandInfo, HealthCheck } from '../common/protocol/v1';
import type { Probe } from './health-checker';
import { directLaunch, type Launched } from './launcher';

export interface ProbeContext {
  /** Where COMMAND checks run (the task's sandbox). */
  cwd: string;
  /** The task's environment; the check command's own variables are added to it. */
  env: Record<string, string>;
  /** How COMMAND checks start (the executor host's task launcher; in-process by default). */
  launch?: (options: LaunchOptions) => Promise<Launched>;
  /** Where HTTP and TCP checks connect: loopback unless the task has an address of its own (a container's on a bridge). */
  address?: string;
  /** Runs COMMAND checks elsewhere (in a task's Docker container), answering the exit code. */
  exec?: (command: CommandInfo, env: Record<string, string>, signal: AbortSignal) => Promise<number>;
}

const MAX_REDIRECTS = 10;

export function commandProbe(command: CommandInfo, context: ProbeContext): Probe {
  const { exec } = context;
  if (exec) return async (signal) => ({ type: 'COMMAND', command: { exit_code: await exec(command, { ...context.env, ...commandEnvironment(command) }, signal) } });
  const launch = context.launch ?? directLaunch;
  return async (signal) => {
    const child = await launch({
      argv: commandArgv(command), cwd: context.cwd, env: { ...context.env, ...commandEnvironment(command) }, stdoutPath: '/dev/null', stderrPath: '/dev/null',
    });
    const abort = () => killGroup(child.pid, 'SIGKILL');
    signal.addEventListener('abort', abort, { once: true });
    if (signal.aborted) abort();
    return new Promise((resolve) => child.onExit((code, sig) => {
      signal.removeEventListener('abort', abort);
      killGroup(child.pid, 'SIGKILL'); // whatever the check left behind
      resolve({ type: 'COMMAND', command: { exit_code: code ?? 128 + (sig ? os.constants.signals[sig] : 9) } });
    }));
  };
}

export function httpProbe(scheme: string, port: number, path: string, ipv6: boolean, address?: string): Probe {
  const host = address ?? (ipv6 ? '[::1]' : '127.0.0.1');
  return (signal) => new Promise((resolve, reject) => {
    const get = (url: URL, redirects: number) => {
      const client = url.protocol === 'https:' ? https : http;
      const request = client.get(url, { signal, rejectUnauthorized: false, headers: { 'User-Agent': 'mesolite-checker' } }, (response) => {
        response.resume();
        const code = response.statusCode ?? 0;
        const location = response.headers.location;
        if (code >= 300 && code < 400 && location && redirects < MAX_REDIRECTS) return get(new URL(location, url), redirects + 1);
        resolve({ type: 'HTTP', http: { status_code: code } });
      });
      request.on('error', reject);
    };
    get(new URL(`${scheme}://${host}:${port}${path}`), 0);
  });
}

export function tcpProbe(port: number, ipv6: boolean, address?: string): Probe {
  return (signal) => new Promise((resolve, reject) => {
    const socket = net.connect({ host: address ?? (ipv6 ? '::1' : '127.0.0.1'), port });
    const abort = () => { socket.destroy(); reject(new Error('aborted')); };
    signal.addEventListener('abort', abort, { once: true });
    const done = (succeeded: boolean) => {
      signal.removeEventListener('abort', abort);
      socket.destroy();
      resolve({ type: 'TCP', tcp: { succeeded } });
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The probe a (validated) health check runs. */
export function healthCheckProbe(check: HealthCheck, context: ProbeContext): Probe {
  switch (healthCheckType(check)) {
    case 'COMMAND': return commandProbe(check.command!, context);
    case 'HTTP': return httpProbe(check.http!.scheme ?? 'http', check.http!.port, check.http!.path ?? '', check.http!.protocol === 'IPv6', context.address);
    case 'TCP': return tcpProbe(check.tcp!.port, check.tcp!.protocol === 'IPv6', context.address);
    default: return () => Promise.resolve({ type: 'UNKNOWN' });
  }
}

/** The probe a (validated) general check runs. */
export function checkProbe(check: CheckInfo, context: ProbeContext): Probe {
  switch (check.type) {
    case 'COMMAND': return commandProbe(check.command!.command, context);
    case 'HTTP': return httpProbe('http', check.http!.port, check.http!.path ?? '', false, context.address);
    case 'TCP': return tcpProbe(check.tcp!.port, false, context.address);
    default: return () => Promise.resolve({ type: 'UNKNOWN' });
  }
}
