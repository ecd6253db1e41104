// The embedded launcher: a master (or, with masters > 1, a local ZooKeeper and that many masters
// electing a leader), N agents as local processes on loopback, each agent with its own port and
// its own disjoint `ports` range, and the Marathon-compatible app framework. Shared by the CLI
// (`mesolite up`) and the extension.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getJson } from '../common/http';
import { isAlive, killGroup, selfInvocation } from '../common/process';
import { engineAnswers, removeTaskContainersUnder } from './docker/lookup';
import { checkPorts, freeDnsPorts, portFree, type PortUse } from './ports';

export interface ProcessClusterOptions {
  name: string;
  workDir: string;
  agents: number;
  masterPort: number;
  /** More than one: a local ZooKeeper (Debian's zkServer.sh) and masters with --zk and --quorum. */
  masters?: number;
  zkPort?: number;
  agentResources: string;
  /** Port of the Marathon-compatible app framework's REST API; undefined: no app framework. */
  marathonPort?: number;
  /** Port of the Chronos-compatible job framework's REST API; undefined: no job framework. */
  chronosPort?: number;
  /** Start the Mesos-DNS-compatible server (`mesolite dns`) on free 127.0.0.1 ports (default: true). */
  dns?: boolean;
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
  /** The job framework's REST API, when started. */
  chronos?: string;
  /** The DNS server (UDP and TCP at HOST:PORT) and its HTTP API, when started. */
  dns?: { address: string; http: string };
  pids: { masters: number[]; agents: number[]; zookeeper?: number; marathon?: number; chronos?: number; dns?: number };
}

/**
 * Whether a process still runs. A daemon whose starter has exited is reparented to init, which may reap
 * it only later: until then it is a zombie that signal 0 still finds, so /proc's state is asked too.
 */
export function isRunning(pid: number | undefined): boolean {
  if (!isAlive(pid)) return false;
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": the state follows the command, which may hold spaces.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): signal 0 is all there is
  }
}

const AGENT_PORTS_BASE = 31000;
const AGENT_PORTS_SPAN = 1000;

/** A daemon's log, from where this start began writing (the file is kept across starts). */
interface DaemonLog { file: string; from: number }

/** Daemons run in the logs directory, so that processesUnder(workDir) finds every one of them. */
function spawnDaemon(args: string[], log: string, cli?: ProcessClusterOptions['cli']): { pid: number; log: DaemonLog } {
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const out = fs.openSync(log, 'a');
  const from = fs.fstatSync(out).size;
  const self = cli ? { command: cli.command, args: [...cli.args, ...args] } : selfInvocation(...args);
  const child = spawn(self.command, self.args, { detached: true, stdio: ['ignore', out, out], cwd: path.dirname(log), env: cli?.env ?? process.env });
  fs.closeSync(out);
  child.unref();
  return { pid: child.pid!, log: { file: log, from } };
}

/** Why a daemon exited, in its own words: the last line it wrote in this start (the CLI prints errors as one line). */
function exitReason(name: string, log: DaemonLog): string {
  let written = '';
  try {
    const fd = fs.openSync(log.file, 'r');
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size - log.from, 4096);
    const buffer = Buffer.alloc(Math.max(0, length));
    fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    fs.closeSync(fd);
    written = buffer.toString('utf8');
  } catch {
    // no log: say where it would be
  }
  const last = written.split('\n').map((l) => l.trim()).filter(Boolean).pop();
  return `${name} exited${last ? `: ${last}` : ''} (log: ${log.file})`;
}

/** Polls until probe gives a value; a probe that throws Fatal ends the wait at once. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      if (e instanceof Fatal) throw new Error(e.message);
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
}

class Fatal extends Error {}

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
    const state = await getJson<{ leader?: string; leader_info?: { address?: { ip?: string; port?: number } } }>(`${m}/master/state`).catch(() => undefined); // a master not answering is not the leader
    const address = state?.leader_info?.address;
    if (state?.leader && address) return `http://${address.ip}:${address.port}`;
  }
  return undefined;
}

/** The ports the user chose (flags), by member: checked before anything starts. */
function portsOf(options: ProcessClusterOptions): PortUse[] {
  const count = Math.max(1, options.masters ?? 1);
  return [
    ...(count > 1 ? [{ port: options.zkPort ?? 2181, member: 'ZooKeeper' }] : []),
    ...Array.from({ length: count }, (_, i) => ({ port: options.masterPort + i, member: `master-${i + 1}` })),
    ...(options.marathonPort !== undefined ? [{ port: options.marathonPort, member: 'the app framework' }] : []),
    ...(options.chronosPort !== undefined ? [{ port: options.chronosPort, member: 'the job framework' }] : []),
  ];
}

/** Agents take the first free ports after the masters': no flag names them, so a taken one is passed over, not refused. */
async function agentPorts(options: ProcessClusterOptions): Promise<number[]> {
  const chosen = new Set(portsOf(options).map((u) => u.port));
  const ports: number[] = [];
  for (let port = options.masterPort + Math.max(1, options.masters ?? 1); ports.length < options.agents; port++) {
    if (port > 65535) throw new Error(`no free port above ${options.masterPort} for ${options.agents} agent(s); choose another --port`);
    if (!chosen.has(port) && (await portFree(port))) ports.push(port);
  }
  return ports;
}

/**
 * Starts the cluster and resolves once every daemon answers as this cluster's own (a master or app
 * framework of another cluster on the same port never counts). Fails with PortsInUseError before
 * starting anything when a port is taken, and with a daemon's own last words when it exits.
 */
export async function startProcessCluster(options: ProcessClusterOptions): Promise<ProcessClusterInfo> {
  const progress = (step: string) => {
    if (options.signal?.aborted) throw new Error('Start cancelled');
    options.onProgress?.(step);
  };
  await checkPorts(portsOf(options));
  const agentPortList = await agentPorts(options);
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
  const daemonLogs = new Map<number, { name: string; log: DaemonLog }>();
  const start = (name: string, args: string[]) => {
    const { pid, log } = spawnDaemon(args, path.join(logs, `${name}.log`), options.cli);
    daemonLogs.set(pid, { name, log });
    return pid;
  };
  const mustLive = (pids: number[]) => {
    const dead = pids.find((pid) => !isRunning(pid));
    if (dead !== undefined) throw new Fatal(exitReason(daemonLogs.get(dead)!.name, daemonLogs.get(dead)!.log));
  };
  try {
    if (zk) {
      progress('Starting ZooKeeper');
      info.pids.zookeeper = startZooKeeper(options.workDir, zkPort, path.join(logs, 'zookeeper.log'));
      daemonLogs.set(info.pids.zookeeper, { name: 'ZooKeeper', log: { file: path.join(logs, 'zookeeper.log'), from: 0 } });
    }
    progress(count > 1 ? `Starting ${count} masters` : 'Starting the master');
    for (let i = 0; i < count; i++) {
      const ha = zk ? [`--zk=${zk}`, `--quorum=${Math.floor(count / 2) + 1}`, '--zk_session_timeout=5secs'] : [];
      info.pids.masters.push(start(`master-${i + 1}`, [
        'master', '--ip=127.0.0.1', `--port=${options.masterPort + i}`, `--work_dir=${path.join(options.workDir, `master-${i + 1}`)}`, ...ha, ...(options.masterFlags ?? []),
      ]));
    }
    info.master = await waitFor('a leading master', 60_000, async () => {
      mustLive([...info.pids.masters, ...(info.pids.zookeeper ? [info.pids.zookeeper] : [])]);
      const leader = await leaderUrl(masters);
      if (leader) await mustBeOurs(leader, `${leader}/master/state`, (s: { flags?: { work_dir?: string } }) => s.flags?.work_dir?.startsWith(options.workDir + path.sep));
      return leader;
    });
    // Agents and the app framework need only a leading master: they start together.
    const marathon = options.marathonPort !== undefined;
    progress(`Starting ${options.agents} agent(s)${marathon ? ' and the app framework' : ''}`);
    // With an engine on this machine, agents run Docker-image tasks too (as the guides configure them).
    const containerizers = (await engineAnswers()) ? ['--containerizers=docker,mesos'] : [];
    for (let i = 0; i < options.agents; i++) {
      const port = agentPortList[i];
      const ports = `[${AGENT_PORTS_BASE + i * AGENT_PORTS_SPAN}-${AGENT_PORTS_BASE + (i + 1) * AGENT_PORTS_SPAN - 1}]`;
      info.pids.agents.push(start(`agent-${i + 1}`, [
        'agent', `--master=${info.masterFlag}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${path.join(options.workDir, `agent-${i + 1}`)}`,
        `--resources=${options.agentResources};ports:${ports}`, `--attributes=agent:agent-${i + 1}`, ...containerizers,
      ]));
      info.agents.push(`http://127.0.0.1:${port}`);
    }
    if (marathon) {
      // With ZooKeeper, the framework keeps its state there (and could run as several instances).
      const state = zk ? [`--zk=zk://127.0.0.1:${zkPort}/marathon`] : [`--work_dir=${path.join(options.workDir, 'marathon')}`];
      info.pids.marathon = start('marathon', ['marathon', `--master=${info.masterFlag}`, `--http_port=${options.marathonPort}`, ...state]);
      info.marathon = `http://127.0.0.1:${options.marathonPort}`;
    }
    if (options.chronosPort !== undefined) startChronos(info, options.chronosPort, zk ? `zk://127.0.0.1:${zkPort}/chronos` : undefined, start);
    if (options.dns ?? true) {
      const ports = await freeDnsPorts();
      // A local cluster's DNS keeps serving what it knows while ZooKeeper is away (no zkDetectionTimeout).
      const leaderFrom = zk ? [`--zk=${zk}`, '--zkDetectionTimeout=0'] : [`--masters=127.0.0.1:${options.masterPort}`];
      info.pids.dns = start('dns', ['dns', ...leaderFrom, `--port=${ports.dns}`, `--httpport=${ports.http}`]);
      info.dns = { address: `127.0.0.1:${ports.dns}`, http: `http://127.0.0.1:${ports.http}` };
    }
    await Promise.all([
      info.dns && waitFor('the DNS server', 30_000, async () => {
        mustLive([info.pids.dns!]);
        await mustBeOurs(info.dns!.http, `${info.dns!.http}/v1/config`, (c: { Zk?: string; Masters?: string[] }) => (zk ? c.Zk === zk : c.Masters?.[0] === info.masterFlag));
        return true;
      }),
      waitFor('every agent to register', 30_000, async () => {
        mustLive([...info.pids.masters, ...info.pids.agents]);
        const state = await getJson<{ activated_slaves: number }>(`${info.master}/master/state`);
        return state.activated_slaves >= options.agents ? true : undefined;
      }),
      marathon && waitFor('the app framework to subscribe', 30_000, async () => {
        mustLive([info.pids.marathon!]);
        const about = await mustBeOurs(info.marathon!, `${info.marathon}/v2/info`, (i: { frameworkId?: string | null; marathon_config?: { master?: string } }) => i.marathon_config?.master === info.masterFlag);
        return about.frameworkId ? true : undefined;
      }),
      info.chronos && waitFor('the job framework to subscribe', 30_000, async () => {
        mustLive([info.pids.chronos!]);
        return (await chronosSubscribed(info)) || undefined;
      }),
    ]);
    progress('Cluster ready');
    return info;
  } catch (e) {
    await stopProcessCluster(info);
    throw e;
  }
}

/** The Chronos-compatible job framework beside the app framework: its state in ZooKeeper when the masters use it, else in the cluster's directory. */
function startChronos(info: ProcessClusterInfo, port: number, zk: string | undefined, start: (name: string, args: string[]) => number): void {
  const state = zk ? [`--zk=${zk}`] : [`--work_dir=${path.join(info.workDir, 'chronos')}`];
  info.pids.chronos = start('chronos', ['chronos', `--master=${info.masterFlag}`, `--http_port=${port}`, ...state]);
  info.chronos = `http://127.0.0.1:${port}`;
}

/** Whether this cluster's leading master has the job framework at info.chronos subscribed (its web UI URL is its API): another program on that port never counts. */
async function chronosSubscribed(info: ProcessClusterInfo): Promise<boolean> {
  const state = await getJson<{ frameworks: Array<{ name: string; webui_url?: string; active: boolean }> }>(`${info.master}/master/state`);
  return state.frameworks.some((f) => f.name === 'chronos' && f.active && f.webui_url === info.chronos);
}

/** The daemon's answer at `url`, if it belongs to this cluster; another cluster's (same port, other host address) ends the start. */
async function mustBeOurs<T>(where: string, url: string, ours: (answer: T) => boolean | undefined): Promise<T> {
  const answer = await getJson<T>(url);
  if (!ours(answer)) throw new Fatal(`${where} answers, but not as a member of this cluster: another cluster or program serves there`);
  return answer;
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
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (isRunning(pid)) signal(pid, 'SIGKILL');
}

/** mesolite's own helpers of a running task (executor host, task launcher), by their command line. */
function isTaskHelper(pid: number): boolean {
  try {
    return /\0(executor-host|task-launcher)\0/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Stops the DNS server, the app framework, agents, masters and ZooKeeper, then executor hosts (which kill their tasks
 * by their kill policies) and the tasks, then anything left. Hosts are not waited for once their tasks
 * are gone: with the agent gone they have nobody to report to, and would only retry for seconds.
 */
export async function stopProcessCluster(info: { workDir: string; pids: Partial<ProcessClusterInfo['pids']> }): Promise<void> {
  const daemons = [...(info.pids.dns ? [info.pids.dns] : []), ...(info.pids.chronos ? [info.pids.chronos] : []), ...(info.pids.marathon ? [info.pids.marathon] : []), ...(info.pids.agents ?? []), ...(info.pids.masters ?? []), ...(info.pids.zookeeper ? [info.pids.zookeeper] : [])];
  for (const pid of daemons) if (isRunning(pid)) signal(pid, 'SIGTERM');
  await waitGone(daemons, 5000);
  if (!fs.existsSync(info.workDir)) return;
  const hosts = processesUnder(info.workDir);
  for (const pid of hosts) signal(pid, 'SIGTERM');
  await waitGone(hosts.filter((pid) => !isTaskHelper(pid)), 6000);
  const left = processesUnder(info.workDir);
  for (const pid of left) signal(pid, 'SIGKILL');
  await waitGone(left, 2000);
  // Docker tasks' containers (stopped by their executors by now) go with the cluster.
  await removeTaskContainersUnder(info.workDir);
}
