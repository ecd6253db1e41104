// mesolite up: the embedded default — a master, agents and the app framework as local processes on loopback.
import * as fs from 'node:fs';
import { parseFlags, type FlagSpecs } from '../common/flags';
import { startProcessCluster, stopProcessCluster } from '../cluster/process';
import { clusterDir, readRecord, writeRecord } from './cluster-files';
import { wantsHelp } from './daemon';
import { tryLines, untilInterrupted } from './foreground';
import { isAlive } from '../common/process';

const FLAGS = {
  agents: { type: 'int', help: 'Number of agents (default: 2, with --docker 3)' },
  masters: { type: 'int', help: 'Number of masters; more than one starts a local ZooKeeper and elects a leader (default: 1, with --docker 3)' },
  zk_port: { type: 'int', default: '2181', help: 'Port of the local ZooKeeper (with --masters > 1)' },
  name: { type: 'string', default: 'local', help: 'Name of the cluster' },
  port: { type: 'int', default: '5050', help: "First master's port; the other masters, then the agents, take the ports after it" },
  agent_resources: { type: 'string', default: 'cpus:4;mem:4096;disk:10000', help: 'Resources of each agent (a disjoint ports range is added)' },
  marathon: { type: 'bool', default: 'true', help: 'Start the Marathon-compatible app framework (--no-marathon to leave it out)' },
  marathon_port: { type: 'int', default: '8080', help: 'Port of the app framework\'s REST API' },
  detach: { type: 'bool', help: 'Return once the cluster is ready; stop it with mesolite down' },
  docker: { type: 'bool', help: 'Run the cluster in Docker containers: ZooKeeper, masters, agents, app framework (images: see README)' },
} satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number | void> {
  if (wantsHelp(argv, 'up', FLAGS)) return 0;
  const { values: flags } = parseFlags(FLAGS, argv);
  flags.agents ??= flags.docker ? 3 : 2;
  flags.masters ??= flags.docker ? 3 : 1;
  if (flags.agents < 1) { process.stderr.write('--agents must be at least 1\n'); return 1; }
  if (flags.masters < 1) { process.stderr.write('--masters must be at least 1\n'); return 1; }
  if (flags.docker) {
    const { upDocker } = await import('./up-docker');
    return upDocker({ name: flags.name!, masters: flags.masters, agents: flags.agents, agentResources: flags.agent_resources!, marathon: flags.marathon!, detach: flags.detach! });
  }
  const existing = readRecord(flags.name!);
  if (existing && existing.pids.masters?.some(isAlive)) {
    process.stderr.write(`Cluster '${flags.name}' is already running (master ${existing.master}); stop it with: mesolite down --name=${flags.name}\n`);
    return 1;
  }
  const workDir = clusterDir(flags.name!);
  fs.rmSync(workDir, { recursive: true, force: true });
  const info = await startProcessCluster({
    name: flags.name!, workDir, agents: flags.agents!, masters: flags.masters!, zkPort: flags.zk_port!,
    masterPort: flags.port!, firstAgentPort: flags.port! + flags.masters!,
    agentResources: flags.agent_resources!, marathonPort: flags.marathon ? flags.marathon_port! : undefined, onProgress: (step) => process.stdout.write(`${step}...\n`),
  });
  writeRecord(info);
  process.stdout.write([
    '',
    `Local cluster '${info.name}' is up.`,
    ...(info.masters.length > 1
      ? [`  zookeeper       ${info.masterFlag}`, ...info.masters.map((m, i) => `  master-${i + 1}        ${m}${m === info.master ? '   (leading)' : ''}`)]
      : [`  master          ${info.master}   (state: ${info.master}/master/state)`]),
    ...info.agents.map((a, i) => `  agent-${i + 1}         ${a}`),
    ...(info.marathon ? [`  marathon        ${info.marathon}   (apps: ${info.marathon}/v2/apps)`] : []),
    `  scheduler API   POST ${info.master}/api/v1/scheduler`,
    `  operator API    POST ${info.master}/api/v1`,
    `  logs            ${workDir}/logs`,
    ...tryLines(info.masterFlag, info.marathon),
    '',
    flags.detach ? `Stop it with: mesolite down --name=${info.name}` : 'Press Ctrl+C to stop the cluster.',
    '',
  ].join('\n'));
  if (flags.detach) return 0;
  await untilInterrupted('Stopping the cluster...', () => stopProcessCluster(info).finally(() => fs.rmSync(`${workDir}/cluster.json`, { force: true })));
  return 0;
}
