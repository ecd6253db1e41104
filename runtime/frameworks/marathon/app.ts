// Marathon's AppDefinition: types, Marathon's defaults, absolute ids, and the partial update of PUT/PATCH.
// Validation lives in validation.ts; this module only shapes definitions that already passed it.
import schema from './app.schema.json';

export type HealthCheckProtocol = 'HTTP' | 'HTTPS' | 'TCP' | 'COMMAND' | 'MESOS_HTTP' | 'MESOS_HTTPS' | 'MESOS_TCP';

export interface HealthCheck {
  protocol: HealthCheckProtocol;
  path?: string;
  portIndex?: number;
  port?: number;
  command?: { value: string };
  gracePeriodSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  maxConsecutiveFailures: number;
  delaySeconds?: number;
  ignoreHttp1xx?: boolean;
}

export interface ReadinessCheck {
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  path: string;
  portName: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  httpStatusCodesForReady: number[];
  preserveLastResponse: boolean;
}

export interface PortDefinition { port: number; protocol?: string; name?: string; labels?: Record<string, string> }

export type Constraint = [string, string, string?];

/** HTTP, HTTPS and TCP checks run in the framework; MESOS_* and COMMAND checks run in the executor. */
export const isMarathonSide = (h: HealthCheck): boolean => h.protocol === 'HTTP' || h.protocol === 'HTTPS' || h.protocol === 'TCP';

export interface AppDefinition {
  id: string;
  cmd?: string;
  args?: string[];
  user?: string;
  env: Record<string, string | { secret: string }>;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  executor: string;
  constraints: Constraint[];
  fetch: Array<{ uri: string; executable?: boolean; extract?: boolean; cache?: boolean; destPath?: string }>;
  backoffSeconds: number;
  backoffFactor: number;
  maxLaunchDelaySeconds: number;
  container?: Record<string, unknown>;
  networks?: Array<{ mode?: 'host' | 'container/bridge' | 'container'; name?: string; labels?: Record<string, string> }>;
  healthChecks: HealthCheck[];
  readinessChecks: ReadinessCheck[];
  dependencies: string[];
  upgradeStrategy: { minimumHealthCapacity: number; maximumOverCapacity: number };
  unreachableStrategy: { inactiveAfterSeconds: number; expungeAfterSeconds: number } | 'disabled';
  killSelection: 'YOUNGEST_FIRST' | 'OLDEST_FIRST';
  labels: Record<string, string>;
  acceptedResourceRoles?: string[];
  requirePorts: boolean;
  portDefinitions: PortDefinition[];
  taskKillGracePeriodSeconds?: number;
  role?: string;
  version: string;
  versionInfo: { lastScalingAt: string; lastConfigChangeAt: string };
  [field: string]: unknown;
}

/** Fields the server owns (or reports); never part of what a user changes. */
const READ_ONLY = ['version', 'versionInfo', 'tasks', 'tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy', 'deployments', 'lastTaskFailure', 'readinessCheckResults', 'taskStats', 'uris', 'ports'];

/** Fields whose change only scales an app (no rolling restart). */
const SCALING_ONLY = new Set(['instances']);

const HEALTH_DEFAULTS = { gracePeriodSeconds: 300, intervalSeconds: 60, timeoutSeconds: 20, maxConsecutiveFailures: 3 };
const READINESS_DEFAULTS = { name: 'readinessCheck', protocol: 'HTTP' as const, path: '/', intervalSeconds: 30, timeoutSeconds: 10, httpStatusCodesForReady: [200], preserveLastResponse: false };

/** `/a/b` for `a/b`, `/a/./b/../c` resolved; relative ids resolve against `base` (a group id). */
export function absoluteId(id: string, base = '/'): string {
  const parts = (id.startsWith('/') ? id : `${base.replace(/\/$/, '')}/${id}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

/** The id of the group an app or group belongs to: `/a/b` for `/a/b/c`. */
export const parentId = (id: string): string => id.slice(0, id.lastIndexOf('/')) || '/';

/** Marathon's task-id prefix: `/prod/web` becomes `prod_web`. */
export const taskIdPrefix = (appId: string): string => appId.slice(1).replace(/\//g, '_');

interface SchemaNode {
  type?: unknown;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
}

/**
 * `value` with only the fields app.schema.json names, at any depth. Marathon ignores unknown fields;
 * dropping them here means they are never stored (each version of an app is kept). Objects the schema
 * leaves free-form (secrets, network labels) stay whole: the size bound of validation.ts covers them.
 */
export function knownFields(value: unknown, node: SchemaNode = schema): unknown {
  const definitions = schema.definitions as Record<string, SchemaNode>;
  const s = node.$ref ? definitions[node.$ref.slice('#/definitions/'.length)] : node;
  if (Array.isArray(value)) return s.items ? value.map((item) => knownFields(item, s.items)) : value;
  if (!value || typeof value !== 'object') return value;
  // A union (an env value, unreachableStrategy) is pruned by its object alternative.
  const shape = s.properties || s.additionalProperties ? s : s.oneOf?.find((alternative) => alternative.properties) ?? s;
  if (!shape.properties && shape.additionalProperties === undefined) return value;
  const field = (key: string) => (Object.hasOwn(shape.properties ?? {}, key) ? shape.properties![key] : typeof shape.additionalProperties === 'object' ? shape.additionalProperties : undefined);
  return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => {
    const itemSchema = field(key);
    return itemSchema ? [[key, knownFields(item, itemSchema)]] : [];
  }));
}

/** A validated request body becomes a complete definition with Marathon's defaults. */
export function normalizeApp(input: Record<string, unknown>, version: string, base = '/'): AppDefinition {
  const body = knownFields(input) as Record<string, unknown>;
  for (const field of READ_ONLY) delete body[field];
  // The deprecated `ports` field maps onto portDefinitions, as Marathon does.
  const ports = Array.isArray(input.ports) ? (input.ports as number[]).map((port) => ({ port, protocol: 'tcp' })) : undefined;
  const container = body.container as { portMappings?: unknown; docker?: { portMappings?: unknown } } | undefined;
  const usesContainerPorts = Boolean(container?.portMappings ?? container?.docker?.portMappings);
  const app: AppDefinition = {
    env: {}, instances: 1, cpus: 1, mem: 128, disk: 0, gpus: 0, executor: '', constraints: [], fetch: [],
    backoffSeconds: 1, backoffFactor: 1.15, maxLaunchDelaySeconds: 300, healthChecks: [], readinessChecks: [], dependencies: [],
    unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 }, killSelection: 'YOUNGEST_FIRST', labels: {},
    requirePorts: false, portDefinitions: ports ?? (usesContainerPorts ? [] : [{ port: 0, protocol: 'tcp', name: 'default' }]),
    ...body,
    id: absoluteId(String(input.id), base),
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1, ...(body.upgradeStrategy as object | undefined) },
    version,
    versionInfo: { lastScalingAt: version, lastConfigChangeAt: version },
  };
  app.healthChecks = app.healthChecks.map((h) => ({
    ...HEALTH_DEFAULTS,
    ...(h.protocol === 'COMMAND' || h.port !== undefined ? {} : { portIndex: 0 }),
    ...h,
    protocol: h.protocol ?? 'HTTP',
  }));
  app.readinessChecks = app.readinessChecks.map((r: Partial<ReadinessCheck>) => ({ ...READINESS_DEFAULTS, portName: 'http-api', ...r }));
  app.portDefinitions = app.portDefinitions.map((p) => ({ protocol: 'tcp', ...p }));
  // Marathon takes constraint operators in any case.
  app.constraints = app.constraints.map(([field, operator, value]) => (value === undefined ? [field, operator.toUpperCase()] : [field, operator.toUpperCase(), value]));
  app.dependencies = app.dependencies.map((d) => absoluteId(d, parentId(app.id)));
  return app;
}

/** The user-facing part of a definition, for comparing two versions. */
function config(app: AppDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(app)) if (!READ_ONLY.includes(k) && !SCALING_ONLY.has(k)) out[k] = v;
  return out;
}

/** True when `next` differs from `previous` in more than its scale: its instances must be replaced. */
export function isConfigChange(previous: AppDefinition, next: AppDefinition): boolean {
  return JSON.stringify(sortKeys(config(previous))) !== JSON.stringify(sortKeys(config(next)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
}

/**
 * The next version of an app after PUT/PATCH: the body's fields replace the current ones (partial update);
 * scaling keeps lastConfigChangeAt so running instances stay, anything else starts a new configuration.
 */
export function updatedApp(current: AppDefinition | undefined, body: Record<string, unknown>, version: string, partial: boolean): AppDefinition {
  const merged = current && partial ? { ...stripReadOnly(current), ...body } : body;
  const next = normalizeApp({ ...merged, id: current?.id ?? body.id }, version);
  if (current && !isConfigChange(current, next)) {
    next.versionInfo = { lastScalingAt: version, lastConfigChangeAt: current.versionInfo.lastConfigChangeAt };
  }
  return next;
}

/** A new version with the same configuration that replaces every instance (POST /restart). */
export function restartedApp(current: AppDefinition, version: string): AppDefinition {
  return { ...current, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } };
}

function stripReadOnly(app: AppDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { ...app };
  for (const field of READ_ONLY) delete out[field];
  return out;
}

/** The version string Marathon uses: an ISO-8601 timestamp, unique within this process. */
let lastVersion = 0;
export function newVersion(): string {
  lastVersion = Math.max(Date.now(), lastVersion + 1);
  return new Date(lastVersion).toISOString();
}
