// The executor hosts: one process per framework on this agent, running that framework's command and
// default executors as logical executors (runtime/executor/host.ts). A host starts with its framework's
// first built-in executor, subscribes over EXECUTOR_HOST_API_PATH, lingers a while after the framework
// leaves, survives agent restarts (found again by the pid it left) and is told SHUTDOWN when done.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventStream } from '../common/http';
import { guarded, type Logger } from '../common/log';
import { isAlive, killGroup, launchDetached, selfInvocation } from '../common/process';
import type { ExecutorHostEvent } from '../common/protocol/internal';
import { inheritedEnvironment, waitStatus, type AgentIdentity } from './containerizer/containerizer';
import { HostedSubscription, type ExecutorSubscription } from './executor-subscription';
import { executorHostDir } from './sandbox';

/** A framework launching task after task does not restart its host each time. */
const HOST_LINGER_MS = 30_000;

type LaunchExecutor = Extract<ExecutorHostEvent, { type: 'LAUNCH_EXECUTOR' }>['launch_executor'];

interface Host {
  stream?: EventStream;
  pid?: number;
  /** Events waiting for the host to subscribe. */
  queue: ExecutorHostEvent[];
  idleTimer?: NodeJS.Timeout;
  /** Its executors' subscriptions over the stream, by executor id: they end with it. */
  subscriptions: Map<string, HostedSubscription>;
  /** Who waits for each of its executors to exit, by executor id. */
  exits: Map<string, (status: number) => void>;
}

const newHost = (pid?: number): Host => ({ pid, queue: [], subscriptions: new Map(), exits: new Map() });

export class ExecutorHosts {
  private readonly hosts = new Map<string, Host>();

  /** `hasFramework`: a host subscribing for a framework the agent does not know is told to shut down. */
  constructor(
    private readonly workDir: string,
    private readonly identity: () => AgentIdentity,
    private readonly hasFramework: (frameworkId: string) => boolean,
    private readonly log: Logger,
  ) {}

  /** Runs a built-in executor in its framework's host; settles with its waitpid() status once it (or the host) exits. */
  launch(frameworkId: string, launch: LaunchExecutor): Promise<number> {
    const host = this.send(frameworkId, { type: 'LAUNCH_EXECUTOR', launch_executor: launch });
    return this.exitOf(host, launch.executor_info.executor_id.value);
  }

  /** An executor a previous run of the agent left in its host: waited for while that host runs, else never. */
  adopt(frameworkId: string, executorId: string): Promise<number> {
    const host = this.hosts.get(frameworkId);
    return host ? this.exitOf(host, executorId) : new Promise(() => undefined);
  }

  /** A host's executor gone: nobody waits for it any more (its exit is the agent's already). */
  forget(frameworkId: string, executorId: string): void {
    this.hosts.get(frameworkId)?.exits.delete(executorId);
  }

  /** As the executor's SHUTDOWN event, through its host (for an executor not subscribed, or one to be ended now). */
  shutdownExecutor(frameworkId: string, executorId: string): void {
    this.send(frameworkId, { type: 'SHUTDOWN_EXECUTOR', shutdown_executor: { executor_id: { value: executorId } } });
  }

  /** The host reported its executor's exit code (EXECUTOR_EXITED). */
  executorExited(frameworkId: string, executorId: string, code: number): void {
    const host = this.hosts.get(frameworkId);
    const exited = host?.exits.get(executorId);
    host?.exits.delete(executorId);
    exited?.(waitStatus(code, null));
  }

  /** A host subscribed (first start, or reconnecting after an agent restart); false if its framework is unknown here. */
  subscribed(frameworkId: string, pid: number, stream: EventStream): boolean {
    if (!this.hasFramework(frameworkId)) return false;
    const host = this.hosts.get(frameworkId) ?? newHost();
    this.hosts.set(frameworkId, host);
    host.stream?.close();
    host.stream = stream;
    host.pid = pid;
    stream.send({ type: 'SUBSCRIBED' } satisfies ExecutorHostEvent);
    for (const event of host.queue.splice(0)) stream.send(event);
    stream.onClose(() => {
      if (host.stream === stream) host.stream = undefined;
      for (const subscription of [...host.subscriptions.values()]) subscription.close();
    });
    return true;
  }

  /** A subscription for an executor run by its framework's host, over the host's stream (none while the host is not subscribed). */
  subscription(frameworkId: string, executorId: string): ExecutorSubscription | undefined {
    const host = this.hosts.get(frameworkId);
    if (!host?.stream) return undefined;
    const subscription = new HostedSubscription(host.stream, executorId);
    host.subscriptions.get(executorId)?.close();
    host.subscriptions.set(executorId, subscription);
    subscription.onClose(() => { if (host.subscriptions.get(executorId) === subscription) host.subscriptions.delete(executorId); });
    return subscription;
  }

  pid(frameworkId: string): number | undefined {
    return this.hosts.get(frameworkId)?.pid;
  }

  /** The framework left this agent: its host lingers, then shuts down unless the framework came back. */
  release(frameworkId: string): void {
    const host = this.hosts.get(frameworkId);
    if (!host) return;
    host.idleTimer = setTimeout(guarded(this.log, `The executor host of framework ${frameworkId}'s linger`, () => {
      if (this.hasFramework(frameworkId) || this.hosts.get(frameworkId) !== host) return;
      if (host.stream) host.stream.send({ type: 'SHUTDOWN' } satisfies ExecutorHostEvent);
      else if (host.pid) killGroup(host.pid, 'SIGTERM');
      this.hosts.delete(frameworkId);
    }), HOST_LINGER_MS);
    host.idleTimer.unref();
  }

  /** After an agent restart: takes back the framework's host if it still runs ('reconnect'), or kills it ('cleanup'). */
  recover(frameworkId: string, mode: 'reconnect' | 'cleanup'): void {
    const pid = readNumber(path.join(executorHostDir(this.workDir, frameworkId), 'pid'));
    if (!pid || !isAlive(pid)) return;
    if (mode === 'cleanup') killGroup(pid, 'SIGKILL');
    else this.hosts.set(frameworkId, newHost(pid));
  }

  /** The agent stops: the hosts keep running for the next agent to recover; only their streams close. */
  close(): void {
    for (const host of this.hosts.values()) host.stream?.close();
  }

  private exitOf(host: Host, executorId: string): Promise<number> {
    return new Promise((resolve) => host.exits.set(executorId, resolve));
  }

  /** Sends an event to the framework's host, starting the host if it does not run. */
  private send(frameworkId: string, event: ExecutorHostEvent): Host {
    let host = this.hosts.get(frameworkId);
    if (!host) {
      host = newHost();
      this.hosts.set(frameworkId, host);
    }
    clearTimeout(host.idleTimer);
    if (host.stream) { host.stream.send(event); return host; }
    host.queue.push(event);
    if (!isAlive(host.pid)) host.pid = this.start(frameworkId);
    return host;
  }

  private start(frameworkId: string): number | undefined {
    const agent = this.identity();
    const dir = executorHostDir(this.workDir, frameworkId);
    fs.mkdirSync(dir, { recursive: true });
    const invocation = selfInvocation('executor-host');
    const child = launchDetached({
      argv: [invocation.command, ...invocation.args],
      cwd: dir,
      env: { ...inheritedEnvironment(), MESOS_FRAMEWORK_ID: frameworkId, MESOS_AGENT_ENDPOINT: agent.endpoint, MESOS_SLAVE_ID: agent.agentId },
      stdoutPath: path.join(dir, 'stdout'),
      stderrPath: path.join(dir, 'stderr'),
    });
    fs.writeFileSync(path.join(dir, 'pid'), String(child.pid));
    child.on('exit', guarded(this.log, `The executor host of framework ${frameworkId}'s exit`, (code, signal) => this.exited(frameworkId, child.pid!, code, signal)));
    this.log.info(`Started the executor host of framework ${frameworkId} as pid ${child.pid}`);
    return child.pid;
  }

  /** A host's exit is each of its executors' exit. */
  private exited(frameworkId: string, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    const host = this.hosts.get(frameworkId);
    if (host?.pid !== pid) return;
    this.log.info(`Executor host of framework ${frameworkId} (pid ${pid}) exited ${signal ? `with signal ${signal}` : `with status ${code}`}`);
    this.hosts.delete(frameworkId);
    for (const exited of host.exits.values()) exited(waitStatus(code, signal));
  }
}

/** A number written alone in a file (a pid), if there is one. */
function readNumber(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined; // no file: no host was started
  }
}
