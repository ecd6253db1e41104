// Validates app definitions as Marathon does: the JSON Schema (app.schema.json, shared with the editor)
// first, then the rules a schema cannot say. Failures become Marathon's 422 body.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from './app.schema.json';

export interface ViolationDetail { path: string; errors: string[] }

export class AppValidationError extends Error {
  constructor(readonly details: ViolationDetail[]) {
    super('Object is not valid');
  }

  get body() {
    return { message: this.message, details: this.details };
  }
}

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  return compiled;
}

const OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'];
const RESERVED = ['restart', 'tasks', 'versions'];
const MESOS_CHECKS = ['COMMAND', 'MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP'];

function message(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'minimum': return `got ${JSON.stringify(e.data)}, expected ${p.limit} or more`;
    case 'maximum': return `got ${JSON.stringify(e.data)}, expected ${p.limit} or less`;
    case 'exclusiveMinimum': return `got ${JSON.stringify(e.data)}, expected more than ${p.limit}`;
    case 'type': return `expected ${p.type}, got ${JSON.stringify(e.data)}`;
    case 'required': return 'error.path.missing';
    case 'enum': return `error.expected.enum: one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'pattern': return `must fully match regular expression '${p.pattern}'`;
    case 'additionalProperties': return 'Additional properties are not allowed';
    default: return e.message ?? e.keyword;
  }
}

/** The 422 details of a raw app body, grouped by JSON path; empty when the app is valid. */
export function appViolations(body: unknown, at = ''): ViolationDetail[] {
  const byPath = new Map<string, string[]>();
  const add = (path: string, error: string) => {
    const errors = byPath.get(path) ?? [];
    if (!errors.includes(error)) errors.push(error);
    byPath.set(path, errors);
  };
  const validate = schemaValidator();
  if (!validate(body)) {
    for (const e of validate.errors ?? []) {
      // The cmd/args/container alternatives are reported once, in words, by crossFieldViolations.
      if (/^#\/(anyOf|not)/.test(e.schemaPath) || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
      const p = e.params as { missingProperty?: string; additionalProperty?: string };
      const path = e.keyword === 'required' ? `${e.instancePath}/${p.missingProperty}` : e.keyword === 'additionalProperties' ? `${e.instancePath}/${p.additionalProperty}` : e.instancePath;
      // Marathon writes array elements as `(n)`: /healthChecks(0)/protocol.
      add(`${at}${path.replace(/\/(\d+)(?=\/|$)/g, '($1)') || '/'}`, message(e));
    }
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [path, error] of crossFieldViolations(body as Record<string, unknown>)) add(`${at}${path}`, error);
  }
  return [...byPath].map(([path, errors]) => ({ path, errors }));
}

/** Throws Marathon's 422 shape when the body is not a valid app. */
export function validateApp(body: unknown, at = ''): void {
  const details = appViolations(body, at);
  if (details.length) throw new AppValidationError(details);
}

function* crossFieldViolations(app: Record<string, unknown>): Generator<[string, string]> {
  // The schema's pattern checks each segment; an id of only '/', '.' or '..' names no app, and the
  // last segment must not read as one of the app's sub-resources.
  if (typeof app.id === 'string') {
    const segments = app.id.split('/').filter((s) => s && s !== '.' && s !== '..');
    if (segments.length === 0) yield ['/id', 'id must name an app'];
    else if (RESERVED.includes(segments[segments.length - 1])) yield ['/id', `the last segment of an id may not be ${RESERVED.join(', ')}`];
  }
  // Marathon's rule: cmd or args (not both), unless a container is given.
  const hasArgs = Array.isArray(app.args) && app.args.length > 0;
  if ((app.cmd !== undefined) === hasArgs && app.container === undefined) yield ['/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."];
  const ports = Array.isArray(app.portDefinitions) ? app.portDefinitions as Array<Record<string, unknown>> : Array.isArray(app.ports) ? app.ports : [{}];
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
    const container = app.container as { portMappings?: Array<{ name?: string }>; docker?: { portMappings?: Array<{ name?: string }> } } | undefined;
    const mappings = container?.portMappings ?? container?.docker?.portMappings;
    const portNames: unknown[] = mappings ? mappings.map((m) => m?.name) : names;
    for (const [i, r] of (app.readinessChecks as Array<Record<string, unknown>>).entries()) {
      const name = r?.portName ?? 'http-api';
      if (!portNames.includes(name)) yield [`/readinessChecks(${i})/portName`, `no port with name '${String(name)}'`];
    }
  }
  const upgrade = app.upgradeStrategy as Record<string, unknown> | undefined;
  if (upgrade && upgrade.minimumHealthCapacity === 1 && upgrade.maximumOverCapacity === 0 && Array.isArray(app.readinessChecks) && app.readinessChecks.length > 0) {
    yield ['/upgradeStrategy', 'minimumHealthCapacity 1 with maximumOverCapacity 0 cannot progress with readiness checks'];
  }
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
    try { new RegExp(value); } catch { yield [path, `'${value}' is not a valid regular expression`]; }
  }
  if (['LIKE', 'UNLIKE', 'MAX_PER', 'IS'].includes(operator) && value === undefined) yield [path, `${operator} requires a value`];
  if ((operator === 'MAX_PER' || operator === 'GROUP_BY') && value !== undefined && !/^\d+$/.test(value)) yield [path, `${operator} value must be an integer, got '${value}'`];
  if (operator === 'UNIQUE' && value !== undefined) yield [path, 'UNIQUE does not take a value'];
}
