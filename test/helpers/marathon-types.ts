// JSON Schemas of Marathon's REST API types, written from the RAML library of Marathon's docs
// (docs/docs/rest-api/public/api/v2/types/*.raml): field names, which are required, JSON types,
// enums, ranges and patterns. Marathon serializes through classes generated from those types, so its
// answers never carry a field a type lacks: every object here is closed (additionalProperties false)
// except the RAML's maps (labels, env, secrets) and the few types Mesolite never emits, left open.
// The response shapes of /v2/info follow InfoResource (RAML types with the source's JSON types).

type Schema = Record<string, unknown>;

/** A closed object: `required` fields and `optional` ones, nothing else. */
function object(required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema {
  return { type: 'object', required: Object.keys(required), properties: { ...required, ...optional }, additionalProperties: false };
}
const array = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
const string: Schema = { type: 'string' };
const boolean: Schema = { type: 'boolean' };
const number: Schema = { type: 'number' };
const integer = (minimum?: number, maximum?: number): Schema => ({ type: 'integer', ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) });
const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
/** RAML's datetime: RFC 3339. */
const datetime: Schema = { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$' };
const open: Schema = { type: 'object' };

// stringTypes.raml, numberTypes.raml
const pathId: Schema = { type: 'string', minLength: 1, pattern: '^(\\/?((\\.\\.)|(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9]))?($|\\/))+$' };
const instanceId: Schema = { type: 'string', pattern: '^(.+)\\.(instance-|marathon-)([^\\.]+)$' };
const name: Schema = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' };
const legacyName: Schema = { type: 'string', minLength: 1, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' };
const port = integer(1, 65535);
const anyPort = integer(0, 65535);
const networkProtocol = oneOf('tcp', 'udp', 'udp,tcp');
const ipProtocol = oneOf('IPv4', 'IPv6');
const mesosTaskState = oneOf('TASK_ERROR', 'TASK_FAILED', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_KILLING', 'TASK_RUNNING', 'TASK_STAGING',
  'TASK_STARTING', 'TASK_UNREACHABLE', 'TASK_UNKNOWN', 'TASK_GONE', 'TASK_DROPPED');
const identifiable = object({ id: string });
const message = object({ message: string });
// label.raml, environmentVariable.raml, secrets.raml: maps
const kvLabels: Schema = { type: 'object', additionalProperties: string };
const envVars: Schema = { type: 'object', additionalProperties: { anyOf: [string, object({ secret: string })] } };
const secrets: Schema = { type: 'object', additionalProperties: object({ source: string }) };

// appContainer.raml, volumes.raml, docker.raml
const portMapping = object({}, {
  containerPort: anyPort, hostPort: anyPort, labels: kvLabels, name: legacyName, protocol: networkProtocol, servicePort: anyPort, networkNames: array(name),
});
const readMode = oneOf('RO', 'RW');
const persistentVolumeInfo = object({ size: integer(0) }, { type: oneOf('root', 'path', 'mount'), maxSize: integer(0), profileName: string, constraints: array(array(string, { minItems: 2, maxItems: 3 })) });
const appVolume: Schema = {
  anyOf: [
    object({ containerPath: string, persistent: persistentVolumeInfo, mode: readMode }),
    object({ containerPath: string, external: open, mode: readMode }),
    object({ containerPath: string, secret: string }),
    object({ containerPath: string, hostPath: string, mode: readMode }),
  ],
};
const dockerContainer = object({ image: { type: 'string', minLength: 1 } }, {
  credential: object({ principal: string }, { secret: string }), pullConfig: object({ secret: string }), forcePullImage: boolean,
  network: oneOf('BRIDGE', 'HOST', 'NONE', 'USER'), parameters: array(object({ key: string, value: string })), portMappings: array(portMapping), privileged: boolean,
});
const container = object({ type: oneOf('MESOS', 'DOCKER') }, { docker: dockerContainer, linuxInfo: open, volumes: array(appVolume), portMappings: array(portMapping) });

// healthCheck.raml, readinessCheck.raml, network.raml, artifact.raml, unreachableStrategy.raml
const appHealthCheck = object({}, {
  command: object({ value: string }), gracePeriodSeconds: integer(0), ignoreHttp1xx: boolean, intervalSeconds: integer(0), maxConsecutiveFailures: integer(0),
  path: string, port: anyPort, portIndex: anyPort, protocol: oneOf('HTTP', 'HTTPS', 'TCP', 'COMMAND', 'MESOS_TCP', 'MESOS_HTTP', 'MESOS_HTTPS'),
  ipProtocol: ipProtocol, timeoutSeconds: integer(), delaySeconds: integer(0),
});
const readinessCheck = object({}, {
  name: { type: 'string', minLength: 1 }, protocol: oneOf('HTTP', 'HTTPS'), path: { type: 'string', minLength: 1 }, portName: legacyName,
  intervalSeconds: integer(0), timeoutSeconds: integer(1), httpStatusCodesForReady: array(integer(100, 999), { minItems: 1 }), preserveLastResponse: boolean,
});
const portDefinition = object({}, { port: anyPort, labels: kvLabels, name: legacyName, protocol: networkProtocol });
const network = object({}, { name: string, mode: oneOf('container', 'container/bridge', 'host'), labels: kvLabels });
const artifact = object({ uri: { type: 'string', minLength: 1, maxLength: 1024 } }, { extract: boolean, executable: boolean, cache: boolean, destPath: string });
const unreachableStrategy: Schema = { anyOf: [oneOf('disabled'), object({}, { inactiveAfterSeconds: integer(0), expungeAfterSeconds: integer(0) })] };

// app.raml: App
const appFields: Record<string, Schema> = {
  acceptedResourceRoles: array(string), args: array(string), backoffFactor: { type: 'number', minimum: 1 }, backoffSeconds: integer(0),
  cmd: { type: 'string', minLength: 1 }, constraints: array(array(string, { minItems: 2, maxItems: 3 })), container, cpus: { type: 'number', minimum: 0.001 },
  dependencies: array(pathId), disk: { type: 'number', minimum: 0 }, env: envVars, executor: string, executorResources: open, fetch: array(artifact),
  healthChecks: array(appHealthCheck), check: open, instances: integer(0), labels: kvLabels, maxLaunchDelaySeconds: integer(0), mem: { type: 'number', minimum: 0 },
  gpus: integer(0), ipAddress: open, networks: array(network), ports: array(anyPort), portDefinitions: array(portDefinition), readinessChecks: array(readinessCheck),
  residency: open, resourceLimits: open, requirePorts: boolean, secrets, taskKillGracePeriodSeconds: integer(0),
  upgradeStrategy: object({ maximumOverCapacity: { type: 'number', minimum: 0, maximum: 1 }, minimumHealthCapacity: { type: 'number', minimum: 0, maximum: 1 } }),
  uris: array(string), user: string, version: datetime, versionInfo: object({ lastScalingAt: datetime, lastConfigChangeAt: datetime }),
  killSelection: oneOf('YOUNGEST_FIRST', 'OLDEST_FIRST'), unreachableStrategy, tty: boolean, role: { type: 'string', minLength: 1 },
};
export const App = object({ id: pathId }, appFields);

// task.raml, healthCheck.raml: Health
const health = object({ alive: boolean, consecutiveFailures: integer(0), instanceId }, { firstSuccess: string, lastSuccess: string, lastFailure: string, lastFailureCause: string });
export const Task = object({ appId: pathId, host: string, id: string, state: mesosTaskState, role: string }, {
  healthCheckResults: array(health), checkResult: open, ipAddresses: array(object({ ipAddress: string, protocol: ipProtocol })), ports: array(port),
  servicePorts: array(port), slaveId: string, stagedAt: string, startedAt: string, version: string,
  localVolumes: array(object({ runSpecId: pathId, containerPath: string, uuid: string, persistenceId: string })), region: string, zone: string,
});
const taskFailure = object({ appId: pathId, host: string, message: string, state: string, taskId: string, timestamp: datetime, version: datetime }, { slaveId: string });
const stats = object({ stats: object({ counts: object({ staged: integer(0), running: integer(0), healthy: integer(0), unhealthy: integer(0) }) }, { lifeTime: object({ averageSeconds: number, medianSeconds: number }) }) });
const taskStatsByVersion = object({}, { startedAfterLastScaling: stats, withLatestConfig: stats, withOutdatedConfig: stats, totalSummary: stats });
// The RAML says taskId is an InstanceId, but Marathon puts task ids there (its own example: `foo.instance-c9de6033`): a string.
const readinessResult = object({ name: string, taskId: string, ready: boolean }, { lastResponse: object({ status: integer(), contentType: string, body: string }) });

// app.raml: AppInfo, an App with what `embed` adds
export const AppInfo = object({ id: pathId }, {
  ...appFields, tasksStaged: integer(0), tasksRunning: integer(0), tasksHealthy: integer(0), tasksUnhealthy: integer(0), deployments: array(identifiable),
  readinessCheckResults: array(readinessResult), tasks: array(Task), lastTaskFailure: taskFailure, tasksStats: taskStatsByVersion,
});
export const AppList = object({ apps: array(AppInfo) });
export const AppSingle = object({ app: AppInfo });
/** GET /v2/apps/<group>/* (AppsResource's ListApps form). */
export const AppsInGroup = object({ '*': array(AppInfo) });
export const VersionList = object({ versions: array(datetime) });
export const TaskList = object({ tasks: array(Task) });
export const TaskSingle = object({ task: Task });

// deploymentResult.raml, deploymentEventsInfo.raml (DeploymentStepInfo), deploymentAction.raml
export const DeploymentResult = object({ deploymentId: string, version: datetime });
const actionName = oneOf('StartApplication', 'StopApplication', 'ScaleApplication', 'RestartApplication', 'StartPod', 'StopPod', 'ScalePod', 'RestartPod', 'ResolveArtifacts');
const action = object({ action: actionName }, { app: pathId, pod: pathId });
export const DeploymentList = array(object({
  id: string, steps: array(object({ actions: array(action) })), version: datetime, affectedApps: array(pathId), affectedPods: array(pathId),
  currentActions: array(object({ action: actionName, readinessCheckResults: array(readinessResult) }, { app: pathId, pod: pathId })),
  currentStep: integer(), totalSteps: integer(),
}));

// group.raml: GroupInfo (pods as PodStatus: Mesolite has none to show)
export const GroupInfo: Schema = object({ id: pathId }, {
  apps: array(AppInfo), pods: array(open, { maxItems: 0 }), groups: array({ $ref: '#' }), dependencies: array(pathId), version: datetime, enforceRole: boolean,
});

// queue.raml, offer.raml
const numberRange = object({ begin: number, end: number });
const offer = object({
  id: string, hostname: string, agentId: string,
  resources: array(object({ name: string, role: string }, { scalar: number, ranges: array(numberRange), set: array(string) })),
  attributes: array(object({ name: string }, { text: string, scalar: number, ranges: array(numberRange), set: array(string) })),
});
const declined = object({ reason: string, declined: integer(0), processed: integer(0) });
export const Queue = object({}, {
  queue: array(object({
    count: integer(0), role: string, delay: object({ timeLeftSeconds: integer(0), overdue: boolean }), since: datetime,
    processedOffersSummary: object({ processedOffersCount: integer(0), unusedOffersCount: integer(0) }, {
      lastUnusedOfferAt: datetime, lastUsedOfferAt: datetime, rejectSummaryLastOffers: array(declined), rejectSummaryLaunchAttempt: array(declined),
    }),
    app: App,
  }, { lastUnusedOffers: array(object({ offer, reason: array(string), timestamp: datetime })) })),
});

// info.raml: MarathonInfo, LeaderInfo
const ms = integer(0);
export const MarathonInfo = object({
  name: string, version: string, buildref: string, elected: boolean,
  marathon_config: object({ features: array(string), task_lost_expunge_initial_delay: ms, task_lost_expunge_interval: ms }, {
    access_control_allow_origin: array(string), checkpoint: boolean, decline_offer_duration: ms, default_network_name: string, env_vars_prefix: string,
    executor: string, failover_timeout: ms, framework_name: string, ha: boolean, hostname: string, launch_token: ms, launch_token_refresh_interval: ms,
    leader_proxy_connection_timeout_ms: ms, leader_proxy_read_timeout_ms: ms, local_port_max: port, local_port_min: port, master: string,
    max_instances_per_offer: ms, mesos_bridge_name: string, mesos_heartbeat_failure_threshold: ms, mesos_heartbeat_interval: ms, mesos_leader_ui_url: string,
    mesos_role: string, mesos_user: string, min_revive_offers_interval: ms, offer_matching_timeout: ms, on_elected_prepare_timeout: ms,
    reconciliation_initial_delay: ms, reconciliation_interval: ms, scale_apps_initial_delay: ms, scale_apps_interval: ms, store_cache: boolean,
    task_launch_confirm_timeout: ms, task_launch_timeout: ms, task_reservation_timeout: ms, webui_url: string,
  }),
  zookeeper_config: object({ zk: string, zk_connection_timeout: ms, zk_max_versions: ms, zk_session_timeout: ms, zk_timeout: ms }, {
    zk_compression: boolean, zk_compression_threshold: ms, zk_max_node_size: ms,
  }),
  http_config: object({ http_port: anyPort, https_port: anyPort }),
}, { leader: string, frameworkId: string });
export const LeaderInfo = object({ leader: string });
export const Message = message;

// error.raml (details as Marathon's validation writes them: path and errors), and the conflict of a locked app
export const ErrorBody = object({ message: string }, {
  details: array(object({}, { path: string, message: string, errors: array(string) })), deployments: array(identifiable),
});
