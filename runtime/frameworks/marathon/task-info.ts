// The one task builder: an app's instance as Mesos' TaskInfo (command or args, Marathon's task
// environment, fetch URIs, labels, discovery info, the Mesos-side health check, container, kill
// policy). Pure: the instance already holds its agent, host and ports from the offer it goes to.
import type { CommandInfo, HealthCheck, Resource, TaskInfo } from '../../common/protocol/v1';
import { isMarathonSide, type AppDefinition } from './app';
import type { Instance } from './state';

export function taskInfo(app: AppDefinition, i: Instance, resources: Resource[]): TaskInfo {
  const environment = { variables: Object.entries(taskEnvironment(app, i)).map(([name, value]) => ({ name, value })) };
  const uris = app.fetch.map((f) => ({ value: f.uri, executable: f.executable, extract: f.extract, cache: f.cache, ...(f.destPath ? { output_file: f.destPath } : {}) }));
  const command: CommandInfo = app.args?.length
    ? { shell: false, value: app.args[0], arguments: app.args, environment, uris }
    : { shell: true, value: app.cmd ?? '', environment, uris };
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
      ports: { ports: i.ports.map((number, n) => ({ number, protocol: app.portDefinitions[n]?.protocol ?? 'tcp', ...(app.portDefinitions[n]?.name ? { name: app.portDefinitions[n].name } : {}) })) },
    },
    ...(mesosCheck ? { health_check: mesosHealthCheck(mesosCheck, i) } : {}),
    ...(app.container ? { container: mesosContainer(app.container) } : {}),
    ...(app.taskKillGracePeriodSeconds !== undefined ? { kill_policy: { grace_period: nanoseconds(app.taskKillGracePeriodSeconds) } } : {}),
  };
}

/** A duration in seconds as Mesos' DurationInfo. */
export const nanoseconds = (seconds: number) => ({ nanoseconds: Math.round(seconds * 1e9) });

/** The environment Marathon gives a task: the app's env plus MARATHON_APP_*, HOST and the PORT variables. */
function taskEnvironment(app: AppDefinition, i: Instance): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(app.env)) if (typeof value === 'string') env[name] = value;
  Object.assign(env, {
    MARATHON_APP_ID: app.id, MARATHON_APP_VERSION: app.version, MESOS_TASK_ID: i.taskId, HOST: i.host,
    MARATHON_APP_RESOURCE_CPUS: String(app.cpus), MARATHON_APP_RESOURCE_MEM: String(app.mem), MARATHON_APP_RESOURCE_DISK: String(app.disk), MARATHON_APP_RESOURCE_GPUS: String(app.gpus),
    MARATHON_APP_LABELS: Object.keys(app.labels).join(' '),
  });
  for (const [key, value] of Object.entries(app.labels)) if (/^[A-Za-z0-9_]+$/.test(key)) env[`MARATHON_APP_LABEL_${key.toUpperCase()}`] = value;
  if (i.ports.length) {
    env.PORTS = i.ports.join(',');
    env.PORT = String(i.ports[0]);
  }
  i.ports.forEach((port, n) => {
    env[`PORT${n}`] = String(port);
    const definition = app.portDefinitions[n];
    if (definition?.port) env[`PORT_${definition.port}`] = String(port);
    if (definition?.name) env[`PORT_${definition.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`] = String(port);
  });
  return env;
}

/** Marathon's container as Mesos' ContainerInfo (the agent decides whether it can run it). */
function mesosContainer(container: Record<string, unknown>) {
  const type = (container.type as string | undefined) ?? 'DOCKER';
  const image = (container.docker as { image?: string } | undefined)?.image;
  if (type === 'MESOS') return { type, ...(image ? { mesos: { image: { type: 'DOCKER', docker: { name: image } } } } : {}) };
  return { type, docker: { image: image ?? '' } };
}

/** An app's Mesos-level check (MESOS_HTTP, MESOS_HTTPS, MESOS_TCP, COMMAND) as Mesos' HealthCheck. */
function mesosHealthCheck(h: AppDefinition['healthChecks'][number], i: Instance): HealthCheck {
  const port = h.port ?? i.ports[h.portIndex ?? 0];
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
