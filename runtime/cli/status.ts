// mesolite status: a short view of a cluster from its master's /master/state.
import { parseFlags, type FlagSpecs } from '../common/flags';
import { leaderUrl } from '../cluster/process';
import { getJson } from '../common/http';
import { clusterUnderName } from './cluster-files';
import { wantsHelp } from './daemon';
import { CliError } from './errors';
import { selfCommand } from './self';

const FLAGS = {
  name: { type: 'string', default: 'local', help: 'Name of a cluster started with up' },
  master: { type: 'string', help: 'Master HOST:PORT (instead of --name)' },
  json: { type: 'bool', help: 'Print /master/state as JSON' },
} satisfies FlagSpecs;

interface State {
  id: string; leader: string; hostname: string; activated_slaves: number;
  slaves: Array<{ id: string; pid: string; hostname: string; active: boolean; resources: Record<string, number | string>; used_resources: Record<string, number | string> }>;
  frameworks: Array<{ id: string; name: string; active: boolean; webui_url?: string; tasks: Array<{ id: string; state: string; slave_id: string }> }>;
}

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'status', FLAGS)) return 0;
  const { values: flags } = parseFlags(FLAGS, argv);
  const running = flags.master ? undefined : await clusterUnderName(flags.name!);
  const record = running?.mode === 'process' ? running.record : undefined;
  const docker = running?.mode === 'docker' ? await dockerMembers(flags.name!) : undefined;
  const master = flags.master ? (flags.master.startsWith('http') ? flags.master : `http://${flags.master}`)
    : record ? ((await leaderUrl(record.masters)) ?? record.master) : docker?.leader;
  if (!master) {
    throw new CliError(running ? `No master of cluster '${flags.name}' leads yet: try again in a few seconds`
      : `No cluster named '${flags.name}' is running: start one with ${selfCommand()} up, or pass --master=HOST:PORT`);
  }
  let state: State;
  try {
    state = await getJson<State>(`${master}/master/state`);
  } catch (e) {
    throw new CliError(`The master at ${master} does not answer (${(e as Error).message}): is the cluster running?`);
  }
  if (flags.json) { process.stdout.write(`${JSON.stringify(state, null, 2)}\n`); return 0; }
  const lines = [...(docker?.lines ?? []), `Master  ${master}  leader ${state.leader}  id ${state.id}`, ...(record?.dns ? [`DNS     ${record.dns.address} (udp, tcp)  HTTP ${record.dns.http}`] : []), '', `Agents (${state.activated_slaves} active)`];
  for (const a of state.slaves) {
    lines.push(`  ${a.id}  ${a.pid}  ${a.active ? 'active' : 'inactive'}  cpus ${a.used_resources.cpus}/${a.resources.cpus}  mem ${a.used_resources.mem}/${a.resources.mem}  disk ${a.used_resources.disk}/${a.resources.disk}`);
  }
  lines.push('', `Frameworks (${state.frameworks.length})`);
  for (const f of state.frameworks) {
    const running = f.tasks.filter((t) => t.state === 'TASK_RUNNING').length;
    lines.push(`  ${f.id}  ${f.name}  ${f.active ? 'active' : 'inactive'}  tasks ${f.tasks.length} (${running} running)${f.webui_url ? `  ${f.webui_url}` : ''}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** A Docker cluster's members and their container states, with its leader; undefined when none exists. */
async function dockerMembers(name: string): Promise<{ leader?: string; lines: string[] } | undefined> {
  const { connectToCluster, clusterContainers } = await import('../cluster/docker');
  const cluster = await connectToCluster(name).catch(() => undefined); // none by that name: said below
  if (!cluster) return undefined;
  const states = new Map((await clusterContainers(name)).map((c) => [c.Labels['mesolite.member'], c.State]));
  const lines = [`Docker cluster '${name}' (network ${cluster.info.network}, ZooKeeper ${cluster.info.zookeeper})`];
  for (const m of cluster.info.members) lines.push(`  ${m.name.padEnd(14)} ${(m.url ?? `${m.ip}:${m.port}`).padEnd(26)} ${states.get(m.name)}`);
  return { leader: cluster.info.leader || undefined, lines: [...lines, ''] };
}
