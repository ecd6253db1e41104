// The embedded launcher: a master (or, with masters > 1, a local ZooKeeper and that many masters
// electing a leader), N agents as local processes on loopback, each agent with its own port and
// its own disjoint `ports` range, and the Marathon-compatible app framework. Shared by the CLI
// (`mesolite up`) and the extension.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getJson } from '../common/http';
import { isAlive, killGroup, selfInvocation } from '../common/process';

export interface ProcessClusterOptions {
  name: string;
  workDir: string;
  agents: number;
  masterPort: number;
  /** More than one: a local ZooKeeper (Debian's zkServer.sh) and masters with --zk and --quorum. */
  masters?: number;
  zkPort?: number;
  firstAgentPort: number;
  agentResources: string;
  /** Port of the Marathon-compatible app framework's REST API; undefined: no app framework. */
  marathonPort?: number;
  /** Extra flags for every daemon (e.g. --allocation_interval=100ms for tests). */
  masterFlags?: string[];
  onProgress?: (step: string) => void;
  /** How to run the mesolite CLI (default: this very program); the extension runs its packaged bundle. */
  cli?: { command: string; args: string[]; env?: NodeJS.ProcessEnv };
  /** Aborting stops the start at its next step and tears down what was started. */
  signal?: AbortSignal;
}

export interface ProcessClusterInfo {
  name: string;
  workDir: string;
  master: string;
  /** zk://... when the masters elect a leader, else the master's HOST:PORT. */
  masterFlag: string;
  masters: string[];
  agents: string[];
  /** The app framework's REST API, when started. */
  marathon?: string;
  pids: { masters: number[]; agents: number[]; zookeeper?: number; marathon?: number };
}

const AGENT_PORTS_BASE = 31000;
const AGENT_PORTS_SPAN = 1000;

/** Daemons run in the logs directory, so that processesUnder(workDir) finds every one of them. */
function spawnDaemon(args: string[], logFile: string, cli?: ProcessClusterOptions['cli']): number {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const self = cli ? { command: cli.command, args: [...cli.args, ...args] } : selfInvocation(...args);
  const child = spawn(self.command, self.args, { detached: true, stdio: ['ignore', out, out], cwd: path.dirname(logFile), env: cli?.env ?? process.env });
  fs.closeSync(out);
  child.unref();
  return child.pid!;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
}

const ZK_SERVER = process.env.MESOLITE_ZK_SERVER ?? '/usr/share/zookeeper/bin/zkServer.sh';

function startZooKeeper(workDir: string, port: number, logFile: string): number {
  if (!fs.existsSync(ZK_SERVER)) throw new Error(`Several masters need ZooKeeper, and ${ZK_SERVER} is missing: apt-get install zookeeper (or set MESOLITE_ZK_SERVER)`);
  const dir = path.join(workDir, 'zookeeper');
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const config = path.join(dir, 'zoo.cfg');
  fs.writeFileSync(config, [
    'tickTime=500', `dataDir=${path.join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1',
    'minSessionTimeout=1000', 'maxSessionTimeout=60000', 'admin.enableServer=false', '',
  ].join('\n'));
  const out = fs.openSync(logFile, 'a');
  const child = spawn(ZK_SERVER, ['start-foreground', config], { detached: true, stdio: ['ignore', out, out], cwd: dir, env: { ...process.env, ZOO_LOG_DIR: dir } });
  fs.closeSync(out);
  child.unref();
  return child.pid!;
}

/** The elected leader's URL, as any master reports it (a follower's /master/state names the leader). */
export async function leaderUrl(masters: string[]): Promise<string | undefined> {
  for (const m of masters) {
    const state = await getJson<{ leader?: string; leader_info?: { address?: { ip?: string; port?: number } } }>(`${m}/master/state`).catch(() => undefined);
    const address = state?.leader_info?.address;
    if (state?.leader && address) return `http://${address.ip}:${address.port}`;
  }
  return undefined;
}

export async function startProcessCluster(options: ProcessClusterOptions): Promise<ProcessClusterInfo> {
  const progress = (step: string) => {
    if (options.signal?.aborted) throw new Error('Start cancelled');
    options.onProgress?.(step);
  };
  fs.mkdirSync(options.workDir, { recursive: true });
  const logs = path.join(options.workDir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const count = Math.max(1, options.masters ?? 1);
  const zkPort = options.zkPort ?? 2181;
  const zk = count > 1 ? `zk://127.0.0.1:${zkPort}/mesos` : undefined;
  const masters = Array.from({ length: count }, (_, i) => `http://127.0.0.1:${options.masterPort + i}`);
  const info: ProcessClusterInfo = {
    name: options.name, workDir: options.workDir, master: masters[0], masterFlag: zk ?? `127.0.0.1:${options.masterPort}`, masters, agents: [],
    pids: { masters: [], agents: [] },
  };
  try {
    if (zk) {
      progress('Starting ZooKeeper');
      info.pids.zookeeper = startZooKeeper(options.workDir, zkPort, path.join(logs, 'zookeeper.log'));
    }
    progress(count > 1 ? `Starting ${count} masters` : 'Starting the master');
    for (let i = 0; i < count; i++) {
      const ha = zk ? [`--zk=${zk}`, `--quorum=${Math.floor(count / 2) + 1}`, '--zk_session_timeout=5secs'] : [];
      info.pids.masters.push(spawnDaemon([
        'master', '--ip=127.0.0.1', `--port=${options.masterPort + i}`, `--work_dir=${path.join(options.workDir, `master-${i + 1}`)}`, ...ha, ...(options.masterFlags ?? []),
      ], path.join(logs, `master-${i + 1}.log`), options.cli));
    }
    info.master = await waitFor('a leading master', 60_000, async () => {
      for (const [i, pid] of info.pids.masters.entries()) if (!isAlive(pid)) throw new Error(`master-${i + 1} exited; see ${path.join(logs, `master-${i + 1}.log`)}`);
      return leaderUrl(masters);
    });
    progress(`Starting ${options.agents} agent(s)`);
    for (let i = 0; i < options.agents; i++) {
      const port = options.firstAgentPort + i;
      const ports = `[${AGENT_PORTS_BASE + i * AGENT_PORTS_SPAN}-${AGENT_PORTS_BASE + (i + 1) * AGENT_PORTS_SPAN - 1}]`;
      const pid = spawnDaemon([
        'agent', `--master=${info.masterFlag}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${path.join(options.workDir, `agent-${i + 1}`)}`,
        `--resources=${options.agentResources};ports:${ports}`, `--attributes=agent:agent-${i + 1}`,
      ], path.join(logs, `agent-${i + 1}.log`), options.cli);
      info.pids.agents.push(pid);
      info.agents.push(`http://127.0.0.1:${port}`);
    }
    await waitFor('every agent to register', 30_000, async () => {
      for (const pid of info.pids.agents) if (!isAlive(pid)) throw new Error(`an agent exited; see the logs in ${logs}`);
      const state = await getJson<{ activated_slaves: number }>(`${info.master}/master/state`);
      return state.activated_slaves >= options.agents ? true : undefined;
    });
    if (options.marathonPort !== undefined) {
      progress('Starting the app framework');
      // With ZooKeeper, the framework keeps its state there (and could run as several instances).
      const state = zk ? [`--zk=zk://127.0.0.1:${zkPort}/marathon`] : [`--work_dir=${path.join(options.workDir, 'marathon')}`];
      info.pids.marathon = spawnDaemon(['marathon', `--master=${info.masterFlag}`, `--http_port=${options.marathonPort}`, ...state], path.join(logs, 'marathon.log'), options.cli);
      info.marathon = `http://127.0.0.1:${options.marathonPort}`;
      await waitFor('the app framework to subscribe', 30_000, async () => {
        if (!isAlive(info.pids.marathon!)) throw new Error(`the app framework exited; see ${path.join(logs, 'marathon.log')}`);
        const about = await getJson<{ frameworkId: string | null }>(`${info.marathon}/v2/info`);
        return about.frameworkId ? true : undefined;
      });
    }
    progress('Cluster ready');
    return info;
  } catch (e) {
    await stopProcessCluster(info);
    throw e;
  }
}

/** Executor hosts and tasks run in sessions of their own: find them by their working directory. */
export function processesUnder(dir: string): number[] {
  if (!fs.existsSync('/proc')) return [];
  const real = fs.realpathSync(dir);
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === real || cwd.startsWith(real + path.sep)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Signals a process and, when it leads one, its group. */
function signal(pid: number, sig: NodeJS.Signals): void {
  killGroup(pid, sig);
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (isAlive(pid)) signal(pid, 'SIGKILL');
}

/** Stops the app framework, agents, masters and ZooKeeper, then executor hosts (which kill their tasks), then anything left. */
export async function stopProcessCluster(info: { workDir: string; pids: Partial<ProcessClusterInfo['pids']> }): Promise<void> {
  const daemons = [...(info.pids.marathon ? [info.pids.marathon] : []), ...(info.pids.agents ?? []), ...(info.pids.masters ?? []), ...(info.pids.zookeeper ? [info.pids.zookeeper] : [])];
  for (const pid of daemons) if (isAlive(pid)) signal(pid, 'SIGTERM');
  await waitGone(daemons, 5000);
  if (!fs.existsSync(info.workDir)) return;
  const hosts = processesUnder(info.workDir);
  for (const pid of hosts) signal(pid, 'SIGTERM');
  await waitGone(hosts, 6000);
  const left = processesUnder(info.workDir);
  for (const pid of left) signal(pid, 'SIGKILL');
  await waitGone(left, 2000);
}
