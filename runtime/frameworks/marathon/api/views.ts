// The RAML views the resources share: an app with its counts, deployments and (embedded) tasks and
// readiness, and a task (Marathon's EnrichedTask).
import type { AppDefinition } from '../app';
import type { MarathonService } from '../service';
import { isHealthy, type Instance } from '../state';

export function taskJson(i: Instance, app: AppDefinition | undefined) {
  return {
    id: i.taskId, appId: i.appId, host: i.host, ports: i.ports, servicePorts: app?.portDefinitions.map((p) => p.port) ?? [],
    slaveId: i.agentId, state: i.state, stagedAt: i.stagedAt, startedAt: i.startedAt, version: i.version,
    ipAddresses: [{ ipAddress: i.ip, protocol: 'IPv4' }], localVolumes: [], healthCheckResults: i.healthCheckResults,
    ...(app && app.healthChecks.length ? { healthy: isHealthy(app, i) } : {}),
  };
}

export function appJson(service: MarathonService, app: AppDefinition, embed: { tasks: boolean; readiness?: boolean }) {
  const { instances } = service;
  return {
    ...app,
    ...instances.taskCounts(app),
    deployments: service.deployments.touching([app.id]).map((d) => ({ id: d.id })),
    ...(embed.tasks ? { tasks: instances.of(app.id).map((i) => taskJson(i, app)) } : {}),
    ...(embed.readiness ? { readinessCheckResults: instances.readinessResults(app) } : {}),
  };
}
