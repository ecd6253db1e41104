// The Docker engine as Mesolite uses it: testcontainers loaded lazily (daemons never pay for it),
// without Ryuk, and everything of a cluster found again by its labels, also from another process.
import type Dockerode from 'dockerode';
import { CLUSTER_LABEL } from './lookup';

export { CLUSTER_LABEL };
export const MEMBER_LABEL = 'mesolite.member';
export const ROLE_LABEL = 'mesolite.role';

export const ZOOKEEPER_PORT = 2181;

export type Role = 'zookeeper' | 'master' | 'agent' | 'marathon' | 'chronos';
/** Teardown order: clients before what they depend on. */
const TEARDOWN: Role[] = ['chronos', 'marathon', 'agent', 'master', 'zookeeper'];

export async function loadTestcontainers(): Promise<typeof import('testcontainers')> {
  // Ryuk would remove a cluster when the process that started it exits, but `up --detach` and the
  // extension need clusters that outlive their starter (and its image cannot be pulled offline):
  // clusters are removed by label instead.
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  return import('testcontainers');
}

export async function docker(): Promise<Dockerode> {
  const { getContainerRuntimeClient } = await loadTestcontainers();
  return (await getContainerRuntimeClient()).container.dockerode;
}

export const clusterFilter = (name?: string) => ({ label: [name ? `${CLUSTER_LABEL}=${name}` : CLUSTER_LABEL] });

export async function clusterContainers(name?: string): Promise<Dockerode.ContainerInfo[]> {
  return (await docker()).listContainers({ all: true, filters: clusterFilter(name) });
}

/** Resolves once the cluster has no container left (`down` from any process), told by the engine's events. */
export async function clusterGone(name: string): Promise<void> {
  const engine = await docker();
  const events = await engine.getEvents({ filters: { type: ['container'], event: ['destroy'], label: [`${CLUSTER_LABEL}=${name}`] } });
  await new Promise<void>((resolve) => {
    events.on('data', () => {
      void clusterContainers(name).then((left) => {
        if (left.length > 0) return;
        (events as unknown as { destroy(): void }).destroy();
        resolve();
      }, () => undefined); // the engine went away: Ctrl+C still ends `up`
    });
  });
}

/** The container of one member (`master-1`, `agent-2`, ...) of a cluster. */
export async function memberContainer(cluster: string, member: string): Promise<Dockerode.Container> {
  const found = (await clusterContainers(cluster)).find((c) => c.Labels[MEMBER_LABEL] === member);
  if (!found) throw new Error(`Cluster '${cluster}' has no member '${member}'`);
  return (await docker()).getContainer(found.Id);
}

/**
 * Removes every container and network labelled with the cluster's name (leftovers of a crashed run
 * included), containers in teardown order. Returns how many of each it removed.
 */
export async function removeCluster(name: string): Promise<{ containers: number; networks: number }> {
  const engine = await docker();
  const containers = await clusterContainers(name);
  for (const role of [...TEARDOWN, undefined]) {
    const batch = containers.filter((c) => (role ? c.Labels[ROLE_LABEL] === role : !TEARDOWN.includes(c.Labels[ROLE_LABEL] as Role)));
    await Promise.all(batch.map((c) => engine.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone)));
  }
  const networks = await engine.listNetworks({ filters: clusterFilter(name) });
  await Promise.all(networks.map((n) => engine.getNetwork(n.Id).remove().catch(ignoreGone)));
  return { containers: containers.length, networks: networks.length };
}

function ignoreGone(e: { statusCode?: number }): void {
  if (e.statusCode !== 404 && e.statusCode !== 409) throw e;
}

/** Docker's multiplexed log format (no TTY): 8-byte frame headers before each chunk. */
export function demux(buffer: Buffer): string {
  let out = '';
  for (let i = 0; i + 8 <= buffer.length;) {
    const size = buffer.readUInt32BE(i + 4);
    out += buffer.subarray(i + 8, i + 8 + size).toString();
    i += 8 + size;
  }
  return out;
}
