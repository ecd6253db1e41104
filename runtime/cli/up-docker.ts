// mesolite up --docker: the same cluster in Docker containers (ZooKeeper, masters, agents, the app
// framework). Loaded only for --docker, so the process mode never loads testcontainers.
import type { StartedMesoliteCluster } from '../cluster/docker';

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
      .withAgentResources(`${options.agentResources};ports:[31000-32000]`).withMarathon(options.marathon)
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
    `  try             mesolite execute --master=${info.zookeeper} --name=hello --command='echo hello'`,
    ...(info.marathon ? [`                  curl -X POST -H 'Content-Type: application/json' ${info.marathon}/v2/apps -d '{"id":"hello","cmd":"while true; do echo hello; sleep 5; done","cpus":0.1,"mem":32}'`] : []),
    '',
    options.detach ? `Remove it with: mesolite down --name=${info.name}` : 'Press Ctrl+C to remove the cluster.',
    '',
  ].join('\n'));
  if (options.detach) return 0;
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = () => {
      clearInterval(keepAlive);
      process.stdout.write('\nRemoving the cluster...\n');
      cluster.down().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
