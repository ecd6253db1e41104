// The embedded launcher: a master and N agents as local processes on loopback, each agent with its
// own port and its own disjoint `ports` range. Shared by the CLI (`mesolite up`) and the extension.
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
  firstAgentPort: number;
  agentResources: string;
  /** Extra flags for every daemon (e.g. --allocation_interval=100ms for tests). */
  masterFlags?: string[];
  onProgress?: (step: string) => void;
}

export interface ProcessClusterInfo {
  name: string;
  workDir: string;
  master: string;
  agents: string[];
  pids: { master: number; agents: number[] };
}

const AGENT_PORTS_BASE = 31000;
const AGENT_PORTS_SPAN = 1000;

function spawnDaemon(args: string[], logFile: string): number {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const self = selfInvocation(...args);
  const child = spawn(self.command, self.args, { detached: true, stdio: ['ignore', out, out] });
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

export async function startProcessCluster(options: ProcessClusterOptions): Promise<ProcessClusterInfo> {
  const progress = options.onProgress ?? (() => undefined);
  fs.mkdirSync(options.workDir, { recursive: true });
  const logs = path.join(options.workDir, 'logs');
  const master = `http://127.0.0.1:${options.masterPort}`;
  progress('Starting the master');
  const masterPid = spawnDaemon(['master', '--ip=127.0.0.1', `--port=${options.masterPort}`, `--work_dir=${path.join(options.workDir, 'master')}`, ...(options.masterFlags ?? [])], path.join(logs, 'master.log'));
  const info: ProcessClusterInfo = { name: options.name, workDir: options.workDir, master, agents: [], pids: { master: masterPid, agents: [] } };
  try {
    await waitFor('the master to answer /health', 15_000, async () => {
      if (!isAlive(masterPid)) throw new Error(`the master exited; see ${path.join(logs, 'master.log')}`);
      return (await getJson<Record<string, unknown>>(`${master}/master/state`)).id ? true : undefined;
    });
    progress(`Starting ${options.agents} agent(s)`);
    for (let i = 0; i < options.agents; i++) {
      const port = options.firstAgentPort + i;
      const ports = `[${AGENT_PORTS_BASE + i * AGENT_PORTS_SPAN}-${AGENT_PORTS_BASE + (i + 1) * AGENT_PORTS_SPAN - 1}]`;
      const pid = spawnDaemon([
        'agent', `--master=127.0.0.1:${options.masterPort}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${path.join(options.workDir, `agent-${i + 1}`)}`,
        `--resources=${options.agentResources};ports:${ports}`, `--attributes=agent:agent-${i + 1}`,
      ], path.join(logs, `agent-${i + 1}.log`));
      info.pids.agents.push(pid);
      info.agents.push(`http://127.0.0.1:${port}`);
    }
    await waitFor('every agent to register', 30_000, async () => {
      for (const pid of info.pids.agents) if (!isAlive(pid)) throw new Error(`an agent exited; see the logs in ${logs}`);
      const state = await getJson<{ activated_slaves: number }>(`${master}/master/state`);
      return state.activated_slaves >= options.agents ? true : undefined;
    });
    progress('Cluster ready');
    return info;
  } catch (e) {
    await stopProcessCluster(info);
    throw e;
  }
}

/** Executor hosts and tasks run in sessions of their own: find them by their working directory. */
function processesUnder(dir: string): number[] {
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

/** Stops agents and master, then executor hosts (which kill their tasks), then anything left. */
export async function stopProcessCluster(info: Pick<ProcessClusterInfo, 'pids' | 'workDir'>): Promise<void> {
  const daemons = [...info.pids.agents, info.pids.master];
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
