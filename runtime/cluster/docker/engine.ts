// The Docker engine as Mesolite uses it: testcontainers loaded lazily (daemons never pay for it),
// without Ryuk, and everything of a cluster found again by its labels, also from another process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { DOCKER_HOST_WORK_DIR_ENV } from '../../common/docker-labels';
import { CLUSTER_LABEL } from './lookup';

export { CLUSTER_LABEL };
export const MEMBER_LABEL = 'mesolite.member';
export const ROLE_LABEL = 'mesolite.role';

export const ZOOKEEPER_PORT = 2181;

export type Role = 'zookeeper' | 'master' | 'agent' | 'marathon' | 'chronos' | 'dns';
/** Teardown order: clients before what they depend on. */
const TEARDOWN: Role[] = ['dns', 'chronos', 'marathon', 'agent', 'master', 'zookeeper'];

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
  const workDirs = await agentHostWorkDirs(engine, containers);
  for (const role of [...TEARDOWN, undefined]) {
    const batch = containers.filter((c) => (role ? c.Labels[ROLE_LABEL] === role : !TEARDOWN.includes(c.Labels[ROLE_LABEL] as Role)));
    await Promise.all(batch.map((c) => engine.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone)));
  }
  const networks = await engine.listNetworks({ filters: clusterFilter(name) });
  await Promise.all(networks.map((n) => engine.getNetwork(n.Id).remove().catch(ignoreGone)));
  for (const dir of workDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // written by the agents as another user: left in the temporary directory, never used again (new with each start)
    }
  }
  return { containers: containers.length, networks: networks.length };
}

/** The host directories holding the agents' work_dirs (one per start of the cluster), from their containers' environment. */
async function agentHostWorkDirs(engine: Dockerode, containers: Dockerode.ContainerInfo[]): Promise<string[]> {
  const dirs = await Promise.all(containers.filter((c) => c.Labels[ROLE_LABEL] === 'agent').map(async (c) => {
    const env = (await engine.getContainer(c.Id).inspect().catch(() => undefined))?.Config.Env ?? [];
    const value = env.find((e) => e.startsWith(`${DOCKER_HOST_WORK_DIR_ENV}=`))?.slice(DOCKER_HOST_WORK_DIR_ENV.length + 1);
    return value ? [path.dirname(value)] : [];
  }));
  return [...new Set(dirs.flat())];
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
