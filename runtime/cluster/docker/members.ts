// One cluster member as a container: fixed IP on the cluster network, its port published on
// 127.0.0.1 only, labels that let `down`, `status` and `logs` find it from any process.
import type { GenericContainer, StartedTestContainer, WaitStrategy } from 'testcontainers';
import { CLUSTER_LABEL, loadTestcontainers, MEMBER_LABEL, ROLE_LABEL, type Role } from './engine';
import type { ClusterNetwork } from './network';

export const URL_LABEL = 'mesolite.url';
export const IP_LABEL = 'mesolite.ip';

export interface MemberSpec {
  cluster: string;
  name: string;
  role: Role;
  image: string;
  ip: string;
  port: number;
  command?: string[];
  environment?: Record<string, string>;
  /** The HTTP endpoint the member serves (not for ZooKeeper). */
  url?: string;
  /** Name servers for the container (Docker's --dns): its embedded resolver forwards to them what is not a container's name. */
  dns?: string[];
  /** Host paths mounted into it (an agent's: the engine's socket and its work_dir). */
  binds?: Array<{ source: string; target: string }>;
}

// Readiness is judged at the cluster level (leader elected, agents registered, ...), through the
// daemons' own APIs; a container counts as started once the engine has started it.
const started: WaitStrategy = {
  waitUntilReady: async () => undefined,
  withStartupTimeout() { return this; },
  isStartupTimeoutSet: () => false,
  getStartupTimeout: () => 0,
};

export async function startMember(spec: MemberSpec, network: ClusterNetwork, onLog?: (member: string, line: string) => void): Promise<StartedTestContainer> {
  const { GenericContainer } = await loadTestcontainers();
  class MemberContainer extends GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as Array<Array<{ HostIp?: string }>>) {
        for (const binding of bindings) binding.HostIp = '127.0.0.1';
      }
      this.createOpts.NetworkingConfig = { EndpointsConfig: { [network.name]: { IPAMConfig: { IPv4Address: spec.ip } } } };
      if (spec.dns) this.hostConfig.Dns = spec.dns;
    }
  }
  let container: GenericContainer = new MemberContainer(spec.image)
    .withName(`mesolite-${spec.cluster}-${spec.name}`)
    .withHostname(spec.name)
    .withLabels({ [CLUSTER_LABEL]: spec.cluster, [MEMBER_LABEL]: spec.name, [ROLE_LABEL]: spec.role, [IP_LABEL]: spec.ip, ...(spec.url ? { [URL_LABEL]: spec.url } : {}) })
    .withNetworkMode(network.name)
    .withExposedPorts(spec.port)
    .withEnvironment(spec.environment ?? {})
    .withWaitStrategy(started);
  if (spec.command) container = container.withCommand(spec.command);
  if (spec.binds) container = container.withBindMounts(spec.binds.map((b) => ({ ...b, mode: 'rw' as const })));
  if (onLog) {
    container = container.withLogConsumer((stream) => {
      let rest = '';
      stream.on('data', (chunk: Buffer | string) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) onLog(spec.name, line);
      });
    });
  }
  return container.start();
}
