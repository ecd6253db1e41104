// Real master and agent processes (the built dist/mesolite.js) on loopback with free ports and
// temporary work dirs, plus a scheduler whose events can be awaited. Used by integration tests and benches.
// The fixtures at the end set these up for a test or a file and register their cleanup where they do.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { getJson, postJson } from '../../runtime/common/http';
import type { FrameworkInfo, Offer, SchedulerEvent, TaskInfo, TaskStatus } from '../../runtime/common/protocol/v1';
import { Scheduler } from '../../runtime/scheduler/scheduler';

export const BUNDLE = path.resolve(__dirname, '../../dist/mesolite.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}${last ? ` (${last})` : ''}`);
}

export interface Daemon { process: ChildProcess; log: string[] }

export function startDaemon(args: string[], env: Record<string, string> = {}): Daemon {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  const child = spawn(process.execPath, [BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MESOLITE_QUIET: '', ...env } });
  const log: string[] = [];
  const collect = (chunk: Buffer) => { log.push(chunk.toString()); if (log.length > 2000) log.shift(); };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return { process: child, log };
}

export async function stopDaemon(d: Daemon | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!d || d.process.exitCode !== null || d.process.signalCode !== null) return;
  const exited = new Promise((r) => d.process.once('exit', r));
  d.process.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (d.process.exitCode === null && d.process.signalCode === null) d.process.kill('SIGKILL');
}

export interface AgentHandle { port: number; url: string; workDir: string; daemon?: Daemon; args: string[] }

export interface ClusterOptions {
  agents?: number;
  agentResources?: (i: number) => string;
  masterFlags?: string[];
  /** Flags for every agent, or per agent (e.g. distinct --hostname values). */
  agentFlags?: string[] | ((i: number) => string[]);
}

export class TestCluster {
  readonly agents: AgentHandle[] = [];
  master?: Daemon;
  masterPort = 0;
  /** Set when the cluster starts; empty until then. */
  workDir = '';
  private masterArgs: string[] = [];

  /**
   * Starts a cluster. With `t`, it is stopped when that test ends, whatever the outcome, after the
   * schedulers the test subscribed to it (see onTestEnd); a cluster shared by a file's tests is
   * clusterFixture's.
   */
  static async start(options: ClusterOptions = {}, t?: TestContext): Promise<TestCluster> {
    const cluster = new TestCluster();
    // Registered before starting: a cluster that fails half-way up is stopped too.
    if (t) onTestEnd(t, () => cluster.stop());
    await cluster.boot(options);
    return cluster;
  }

  /** Starts a cluster made with `new TestCluster()`, as start and clusterFixture do. */
  async boot(options: ClusterOptions): Promise<void> {
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-test-'));
    this.masterPort = await freePort();
    this.masterArgs = ['master', '--ip=127.0.0.1', `--port=${this.masterPort}`, `--work_dir=${path.join(this.workDir, 'master')}`, '--allocation_interval=100ms', ...(options.masterFlags ?? [])];
    await this.startMaster();
    const count = options.agents ?? 2;
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const resources = options.agentResources?.(i) ?? `cpus:4;mem:4096;disk:10000;ports:[${31000 + i * 1000}-${31999 + i * 1000}]`;
      const workDir = path.join(this.workDir, `agent-${i + 1}`);
      const args = ['agent', `--master=127.0.0.1:${this.masterPort}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${workDir}`, `--resources=${resources}`, ...(typeof options.agentFlags === 'function' ? options.agentFlags(i) : options.agentFlags ?? [])];
      this.agents.push({ port, url: `http://127.0.0.1:${port}`, workDir, args });
    }
    for (let i = 0; i < count; i++) await this.startAgent(i);
    await this.waitForAgents(count);
  }

  get masterUrl(): string {
    return `http://127.0.0.1:${this.masterPort}`;
  }

  get masterAddress(): string {
    return `127.0.0.1:${this.masterPort}`;
  }

  async startMaster(): Promise<void> {
    this.master = startDaemon(this.masterArgs);
    await waitUntil('the master', async () => (await getJson<{ id?: string }>(`${this.masterUrl}/master/state`)).id);
  }

  async stopMaster(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopDaemon(this.master, signal);
  }

  async startAgent(i: number): Promise<void> {
    this.agents[i].daemon = startDaemon(this.agents[i].args);
    await waitUntil(`agent ${i}`, async () => (await getJson<{ id: string }>(`${this.agents[i].url}/state`)).id !== undefined);
  }

  async stopAgent(i: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopDaemon(this.agents[i].daemon, signal);
  }

  async waitForAgents(count: number): Promise<void> {
    await waitUntil(`${count} active agents`, async () => (await this.state()).activated_slaves >= count);
  }

  state(): Promise<MasterState> {
    return getJson<MasterState>(`${this.masterUrl}/master/state`);
  }

  operator(call: Record<string, unknown>) {
    return postJson(`${this.masterUrl}/api/v1`, call);
  }

  /** The sandbox of an executor (live or completed) as the agent's /state reports it. */
  executorDirectory(agent: number, frameworkId: string, executorId: string): Promise<string> {
    type Executor = { id: string; directory: string };
    type State = { frameworks: Array<{ id: string; executors: Executor[]; completed_executors: Executor[] }>; completed_frameworks: Array<{ id: string; executors: Executor[]; completed_executors: Executor[] }> };
    return waitUntil('the executor sandbox', async () => {
      const state = await getJson<State>(`${this.agents[agent].url}/state`);
      return [...state.frameworks, ...state.completed_frameworks].filter((f) => f.id === frameworkId)
        .flatMap((f) => [...f.executors, ...f.completed_executors]).find((e) => e.id === executorId)?.directory;
    });
  }

  logs(): string {
    return [`--- master`, ...(this.master?.log ?? []), ...this.agents.flatMap((a, i) => [`--- agent ${i + 1}`, ...(a.daemon?.log ?? [])])].join('');
  }

  /** Stops every process, including executor hosts and tasks (found by working directory). */
  async stop(): Promise<void> {
    for (let i = 0; i < this.agents.length; i++) await this.stopAgent(i);
    await this.stopMaster();
    if (!this.workDir) return; // never started: nothing ran, nothing to find by working directory
    const { stopProcessCluster } = await import('../../runtime/cluster/process');
    await stopProcessCluster({ pids: {}, workDir: this.workDir });
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

export interface MasterState {
  id: string;
  activated_slaves: number;
  slaves: Array<{ id: string; pid: string; hostname: string; active: boolean; resources: Record<string, unknown>; used_resources: Record<string, unknown>; offered_resources: Record<string, unknown> }>;
  frameworks: Array<{ id: string; name: string; active: boolean; tasks: Array<{ id: string; state: string; slave_id: string; executor_id: string }>; completed_tasks: Array<{ id: string; state: string }>; offers: unknown[] }>;
  completed_frameworks: Array<{ id: string }>;
  [key: string]: unknown;
}

/** A scheduler that records every event so tests can await the ones they expect. */
export class TestScheduler extends Scheduler {
  readonly events: SchedulerEvent[] = [];
  private waiters: Array<() => void> = [];
  autoAcknowledge = true;

  constructor(master: string, framework: Partial<FrameworkInfo> = {}) {
    super({ master, framework: { user: os.userInfo().username, name: 'test-framework', ...framework }, reconnect: false });
    this.on('event', (e) => {
      this.events.push(e);
      if (e.type === 'UPDATE' && this.autoAcknowledge) this.acknowledge(e.update.status).catch(() => undefined);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves with the first recorded event (from `from` on) matching the predicate. */
  async next<T extends SchedulerEvent['type']>(type: T, predicate: (e: Extract<SchedulerEvent, { type: T }>) => boolean = () => true, timeoutMs = 20_000, from = 0): Promise<Extract<SchedulerEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find((e) => e.type === type && predicate(e as Extract<SchedulerEvent, { type: T }>));
      if (found) return found as Extract<SchedulerEvent, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${type}; got ${this.events.map((e) => e.type === 'UPDATE' ? `UPDATE(${e.update.status.task_id.value}:${e.update.status.state})` : e.type).join(', ')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  async offers(from = 0, timeoutMs?: number): Promise<Offer[]> {
    return (await this.next('OFFERS', () => true, timeoutMs, from)).offers.offers;
  }

  async status(taskId: string, state: TaskStatus['state'], timeoutMs?: number): Promise<TaskStatus> {
    return (await this.next('UPDATE', (e) => e.update.status.task_id.value === taskId && e.update.status.state === state, timeoutMs)).update.status;
  }

  statesOf(taskId: string): string[] {
    return this.events.filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId).map((e) => (e as Extract<SchedulerEvent, { type: 'UPDATE' }>).update.status.state);
  }
}

export function commandTask(offer: Offer, id: string, command: string, resources = 'cpus:0.1;mem:32'): TaskInfo {
  const role = offer.allocation_info?.role ?? '*';
  return {
    name: id, task_id: { value: id }, agent_id: offer.agent_id,
    resources: resources.split(';').map((r) => {
      const [name, value] = r.split(':');
      return { name, type: 'SCALAR' as const, scalar: { value: Number(value) }, allocation_info: { role } };
    }),
    command: { shell: true, value: command },
  };
}

// ---- Fixtures: set up for one test (`t`) or for a whole file, each registering its own cleanup.

type Cleanup = () => unknown;
const cleanups = new WeakMap<object, Cleanup[]>();
const FILE = {};

/**
 * Pushes `cleanup` on the stack of `scope` (a test, or FILE), registering one node:test hook on the first
 * push that unwinds the stack last-registered first, as nested try/finally blocks would: a framework is
 * torn down before its cluster stops. (node:test itself runs `t.after` and `after` hooks first-registered
 * first.) Every cleanup runs even if one fails; the failures then fail the test, or the file.
 */
function push(scope: object, register: (hook: () => Promise<void>) => void, cleanup: Cleanup): void {
  let stack = cleanups.get(scope);
  if (!stack) {
    const pending: Cleanup[] = (stack = []);
    cleanups.set(scope, pending);
    register(async () => {
      const failures: unknown[] = [];
      for (let next = pending.pop(); next; next = pending.pop()) {
        try {
          await next();
        } catch (e) {
          failures.push(e);
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, `${failures.length} cleanups failed: ${failures.map((e) => (e as Error)?.message ?? e).join('; ')}`);
    });
  }
  stack.push(cleanup);
}

/** Runs `cleanup` when the test `t` ends, pass or fail: after its body, last-registered first. */
export function onTestEnd(t: TestContext, cleanup: Cleanup): void {
  push(t, (hook) => t.after(hook), cleanup);
}

/**
 * Runs `cleanup` when the file's tests are done, before the cleanups registered earlier (the cluster of
 * a clusterFixture called before stops after it). Call it at the module's top level: node:test attaches
 * an `after` registered inside a hook to that hook.
 */
export function onFileEnd(cleanup: Cleanup): void {
  push(FILE, (hook) => after(hook), cleanup);
}

let fileSetUps: Promise<unknown> = Promise.resolve();

/**
 * Runs `setUp` before the file's tests, once the set-ups registered before it are done (a Marathon
 * daemon once its cluster runs), and not at all if one of them failed; that failure fails the file.
 * node:test's own root `before` hooks will not do: Node 20 starts each the moment it is registered,
 * side by side, while the module is still loading. Call it at the module's top level.
 */
export function onFileStart(setUp: () => unknown): void {
  const done = fileSetUps.then(setUp);
  fileSetUps = done;
  before(() => done);
}

/**
 * The cluster every test of a file shares: started before the file's tests (onFileStart; options may be
 * computed then) and stopped when they are done (onFileEnd). The object is returned at once, to use
 * from the tests and from set-ups and cleanups registered after this.
 */
export function clusterFixture(options: ClusterOptions | (() => ClusterOptions | Promise<ClusterOptions>) = {}): TestCluster {
  const cluster = new TestCluster();
  onFileEnd(() => cluster.stop());
  onFileStart(async () => {
    await cluster.boot(typeof options === 'function' ? await options() : options);
  });
  return cluster;
}

/**
 * What the end of the test does with a scheduler of subscribedScheduler:
 * - 'teardown' (the default): TEARDOWN, and a refused or failed TEARDOWN fails the test, as the
 *   `finally { await s.teardown(); }` it replaces did. On a cluster other tests share, a framework left
 *   behind would keep its tasks and offers and change what the next test sees.
 * - 'teardown-may-fail': TEARDOWN, a failure ignored (the stream is closed all the same). Only where
 *   the test may leave no master able to answer (one killed, restarted or failed over, an agent
 *   frozen) and what is left of the framework cannot change what another test checks: its cluster
 *   stops right after (a cluster of the test's own), or later tests look only at their own
 *   frameworks. Say which at the call.
 * - 'close': only closes the stream; for tests whose body tears down itself, or leaves the framework to
 *   fail over.
 */
export type SchedulerEnd = 'teardown' | 'teardown-may-fail' | 'close';

/** A TestScheduler subscribed to `master` (a cluster, HOST:PORT or zk://), ended with the test `t` (see SchedulerEnd). */
export async function subscribedScheduler(t: TestContext, master: TestCluster | string, framework: Partial<FrameworkInfo> = {}, end: SchedulerEnd = 'teardown'): Promise<TestScheduler> {
  const s = new TestScheduler(typeof master === 'string' ? master : master.masterAddress, framework);
  // Refused or unreachable: nothing to tear down, but a stream or a ZooKeeper session may be open.
  await s.subscribe().catch((e: unknown) => { s.close(); throw e; });
  onTestEnd(t, async () => {
    if (end === 'close') return s.close();
    try {
      await s.teardown();
    } catch (e) {
      s.close();
      if (end === 'teardown') throw e;
    }
  });
  return s;
}
