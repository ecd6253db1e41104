// Validates app definitions as Marathon does: the JSON Schema (app.schema.json, shared with the editor)
// first, then the rules a schema cannot say. Failures become Marathon's 422 body. What one definition
// may hold is bounded (its size, its id's length), and so is what checking it may cost.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { Refusal } from '../../common/refusal';
import { absoluteId, knownFields, type AppDefinition } from './app';
import { networkOf, portMappingsOf } from './networking';
import schema from './app.schema.json';

export interface ViolationDetail { path: string; errors: string[] }

/** An invalid definition (a Refusal of kind `invalid`), with Marathon's details: api/ answers it 422. */
export class AppValidationError extends Refusal {
  constructor(readonly details: ViolationDetail[]) {
    super('invalid', 'Object is not valid');
  }

  get body() {
    return { message: this.message, details: this.details };
  }
}

/** JSON bytes of one app definition's known fields: every version of every app is stored. */
const MAX_APP_BYTES = 512 * 1024;
/** Task ids (`<id without its leading slash>.<uuid>`) name directories on the agents, at most 255 bytes. */
const MAX_ID_LENGTH = 255 - '.'.length - 36;
/** Listing every error costs memory per error (about 1 KiB each): larger bodies get their first error only. */
const DETAILED_BYTES = 16 * 1024;

// The schema's cmd/args/container alternatives guide the editor; here crossFieldViolations checks them,
// in Marathon's words (a validator that stops at the first error could otherwise stop at them, unreported).
const { anyOf: _alternatives, ...serverSchema } = schema;
const compiled: Array<ValidateFunction | undefined> = [];
function schemaValidator(allErrors: boolean): ValidateFunction {
  compiled[Number(allErrors)] ??= new Ajv({ allErrors, verbose: true, strict: false }).compile(serverSchema);
  return compiled[Number(allErrors)]!;
}

const OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'];
const RESERVED = ['restart', 'tasks', 'versions'];
const MESOS_CHECKS = ['COMMAND', 'MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP'];

/** A value as an error message quotes it: short, whatever was sent. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function message(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  // Mesolite's own bounds say why in the schema's $comment.
  const why = (e.parentSchema as { $comment?: string } | undefined)?.$comment;
  switch (e.keyword) {
    case 'minimum': return `got ${shown(e.data)}, expected ${p.limit} or more`;
    case 'maximum': return `got ${shown(e.data)}, expected ${p.limit} or less${why ? ` (${why})` : ''}`;
    case 'maxItems': return `got ${(e.data as unknown[]).length} items, expected ${p.limit} or fewer${why ? ` (${why})` : ''}`;
    case 'exclusiveMinimum': return `got ${shown(e.data)}, expected more than ${p.limit}`;
    case 'type': return `expected ${p.type}, got ${shown(e.data)}`;
    case 'required': return 'error.path.missing';
    case 'enum': return `error.expected.enum: one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'pattern': return `must fully match regular expression '${p.pattern}'`;
    case 'additionalProperties': return 'Additional properties are not allowed';
    default: return e.message ?? e.keyword;
  }
}

/** The 422 details of a raw app body, grouped by JSON path; empty when the app is valid. Relative ids resolve against `base`. */
export function appViolations(body: unknown, at = '', base = '/'): ViolationDetail[] {
  const byPath = new Map<string, string[]>();
  const add = (path: string, error: string) => {
    const errors = byPath.get(path) ?? [];
    if (!errors.includes(error)) errors.push(error);
    byPath.set(path, errors);
  };
  // Unknown fields are dropped (normalizeApp) before anything is kept, so they neither count nor matter.
  const known = knownFields(body);
  const bytes = Buffer.byteLength(JSON.stringify(known) ?? '');
  if (bytes > MAX_APP_BYTES) {
    return [{ path: at || '/', errors: [`the app definition is ${bytes} bytes of JSON, expected ${MAX_APP_BYTES} or less (Mesolite keeps every version of every app)`] }];
  }
  const validate = schemaValidator(bytes <= DETAILED_BYTES);
  if (!validate(known)) {
    for (const e of validate.errors ?? []) {
      // A union's failure is reported by its alternatives' errors.
      if (e.keyword === 'oneOf') continue;
      const p = e.params as { missingProperty?: string; additionalProperty?: string };
      const path = e.keyword === 'required' ? `${e.instancePath}/${p.missingProperty}` : e.keyword === 'additionalProperties' ? `${e.instancePath}/${p.additionalProperty}` : e.instancePath;
      // Marathon writes array elements as `(n)`: /healthChecks(0)/protocol.
      add(`${at}${path.replace(/\/(\d+)(?=\/|$)/g, '($1)') || '/'}`, message(e));
    }
  }
  if (known && typeof known === 'object' && !Array.isArray(known)) {
    for (const [path, error] of crossFieldViolations(known as Record<string, unknown>, base)) add(`${at}${path}`, error);
  }
  return [...byPath].map(([path, errors]) => ({ path, errors }));
}

export interface GroupApp { raw: Record<string, unknown>; at: string; base: string }

const ID_PATTERN = new RegExp(schema.properties.id.pattern);

/**
 * A group body (POST/PUT /v2/groups) resolved against `parent`: its id and every app in it and its
 * subgroups, each with the group its relative id resolves against. Throws Marathon's 422 for anything invalid.
 */
export function groupDefinition(body: Record<string, unknown>, parent: string): { id: string; apps: GroupApp[] } {
  const apps: GroupApp[] = [];
  const details: ViolationDetail[] = [];
  const fail = (path: string, error: string) => details.push({ path: path || '/', errors: [error] });
  const collect = (group: unknown, parentId: string, at: string): string => {
    if (!group || typeof group !== 'object' || Array.isArray(group)) {
      fail(at, `expected object, got ${shown(group)}`);
      return parentId;
    }
    const { id = '', apps: groupApps = [], groups = [] } = group as Record<string, unknown>;
    if (typeof id !== 'string' || (id !== '' && !ID_PATTERN.test(id))) fail(`${at}/id`, `expected a path of lowercase names, got ${shown(id)}`);
    const groupId = typeof id === 'string' ? absoluteId(id, parentId) : parentId;
    // Its apps' ids are longer still; and the id comes back in the Location header, which clients bound.
    if (groupId.length - 1 > MAX_ID_LENGTH) fail(`${at}/id`, `the group id is ${groupId.length - 1} characters long (without its leading slash), expected ${MAX_ID_LENGTH} or fewer, as for app ids`);
    if (!Array.isArray(groupApps)) fail(`${at}/apps`, `expected array, got ${shown(groupApps)}`);
    else {
      groupApps.forEach((raw, i) => {
        const path = `${at}/apps(${i})`;
        details.push(...appViolations(raw, path, groupId));
        apps.push({ raw: raw as Record<string, unknown>, at: path, base: groupId });
      });
    }
    if (!Array.isArray(groups)) fail(`${at}/groups`, `expected array, got ${shown(groups)}`);
    else groups.forEach((g, i) => collect(g, groupId, `${at}/groups(${i})`));
    return groupId;
  };
  const id = collect(body, parent, '');
  if (details.length) throw new AppValidationError(details);
  return { id, apps };
}

/** Throws Marathon's 422 shape when the body is not a valid app. */
export function validateApp(body: unknown): void {
  const details = appViolations(body);
  if (details.length) throw new AppValidationError(details);
}

function* crossFieldViolations(app: Record<string, unknown>, base: string): Generator<[string, string]> {
  // The schema's pattern checks each segment; an id of only '/', '.' or '..' names no app, and the
  // last segment must not read as one of the app's sub-resources.
  if (typeof app.id === 'string') {
    const segments = app.id.split('/').filter((s) => s && s !== '.' && s !== '..');
    const length = absoluteId(app.id, base).length - 1;
    if (segments.length === 0) yield ['/id', 'id must name an app'];
    else if (RESERVED.includes(segments[segments.length - 1])) yield ['/id', `the last segment of an id may not be ${RESERVED.join(', ')}`];
    else if (length > MAX_ID_LENGTH) yield ['/id', `the id is ${length} characters long (without its leading slash), expected ${MAX_ID_LENGTH} or fewer: its task ids <id>.<uuid> name directories on the agents`];
  }
  // Marathon's rule: cmd or args (not both), unless a container is given.
  const hasArgs = Array.isArray(app.args) && app.args.length > 0;
  if ((app.cmd !== undefined) === hasArgs && app.container === undefined) yield ['/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."];
  yield* networkingViolations(app);
  const mappings = portMappingsOf(app as Pick<AppDefinition, 'container'>);
  const ports = Array.isArray(mappings) ? mappings as unknown[] : Array.isArray(app.portDefinitions) ? app.portDefinitions as Array<Record<string, unknown>> : Array.isArray(app.ports) ? app.ports : [{}];
  const names = ports.map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>).name : undefined)).filter((n) => n !== undefined);
  if (new Set(names).size !== names.length) yield ['/portDefinitions', 'Port names must be unique.'];
  const numbers = ports.map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>).port : p)).filter((n) => typeof n === 'number' && n !== 0);
  if (new Set(numbers).size !== numbers.length) yield ['/portDefinitions', 'Ports must be unique.'];
  if (Array.isArray(app.constraints)) {
    for (const [i, c] of (app.constraints as unknown[]).entries()) yield* constraintViolations(c, `/constraints(${i})`);
  }
  if (Array.isArray(app.healthChecks)) {
    // Mesos' TaskInfo carries a single health_check.
    if ((app.healthChecks as Array<{ protocol?: string }>).filter((h) => MESOS_CHECKS.includes(h?.protocol ?? '')).length > 1) yield ['/healthChecks', 'An app may have at most one Mesos health check (COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP)'];
    for (const [i, h] of (app.healthChecks as Array<Record<string, unknown>>).entries()) {
      if (!h || typeof h !== 'object') continue;
      const protocol = h.protocol ?? 'HTTP';
      if (protocol === 'COMMAND' && !(h.command as { value?: unknown } | undefined)?.value) yield [`/healthChecks(${i})/command`, 'error.path.missing'];
      if (protocol !== 'COMMAND' && typeof h.portIndex === 'number' && h.portIndex >= ports.length) {
        yield [`/healthChecks(${i})`, 'Health check port indices must address an element of the ports array or container port mappings.'];
      }
    }
  }
  if (Array.isArray(app.readinessChecks)) {
    const portNames = new Set<unknown>(Array.isArray(mappings) ? mappings.map((m) => m?.name) : names);
    for (const [i, r] of (app.readinessChecks as Array<Record<string, unknown>>).entries()) {
      const name = r?.portName ?? 'http-api';
      if (!portNames.has(name)) yield [`/readinessChecks(${i})/portName`, `no port with name ${shown(name)}`];
    }
  }
  const upgrade = app.upgradeStrategy as Record<string, unknown> | undefined;
  if (upgrade && upgrade.minimumHealthCapacity === 1 && upgrade.maximumOverCapacity === 0 && Array.isArray(app.readinessChecks) && app.readinessChecks.length > 0) {
    yield ['/upgradeStrategy', 'minimumHealthCapacity 1 with maximumOverCapacity 0 cannot progress with readiness checks'];
  }
}

/** Marathon's rules for networks, a Docker container and its port mappings (the schema checked their shapes). */
function* networkingViolations(app: Record<string, unknown>): Generator<[string, string]> {
  const container = app.container as { type?: string; docker?: { network?: string; portMappings?: unknown[] }; portMappings?: unknown[] } | undefined;
  const networks = Array.isArray(app.networks) ? app.networks as Array<{ mode?: string; name?: string }> : [];
  if (container && (container.type ?? 'DOCKER') === 'DOCKER' && !container.docker) yield ['/container/docker', 'error.path.missing'];
  if (container?.docker?.network && networks.length) yield ['/container/docker/network', "the legacy docker.network may not be combined with 'networks' (use 'networks' alone)"];
  if (container?.portMappings && container.docker?.portMappings) yield ['/container/docker/portMappings', "the legacy docker.portMappings may not be combined with container.portMappings (use container.portMappings alone)"];
  const modes = networks.map((n) => n?.mode ?? 'container');
  if (modes.length > 1 && modes.some((m) => m !== 'container')) yield ['/networks', 'host and container/bridge networking take a single network: only container networks may be combined'];
  for (const [i, n] of networks.entries()) if ((n?.mode ?? 'container') === 'container' && !n?.name) yield [`/networks(${i})/name`, 'error.path.missing (container networking names its network)'];
  if (!container && modes.some((m) => m !== 'host')) yield ['/networks', 'container networking needs a container (container.type DOCKER)'];
  const { mode } = networkOf(app as Pick<AppDefinition, 'container' | 'networks'>);
  const mappings = portMappingsOf(app as Pick<AppDefinition, 'container'>) as Array<{ hostPort?: number; name?: string }> | undefined;
  const at = container?.portMappings ? '/container/portMappings' : '/container/docker/portMappings';
  if (mappings?.length && mode === 'host') yield [at, 'port mappings need container networking (networks mode container/bridge or container)'];
  if (!Array.isArray(mappings)) return;
  const names = mappings.map((m) => m?.name).filter((n) => n !== undefined);
  if (new Set(names).size !== names.length) yield [at, 'Port names must be unique.'];
  const hostPorts = mappings.map((m) => m?.hostPort).filter((p) => typeof p === 'number' && p !== 0);
  if (new Set(hostPorts).size !== hostPorts.length) yield [at, 'Host ports must be unique.'];
}

function* constraintViolations(c: unknown, path: string): Generator<[string, string]> {
  if (!Array.isArray(c) || c.length < 2 || c.length > 3 || c.some((x) => typeof x !== 'string')) {
    yield [path, 'Each constraint must be an array of 2 or 3 strings: [field, operator, value]'];
    return;
  }
  const [, raw, value] = c as string[];
  const operator = raw.toUpperCase();
  if (!OPERATORS.includes(operator)) {
    yield [path, `Constraint operator must be one of ${OPERATORS.join(', ')}`];
    return;
  }
  if ((operator === 'LIKE' || operator === 'UNLIKE') && value !== undefined) {
    try { new RegExp(value); } catch { yield [path, `${shown(value)} is not a valid regular expression`]; }
  }
  if (['LIKE', 'UNLIKE', 'MAX_PER', 'IS'].includes(operator) && value === undefined) yield [path, `${operator} requires a value`];
  if ((operator === 'MAX_PER' || operator === 'GROUP_BY') && value !== undefined && !/^\d+$/.test(value)) yield [path, `${operator} value must be an integer, got ${shown(value)}`];
  if (operator === 'UNIQUE' && value !== undefined) yield [path, 'UNIQUE does not take a value'];
}
