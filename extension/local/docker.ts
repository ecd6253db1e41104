// Docker mode: the Docker launcher (runtime/cluster/docker), which esbuild bundles apart into
// dist/mesolite-docker.js; it is loaded here on first use, so activation never parses testcontainers.
import { streamSource, type LogSource } from '../logs/panel';
import { mastersFor, type Settings } from '../settings';
import type { StartedCluster } from './local';

const launcher = () => import('../../runtime/cluster/docker');

/** The Docker cluster of that name, if one runs (e.g. kept running by a window since closed); throws when no engine answers. */
export async function existingDocker(name: string): Promise<StartedCluster | undefined> {
  const cluster = await (await launcher()).connectToCluster(name);
  return cluster && { mode: 'docker', ...cluster.info };
}

export async function startDocker(s: Settings, report: (step: string) => void, signal: AbortSignal): Promise<StartedCluster> {
  const { MesoliteCluster } = await launcher();
  const cluster = await new MesoliteCluster()
    .withName(s.clusterName).withMasters(mastersFor(s, 'docker')).withAgents(s.agents).withAgentResources(s.agentResources).withMarathon().withChronos(s.chronosPort !== 0)
    // Empty settings leave the launcher's choice: MESOLITE_*_IMAGE, else the public images.
    .withImages({ ...(s.images.runtime ? { node: s.images.runtime } : {}), ...(s.images.zookeeper ? { zookeeper: s.images.zookeeper } : {}) })
    .withSignal(signal).withProgress(report)
    .start();
  return { mode: 'docker', ...cluster.info };
}

export async function removeDockerCluster(name: string): Promise<void> {
  await (await launcher()).removeCluster(name);
}

/** The member's container log (stdout and stderr together), followed. */
export function dockerLogs(cluster: string, member: string): LogSource {
  return streamSource(async () => (await launcher()).memberLogs(cluster, member, { follow: true }));
}
