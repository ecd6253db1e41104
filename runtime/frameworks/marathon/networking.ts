// An app's networking as Marathon 1.5 reads it: `networks` (host, container/bridge, container) or the
// legacy `container.docker.network`, and its ports: portDefinitions with host networking, the
// container's portMappings otherwise (`container.portMappings`, or the legacy `container.docker.portMappings`).
// A mapping's hostPort 0 (the default with bridge networking) takes any port of the offer; with
// container networking a mapping without a hostPort takes none.
import type { AppDefinition } from './app';

export type NetworkMode = 'host' | 'container/bridge' | 'container';

export interface PortMapping {
  containerPort?: number;
  hostPort?: number;
  servicePort?: number;
  protocol?: string;
  name?: string;
  labels?: Record<string, string>;
}

interface AppContainer {
  type?: string;
  docker?: { network?: string; portMappings?: PortMapping[] };
  portMappings?: PortMapping[];
}

const LEGACY_MODES: Record<string, NetworkMode> = { HOST: 'host', BRIDGE: 'container/bridge', USER: 'container' };

/** The app's network mode and, for container networking, the network's name. */
export function networkOf(app: Pick<AppDefinition, 'container' | 'networks'>): { mode: NetworkMode; name?: string } {
  const { networks } = app;
  if (networks?.length) return { mode: networks[0].mode ?? 'container', ...(networks[0].name ? { name: networks[0].name } : {}) };
  const legacy = (app.container as AppContainer | undefined)?.docker?.network;
  // Docker's own network 'none': a container network of that name.
  if (legacy === 'NONE') return { mode: 'container', name: 'none' };
  return { mode: (legacy && LEGACY_MODES[legacy]) || 'host' };
}

/** The container's port mappings (either place), or undefined when it has none. */
export function portMappingsOf(app: Pick<AppDefinition, 'container'>): PortMapping[] | undefined {
  const container = app.container as AppContainer | undefined;
  return container?.portMappings ?? container?.docker?.portMappings;
}

/** One port of an instance: what the task environment and discovery info say of it. */
export interface TaskPort { hostPort?: number; containerPort?: number; protocol: string; name?: string; servicePort?: number }

/**
 * The host ports an instance takes from its offer, in order: a number for that very port, undefined for
 * any free one. With host networking one per port definition (the service port itself with requirePorts).
 */
export function hostPortRequests(app: AppDefinition): Array<number | undefined> {
  const { mode } = networkOf(app);
  if (mode === 'host') return app.portDefinitions.map((p) => (app.requirePorts ? p.port : undefined));
  return (portMappingsOf(app) ?? []).flatMap((m) => {
    const hostPort = m.hostPort ?? (mode === 'container/bridge' ? 0 : undefined);
    return hostPort === undefined ? [] : [hostPort === 0 ? undefined : hostPort];
  });
}

/** The instance's ports with the host ports its offer gave (`hostPorts`, in hostPortRequests' order). */
export function taskPorts(app: AppDefinition, hostPorts: number[]): TaskPort[] {
  const { mode } = networkOf(app);
  if (mode === 'host') {
    return hostPorts.map((hostPort, n) => ({ hostPort, protocol: app.portDefinitions[n]?.protocol ?? 'tcp', name: app.portDefinitions[n]?.name, servicePort: app.portDefinitions[n]?.port }));
  }
  let next = 0;
  return (portMappingsOf(app) ?? []).map((m) => {
    const takesHostPort = m.hostPort !== undefined || mode === 'container/bridge';
    const hostPort = takesHostPort ? hostPorts[next++] : undefined;
    // containerPort 0 means "the same as the host port".
    const containerPort = m.containerPort ? m.containerPort : hostPort;
    return { hostPort, containerPort, protocol: m.protocol ?? 'tcp', name: m.name, servicePort: m.servicePort };
  });
}
