// Marathon-side health checks (HTTP, HTTPS, TCP, run from this process against each instance's host
// port) and readiness checks. MESOS_HTTP, MESOS_TCP and COMMAND checks travel in TaskInfo.health_check
// and are run by the executor; their verdict arrives as TaskStatus.healthy.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { isMarathonSide, type AppDefinition, type HealthCheck, type ReadinessCheck } from './app';
import { recordHealth, type Instance } from './state';

/** The host port a check addresses: an explicit port, or the instance's port at portIndex. */
function checkPort(h: { port?: number; portIndex?: number }, i: Instance): number | undefined {
  return h.port ?? i.ports[h.portIndex ?? 0];
}

function httpStatus(scheme: 'HTTP' | 'HTTPS', host: string, port: number, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const get = scheme === 'HTTPS' ? https.get : http.get;
    const req = get({ host, port, path, timeout: timeoutMs, agent: false, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => { socket.destroy(); resolve(); });
    socket.once('timeout', () => { socket.destroy(); reject(new Error(`timed out after ${timeoutMs} ms`)); });
    socket.once('error', reject);
  });
}

/** Node's timers take at most 2^31-1 ms and fire after 1 ms when given more; timeouts (int32 seconds) are capped to it. */
const timeoutMs = (seconds: number) => Math.min(seconds * 1000, 2 ** 31 - 1);

/** Runs one check once; resolves with the failure's cause, or undefined when healthy. */
async function probe(h: HealthCheck, i: Instance): Promise<string | undefined> {
  const port = checkPort(h, i);
  if (port === undefined) return `no port at index ${h.portIndex}`;
  const timeout = timeoutMs(h.timeoutSeconds);
  try {
    if (h.protocol === 'TCP') {
      await tcpConnect(i.ip, port, timeout);
      return undefined;
    }
    const status = await httpStatus(h.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP', i.ip, port, h.path ?? '/', timeout);
    // Marathon counts 2xx and 3xx as healthy (and 1xx too unless ignoreHttp1xx).
    if ((status >= 200 && status < 400) || (status >= 100 && status < 200 && !h.ignoreHttp1xx)) return undefined;
    return `HTTP ${status}`;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface HealthEvents {
  /** An instance's health or readiness changed. */
  changed(app: AppDefinition, i: Instance, alive: boolean | undefined): void;
  /** maxConsecutiveFailures reached: Marathon kills the instance. */
  unhealthy(app: AppDefinition, i: Instance, cause: string): void;
  /** A check or its handling threw (a bug): nothing awaits it, so it is reported here. */
  failed(what: string, error: Error): void;
}

/** Checks due instances on every tick; each check keeps its own interval per instance. */
export class HealthMonitor {
  private readonly due = new Map<string, number>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly events: HealthEvents, private readonly now = () => Date.now()) {}

  forget(taskId: string): void {
    for (const key of this.due.keys()) if (key.startsWith(`${taskId}#`)) this.due.delete(key);
  }

  /** Starts the checks that are due for `i` (running instances only). */
  tick(app: AppDefinition, i: Instance, readinessWanted: boolean): void {
    if (i.state !== 'TASK_RUNNING' || i.killing) return;
    app.healthChecks.filter(isMarathonSide).forEach((h, index) => this.schedule(`${i.taskId}#h${index}`, h.intervalSeconds, () => this.check(app, i, h, index)));
    if (readinessWanted && !i.ready) {
      app.readinessChecks.forEach((r, index) => this.schedule(`${i.taskId}#r${index}`, r.intervalSeconds, () => this.ready(app, i, r)));
    }
  }

  private schedule(key: string, intervalSeconds: number, run: () => Promise<void>): void {
    const now = this.now();
    if (this.inFlight.has(key) || (this.due.get(key) ?? 0) > now) return;
    this.due.set(key, now + intervalSeconds * 1000);
    this.inFlight.add(key);
    run().catch((e: Error) => this.events.failed(`Check ${key}`, e)).finally(() => this.inFlight.delete(key));
  }

  private async check(app: AppDefinition, i: Instance, h: HealthCheck, index: number): Promise<void> {
    const cause = await probe(h, i);
    const previous = i.healthCheckResults[index];
    // Failures in the grace period before the first success do not count (Marathon's rule).
    const inGrace = cause !== undefined && !previous?.firstSuccess && i.startedAt !== null && this.now() - Date.parse(i.startedAt) < h.gracePeriodSeconds * 1000;
    if (inGrace) return;
    const wasAlive = previous?.alive;
    const result = recordHealth(previous, i.taskId, cause, new Date(this.now()).toISOString());
    i.healthCheckResults[index] = result;
    if (wasAlive !== result.alive) this.events.changed(app, i, result.alive);
    if (!result.alive && h.maxConsecutiveFailures > 0 && result.consecutiveFailures >= h.maxConsecutiveFailures) this.events.unhealthy(app, i, cause!);
  }

  private async ready(app: AppDefinition, i: Instance, r: ReadinessCheck): Promise<void> {
    const index = app.portDefinitions.findIndex((p) => p.name === r.portName);
    const port = i.ports[index];
    if (port === undefined) return;
    // A probe that failed (refused, timed out) is an answer too: not ready; the next interval asks again.
    const status = await httpStatus(r.protocol, i.ip, port, r.path, timeoutMs(r.timeoutSeconds)).catch(() => 0);
    if (r.httpStatusCodesForReady.includes(status) && !i.ready) {
      i.ready = true;
      this.events.changed(app, i, undefined);
    }
  }
}
