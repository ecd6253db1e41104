// The one task builder: an app's instance as Mesos' TaskInfo (command or args, Marathon's task
// environment, fetch URIs, labels, discovery info, the Mesos-side health check, container, kill
// policy). Pure: the instance already holds its agent, host and ports from the offer it goes to.
import type { CommandInfo, ContainerInfo, DockerInfo, HealthCheck, Resource, TaskInfo, Volume } from '../../common/protocol/v1';
import { isMarathonSide, type AppDefinition } from './app';
import { networkOf, taskPorts, type TaskPort } from './networking';
import type { Instance } from './state';

export function taskInfo(app: AppDefinition, i: Instance, resources: Resource[]): TaskInfo {
  const ports = taskPorts(app, i.ports);
  const environment = { variables: Object.entries(taskEnvironment(app, i, ports)).map(([name, value]) => ({ name, value })) };
  const uris = app.fetch.map((f) => ({ value: f.uri, executable: f.executable, extract: f.extract, cache: f.cache, ...(f.destPath ? { output_file: f.destPath } : {}) }));
  const docker = app.container && (app.container.type ?? 'DOCKER') === 'DOCKER';
  // A Docker app without cmd or args runs its image's own command; args follow the image's entrypoint, as in Marathon.
  const command: CommandInfo = app.args?.length
    ? { shell: false, ...(docker ? {} : { value: app.args[0] }), arguments: app.args, environment, uris }
    : app.cmd === undefined && docker ? { shell: false, environment, uris } : { shell: true, value: app.cmd ?? '', environment, uris };
  const mesosCheck = app.healthChecks.find((h) => !isMarathonSide(h));
  const name = app.id.slice(1).split('/').reverse().join('.');
  return {
    name,
    task_id: { value: i.taskId },
    agent_id: { value: i.agentId },
    resources,
    command,
    labels: { labels: Object.entries(app.labels).map(([key, value]) => ({ key, value })) },
    discovery: {
      visibility: 'FRAMEWORK', name,
      ports: { ports: ports.map((p) => ({ number: p.hostPort ?? p.containerPort ?? 0, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) })) },
    },
    ...(mesosCheck ? { health_check: mesosHealthCheck(mesosCheck, i, ports, networkOf(app).mode !== 'host') } : {}),
    ...(app.container ? { container: mesosContainer(app, ports) } : {}),
    ...(app.taskKillGracePeriodSeconds !== undefined ? { kill_policy: { grace_period: nanoseconds(app.taskKillGracePeriodSeconds) } } : {}),
  };
}

/** A duration in seconds as Mesos' DurationInfo. */
export const nanoseconds = (seconds: number) => ({ nanoseconds: Math.round(seconds * 1e9) });

/**
 * The environment Marathon gives a task: the app's env plus MARATHON_APP_*, HOST and the PORT variables
 * (each port's host port; a container port that has no host port stands for itself).
 */
function taskEnvironment(app: AppDefinition, i: Instance, ports: TaskPort[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(app.env)) if (typeof value === 'string') env[name] = value;
  Object.assign(env, {
    MARATHON_APP_ID: app.id, MARATHON_APP_VERSION: app.version, MESOS_TASK_ID: i.taskId, HOST: i.host,
    MARATHON_APP_RESOURCE_CPUS: String(app.cpus), MARATHON_APP_RESOURCE_MEM: String(app.mem), MARATHON_APP_RESOURCE_DISK: String(app.disk), MARATHON_APP_RESOURCE_GPUS: String(app.gpus),
    MARATHON_APP_LABELS: Object.keys(app.labels).join(' '),
  });
  for (const [key, value] of Object.entries(app.labels)) if (/^[A-Za-z0-9_]+$/.test(key)) env[`MARATHON_APP_LABEL_${key.toUpperCase()}`] = value;
  const numbers = ports.map((p) => p.hostPort ?? p.containerPort).filter((n) => n !== undefined);
  if (numbers.length) {
    env.PORTS = numbers.join(',');
    env.PORT = String(numbers[0]);
  }
  ports.forEach((p, n) => {
    const port = p.hostPort ?? p.containerPort;
    if (port === undefined) return;
    env[`PORT${n}`] = String(port);
    if (p.servicePort) env[`PORT_${p.servicePort}`] = String(port);
    if (p.name) env[`PORT_${p.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`] = String(port);
  });
  return env;
}

interface AppDocker { image?: string; privileged?: boolean; parameters?: Array<{ key: string; value: string }>; forcePullImage?: boolean }
interface AppVolume { containerPath: string; hostPath?: string; mode?: 'RW' | 'RO' }

const DOCKER_NETWORKS = { host: 'HOST', 'container/bridge': 'BRIDGE', container: 'USER' } as const;

/** Marathon's container as Mesos' ContainerInfo (the agent decides whether it can run it). */
function mesosContainer(app: AppDefinition, ports: TaskPort[]): ContainerInfo | Record<string, unknown> {
  const container = app.container as { type?: string; docker?: AppDocker; volumes?: AppVolume[] };
  const type = container.type ?? 'DOCKER';
  const image = container.docker?.image;
  if (type === 'MESOS') return { type, ...(image ? { mesos: { image: { type: 'DOCKER', docker: { name: image } } } } : {}) };
  const d = container.docker ?? {};
  const network = networkOf(app);
  const docker: DockerInfo = {
    image: image ?? '', network: DOCKER_NETWORKS[network.mode],
    ...(network.mode !== 'host' ? {
      port_mappings: ports.flatMap((p) => (p.hostPort === undefined ? [] : [{ host_port: p.hostPort, container_port: p.containerPort ?? p.hostPort, protocol: p.protocol }])),
    } : {}),
    ...(d.privileged ? { privileged: true } : {}),
    ...(d.parameters?.length ? { parameters: d.parameters.map(({ key, value }) => ({ key, value })) } : {}),
    ...(d.forcePullImage ? { force_pull_image: true } : {}),
  };
  const volumes: Volume[] = (container.volumes ?? []).map((v) => ({ container_path: v.containerPath, ...(v.hostPath ? { host_path: v.hostPath } : {}), mode: v.mode ?? 'RW' }));
  return {
    type: 'DOCKER', docker, ...(volumes.length ? { volumes } : {}),
    ...(network.mode === 'container' && network.name ? { network_infos: [{ name: network.name }] } : {}),
  };
}

/**
 * An app's Mesos-level check (MESOS_HTTP, MESOS_HTTPS, MESOS_TCP, COMMAND) as Mesos' HealthCheck. With
 * container networking Mesos checks in the container's network: the port is the mapping's container port.
 */
function mesosHealthCheck(h: AppDefinition['healthChecks'][number], i: Instance, ports: TaskPort[], inContainer: boolean): HealthCheck {
  const mapped = ports[h.portIndex ?? 0];
  const port = h.port ?? (inContainer ? mapped?.containerPort ?? mapped?.hostPort ?? 0 : i.ports[h.portIndex ?? 0]);
  const timing = {
    delay_seconds: h.delaySeconds ?? 15, interval_seconds: h.intervalSeconds, timeout_seconds: h.timeoutSeconds,
    consecutive_failures: h.maxConsecutiveFailures, grace_period_seconds: h.gracePeriodSeconds,
  };
  switch (h.protocol) {
    case 'COMMAND': return { type: 'COMMAND', command: { shell: true, value: h.command?.value ?? '' }, ...timing };
    case 'MESOS_TCP': return { type: 'TCP', tcp: { port }, ...timing };
    default: return { type: 'HTTP', http: { scheme: h.protocol === 'MESOS_HTTPS' ? 'https' : 'http', port, path: h.path ?? '/' }, ...timing };
  }
}
