// mesolite up --docker: the same cluster in Docker containers (ZooKeeper, masters, agents, the app
// and job frameworks). Loaded only for --docker, so the process mode never loads testcontainers.
import type { StartedMesoliteCluster } from '../cluster/docker';
import { CliError } from './errors';
import { endLine, tryLines, untilInterrupted } from './foreground';
import { selfCommand } from './self';

export interface DockerUpOptions {
  name: string;
  masters: number;
  agents: number;
  agentResources: string;
  marathon: boolean;
  chronos: boolean;
  dns: boolean;
  detach: boolean;
}

export async function upDocker(options: DockerUpOptions): Promise<number> {
  const { MesoliteCluster, ClusterExistsError, ImageUnavailableError, clusterGone } = await import('../cluster/docker');
  let cluster: StartedMesoliteCluster;
  try {
    cluster = await new MesoliteCluster()
      .withName(options.name).withMasters(options.masters).withAgents(options.agents)
      .withAgentResources(options.agentResources).withMarathon(options.marathon).withChronos(options.chronos).withDns(options.dns)
      .withProgress((step) => process.stdout.write(`${step}...\n`))
      .start();
  } catch (e) {
    if (e instanceof ClusterExistsError || e instanceof ImageUnavailableError) throw new CliError(e.message);
    throw new CliError(`Docker cluster '${options.name}' did not start: ${(e as Error).message.split('\n')[0]} (--verbose shows the last output of the member)`, { cause: e });
  }
  const { info } = cluster;
  const members = info.members.map((m) => `  ${m.name.padEnd(15)} ${m.url ?? `${m.ip}:${m.port}`}${m.url === info.leader ? '   (leading)' : ''}`);
  const named = info.name === 'local' ? '' : ` --name=${info.name}`;
  process.stdout.write([
    '',
    `Docker cluster '${info.name}' is up (network ${info.network}, ${info.subnet}).`,
    ...members,
    `  zookeeper URL   ${info.zookeeper}`,
    ...(info.dns ? [`  DNS             ${info.dns.address} (udp, tcp; the tasks' resolver)   (dig @${info.dns.address.split(':')[0]} leader.mesos)`] : []),
    `  logs            ${selfCommand()} logs master-1${named} --follow`,
    ...tryLines(info.name, info.zookeeper, info.marathon),
    '',
    endLine(info.name, options.detach, 'remove'),
    '',
  ].join('\n'));
  if (options.detach) return 0;
  const gone = clusterGone(info.name).then(() => `Cluster '${info.name}' was removed (mesolite down); exiting.`);
  await untilInterrupted('Removing the cluster...', () => cluster.down(), gone);
  return 0;
}
