// mesolite up --docker: the same cluster in Docker containers (ZooKeeper, masters, agents, the app
// framework). Loaded only for --docker, so the process mode never loads testcontainers.
import type { StartedMesoliteCluster } from '../cluster/docker';
import { tryLines, untilInterrupted } from './foreground';

export interface DockerUpOptions {
  name: string;
  masters: number;
  agents: number;
  agentResources: string;
  marathon: boolean;
  detach: boolean;
}

export async function upDocker(options: DockerUpOptions): Promise<number> {
  const { MesoliteCluster, ClusterExistsError } = await import('../cluster/docker');
  let cluster: StartedMesoliteCluster;
  try {
    cluster = await new MesoliteCluster()
      .withName(options.name).withMasters(options.masters).withAgents(options.agents)
      .withAgentResources(options.agentResources).withMarathon(options.marathon)
      .withProgress((step) => process.stdout.write(`${step}...\n`))
      .start();
  } catch (e) {
    if (e instanceof ClusterExistsError) { process.stderr.write(`${e.message}\n`); return 1; }
    throw e;
  }
  const { info } = cluster;
  const members = info.members.map((m) => `  ${m.name.padEnd(15)} ${m.url ?? `${m.ip}:${m.port}`}${m.url === info.leader ? '   (leading)' : ''}`);
  process.stdout.write([
    '',
    `Docker cluster '${info.name}' is up (network ${info.network}, ${info.subnet}).`,
    ...members,
    `  zookeeper URL   ${info.zookeeper}`,
    `  logs            mesolite logs master-1 --name=${info.name} [--follow]`,
    ...tryLines(info.zookeeper, info.marathon),
    '',
    options.detach ? `Remove it with: mesolite down --name=${info.name}` : 'Press Ctrl+C to remove the cluster.',
    '',
  ].join('\n'));
  if (options.detach) return 0;
  await untilInterrupted('Removing the cluster...', () => cluster.down());
  return 0;
}
