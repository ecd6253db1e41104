// mesolite up: the embedded default — a master, agents and the app framework as local processes on
// loopback — or the same cluster in Docker (--docker). The cluster's state (registry, agents, apps)
// stays in its directory across up and down, as with k3d or minikube, unless --fresh.
import * as fs from 'node:fs';
import { parseFlags, type FlagSpecs } from '../common/flags';
import { startProcessCluster, stopProcessCluster, type ProcessClusterInfo } from '../cluster/process';
import { PortsInUseError } from '../cluster/ports';
import { clusterDir, clusterUnderName, readRecord, recordFile, removeRecord, writeRecord } from './cluster-files';
import { wantsHelp } from './daemon';
import { CliError } from './errors';
import { endLine, tryLines, untilInterrupted } from './foreground';
import { selfCommand } from './self';

const FLAGS = {
  agents: { type: 'int', help: 'Number of agents (default: 2, with --docker 3)' },
  masters: { type: 'int', help: 'Number of masters; more than one starts a local ZooKeeper and elects a leader (default: 1, with --docker 3)' },
  zk_port: { type: 'int', default: '2181', help: 'Port of the local ZooKeeper (with --masters > 1)' },
  name: { type: 'string', default: 'local', help: 'Name of the cluster' },
  port: { type: 'int', default: '5050', help: "First master's port; the other masters take the ports after it, the agents the free ports after those" },
  agent_resources: { type: 'string', default: 'cpus:4;mem:4096;disk:10000', help: 'Resources of each agent (a disjoint ports range is added)' },
  marathon: { type: 'bool', default: 'true', help: 'Start the Marathon-compatible app framework (--no-marathon to leave it out)' },
  marathon_port: { type: 'int', default: '8080', help: 'Port of the app framework\'s REST API' },
  chronos: { type: 'bool', default: 'true', help: 'Start the Chronos-compatible job framework (--no-chronos to leave it out)' },
  chronos_port: { type: 'int', default: '4400', help: 'Port of the job framework\'s REST API' },
  dns: { type: 'bool', default: 'true', help: 'Start the Mesos-DNS-compatible server: on a free 127.0.0.1 port, or with --docker as the tasks\' resolver (--no-dns to leave it out)' },
  detach: { type: 'bool', help: 'Return once the cluster is ready; stop it with mesolite down' },
  fresh: { type: 'bool', help: 'Start from an empty state: forget the registry, agents and apps kept from earlier runs (process mode)' },
  docker: { type: 'bool', help: 'Run the cluster in Docker containers: ZooKeeper, masters, agents, app framework (images: see README)' },
} satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number | void> {
  if (wantsHelp(argv, 'up', FLAGS)) return 0;
  const { values: flags } = parseFlags(FLAGS, argv);
  const name = flags.name!;
  flags.agents ??= flags.docker ? 3 : 2;
  flags.masters ??= flags.docker ? 3 : 1;
  if (flags.agents < 1) throw new CliError('--agents must be at least 1');
  if (flags.masters < 1) throw new CliError('--masters must be at least 1');
  await refuseTakenName(name);
  if (flags.docker) {
    const { upDocker } = await import('./up-docker');
    return upDocker({ name, masters: flags.masters, agents: flags.agents, agentResources: flags.agent_resources!, marathon: flags.marathon!, chronos: flags.chronos!, dns: flags.dns!, detach: flags.detach! });
  }
  const workDir = clusterDir(name);
  if (flags.fresh) fs.rmSync(workDir, { recursive: true, force: true });
  const kept = fs.existsSync(workDir);
  let info: ProcessClusterInfo;
  try {
    info = await startProcessCluster({
      name, workDir, agents: flags.agents, masters: flags.masters, zkPort: flags.zk_port!,
      masterPort: flags.port!,
      agentResources: flags.agent_resources!, marathonPort: flags.marathon ? flags.marathon_port! : undefined,
      chronosPort: flags.chronos ? flags.chronos_port! : undefined, dns: flags.dns, onProgress: (step) => process.stdout.write(`${step}...\n`),
    });
  } catch (e) {
    if (e instanceof PortsInUseError) throw new CliError(`Cluster '${name}' not started: ${portsAdvice(e)}`);
    throw new CliError(`Cluster '${name}' did not start: ${(e as Error).message}`, { cause: e });
  }
  writeRecord(info);
  process.stdout.write([
    '',
    `Local cluster '${info.name}' is up.`,
    ...(info.masters.length > 1
      ? [`  zookeeper       ${info.masterFlag}`, ...info.masters.map((m, i) => `  master-${i + 1}        ${m}${m === info.master ? '   (leading)' : ''}`)]
      : [`  master          ${info.master}   (state: ${info.master}/master/state)`]),
    ...info.agents.map((a, i) => `  agent-${i + 1}         ${a}`),
    ...(info.marathon ? [`  marathon        ${info.marathon}   (apps: ${info.marathon}/v2/apps)`] : []),
    ...(info.chronos ? [`  chronos         ${info.chronos}   (jobs: ${info.chronos}/v1/scheduler/jobs)`] : []),
    ...(info.dns ? [dnsLine(info.dns)] : []),
    `  scheduler API   POST ${info.master}/api/v1/scheduler`,
    `  operator API    POST ${info.master}/api/v1`,
    `  state           ${workDir}   (${kept ? 'kept from the last run' : 'new'}; up --fresh starts empty)`,
    `  logs            ${workDir}/logs`,
    ...tryLines(name, info.masterFlag, info.marathon),
    '',
    endLine(name, flags.detach!),
    '',
  ].join('\n'));
  if (flags.detach) return 0;
  await untilInterrupted('Stopping the cluster...', () => stopProcessCluster(info).finally(() => removeRecord(info)), recordRemoved(info));
  return 0;
}

/** One name, one cluster: refuse a name held by a running cluster of either mode, naming it. */
async function refuseTakenName(name: string): Promise<void> {
  const taken = await clusterUnderName(name);
  if (!taken) return;
  const down = `${selfCommand()} down --name=${name}`;
  throw new CliError(taken.mode === 'process'
    ? `Cluster '${name}' is already running as local processes (master ${taken.record.master}); stop it with: ${down}, or choose another --name`
    : `Cluster '${name}' is already running in Docker (${taken.containers} container(s)); remove it with: ${down}, or choose another --name`);
}

/** The taken ports, their holders, and the flags that move them. */
function portsAdvice(e: PortsInUseError): string {
  const flags = new Set(e.taken.map((t) => (t.member === 'ZooKeeper' ? '--zk_port=' : t.member === 'the app framework' ? '--marathon_port= (or --no-marathon)' : t.member === 'the job framework' ? '--chronos_port= (or --no-chronos)' : '--port=')));
  return `${e.message}; choose free ports with ${[...flags].join(' and ')}`;
}

/** Resolves when the cluster's record goes: `mesolite down` stopped the cluster from another shell. */
function recordRemoved(info: ProcessClusterInfo): Promise<string> {
  const file = recordFile(info.workDir);
  return new Promise((resolve) => {
    const onChange = () => {
      if (readRecord(info.name)) return;
      fs.unwatchFile(file, onChange);
      resolve(`Cluster '${info.name}' was stopped (mesolite down); exiting.`);
    };
    fs.watchFile(file, { interval: 500, persistent: false }, onChange);
  });
}

/** Where to ask the DNS server, over DNS and HTTP. */
function dnsLine(dns: { address: string; http: string }): string {
  const [host, port] = dns.address.split(':');
  return `  dns             ${dns.address} (udp, tcp)   (dig @${host} -p ${port} leader.mesos; HTTP ${dns.http}/v1/enumerate)`;
}
