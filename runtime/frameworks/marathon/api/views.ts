// The RAML views the resources share (Marathon's App, AppInfo, Task, Health, TaskStatsByVersion):
// exactly the fields Marathon's types have, optional ones left out rather than null, and the `embed`
// query values that choose what an AppInfo carries.
import type { AppDefinition } from '../app';
import type { MarathonService } from '../service';
import { ipAddressesOf, type HealthCheckResult, type Instance } from '../state';

/** The fields of Marathon's App type: what a stored definition (which also keeps lastTaskFailure) shows. */
const APP_FIELDS = [
  'id', 'acceptedResourceRoles', 'args', 'backoffFactor', 'backoffSeconds', 'cmd', 'constraints', 'container', 'cpus', 'dependencies',
  'disk', 'env', 'executor', 'executorResources', 'fetch', 'healthChecks', 'check', 'instances', 'labels', 'maxLaunchDelaySeconds', 'mem',
  'gpus', 'ipAddress', 'networks', 'portDefinitions', 'readinessChecks', 'residency', 'resourceLimits', 'requirePorts', 'secrets',
  'taskKillGracePeriodSeconds', 'upgradeStrategy', 'user', 'version', 'versionInfo', 'killSelection', 'unreachableStrategy', 'tty', 'role',
] as const;

/** An app definition as Marathon's App type (GET /v2/apps/{id}/versions/{version}, /v2/queue). */
export function appDefinitionJson(app: AppDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of APP_FIELDS) if (app[field] !== undefined) out[field] = app[field];
  return out;
}

/** What an AppInfo may carry besides its App (Marathon's AppInfo.Embed). */
export type AppEmbed = 'counts' | 'tasks' | 'deployments' | 'readiness' | 'lastTaskFailure' | 'taskStats';

/**
 * The `embed` values of a request as Marathon's InfoEmbedResolver reads them: `apps.`, `app.` and
 * `group.apps.` prefixes (or none), `tasks` bringing deployments along, the deprecated `failures`
 * meaning tasks, lastTaskFailure and deployments; unknown values are ignored. `always`: what the
 * resource adds whatever the request says.
 */
export function resolveEmbed(values: string[], always: AppEmbed[] = []): Set<AppEmbed> {
  const out = new Set<AppEmbed>(always);
  for (const value of values) {
    const name = value.replace(/^(group\.apps\.|apps\.|app\.)/, '');
    if (name === 'tasks') out.add('tasks').add('deployments');
    else if (name === 'failures') out.add('tasks').add('lastTaskFailure').add('deployments');
    else if (['counts', 'deployments', 'readiness', 'lastTaskFailure', 'taskStats'].includes(name)) out.add(name as AppEmbed);
  }
  return out;
}

/** Marathon's Health: a timestamp not yet known is left out. */
function healthJson(r: HealthCheckResult) {
  return {
    alive: r.alive, consecutiveFailures: r.consecutiveFailures, instanceId: r.instanceId,
    ...(r.firstSuccess ? { firstSuccess: r.firstSuccess } : {}),
    ...(r.lastSuccess ? { lastSuccess: r.lastSuccess } : {}),
    ...(r.lastFailure ? { lastFailure: r.lastFailure } : {}),
    ...(r.lastFailureCause !== null ? { lastFailureCause: r.lastFailureCause } : {}),
  };
}

/** Every check's record: the framework's own (HTTP, HTTPS, TCP) and the executor's (MESOS_*, COMMAND). */
const healthResults = (i: Instance) => [...i.healthCheckResults.filter(Boolean), ...(i.mesosHealth ? [i.mesosHealth] : [])].map(healthJson);

/** Marathon's Task (an EnrichedTask); `role`: the role its resources were allocated to. */
export function taskJson(i: Instance, app: AppDefinition | undefined, role: string) {
  return {
    id: i.taskId, appId: i.appId, host: i.host, ports: i.ports, servicePorts: app?.portDefinitions.map((p) => p.port) ?? [],
    slaveId: i.agentId, state: i.state, stagedAt: i.stagedAt, ...(i.startedAt ? { startedAt: i.startedAt } : {}), version: i.version,
    ipAddresses: ipAddressesOf(i), localVolumes: [], healthCheckResults: healthResults(i), role,
  };
}

/** Marathon's TaskStatsByVersion: counts and life times of all instances, and of those started since the last scaling / config change. */
function taskStats(app: AppDefinition, instances: Instance[]) {
  const now = Date.now();
  const stats = (of: Instance[]) => {
    if (of.length === 0) return undefined;
    const lifeTimes = of.filter((i) => i.startedAt).map((i) => (now - Date.parse(i.startedAt!)) / 1000).sort((a, b) => a - b);
    const counts = { staged: 0, running: 0, healthy: 0, unhealthy: 0 };
    for (const i of of) {
      if (i.state === 'TASK_STAGING') counts.staged++;
      if (i.state === 'TASK_RUNNING') counts.running++;
      const results = healthResults(i);
      if (results.length && results.every((r) => r.alive)) counts.healthy++;
      if (results.some((r) => !r.alive)) counts.unhealthy++;
    }
    const lifeTime = lifeTimes.length ? { averageSeconds: lifeTimes.reduce((a, b) => a + b, 0) / lifeTimes.length, medianSeconds: lifeTimes[Math.floor(lifeTimes.length / 2)] } : undefined;
    return { stats: { counts, ...(lifeTime ? { lifeTime } : {}) } };
  };
  const { lastScalingAt, lastConfigChangeAt } = app.versionInfo;
  const entries = {
    startedAfterLastScaling: stats(instances.filter((i) => i.version >= lastScalingAt)),
    withLatestConfig: stats(instances.filter((i) => i.version >= lastConfigChangeAt)),
    withOutdatedConfig: stats(instances.filter((i) => i.version < lastConfigChangeAt)),
    totalSummary: stats(instances),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/** Marathon's AppInfo: the App, and what `embed` asks for. */
export function appJson(service: MarathonService, app: AppDefinition, embed: Set<AppEmbed>) {
  const { instances } = service;
  const role = service.scheduler.role;
  const failure = embed.has('lastTaskFailure') ? app.lastTaskFailure : undefined;
  return {
    ...appDefinitionJson(app),
    ...(embed.has('counts') ? instances.taskCounts(app) : {}),
    ...(embed.has('deployments') ? { deployments: service.deployments.touching([app.id]).map((d) => ({ id: d.id })) } : {}),
    ...(embed.has('tasks') ? { tasks: instances.of(app.id).map((i) => taskJson(i, app, role)) } : {}),
    ...(embed.has('readiness') ? { readinessCheckResults: instances.readinessResults(app) } : {}),
    ...(failure ? { lastTaskFailure: failure } : {}),
    ...(embed.has('taskStats') ? { tasksStats: taskStats(app, instances.of(app.id)) } : {}),
  };
}
