// TaskInfo.health_check and TaskInfo.check: their rules (the master validates them before a launch),
// their defaults (mesos.proto) and the type of a legacy health check given without `type`.
import type { CheckInfo, CheckStatusInfo, CheckType, HealthCheck } from './protocol/v1';

const TYPES: readonly CheckType[] = ['UNKNOWN', 'COMMAND', 'HTTP', 'TCP'];
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The type a health check runs as. Before `type` existed a health check was known by which field was
 * set, and Mesos still accepts that: `command` alone is COMMAND, `http` alone is HTTP.
 */
export function healthCheckType(check: HealthCheck): CheckType | undefined {
  if (check.type !== undefined) return check.type;
  if (check.command !== undefined && check.http === undefined) return 'COMMAND';
  if (check.http !== undefined && check.command === undefined) return 'HTTP';
  return undefined;
}

/** Timing of a check or health check in milliseconds, with mesos.proto's defaults. */
export interface CheckTiming { delayMs: number; intervalMs: number; timeoutMs: number }
export interface HealthCheckPolicy extends CheckTiming { consecutiveFailures: number; gracePeriodMs: number }

const ms = (seconds: number | undefined, fallback: number) => (seconds ?? fallback) * 1000;

export function checkTiming(check: CheckInfo | HealthCheck): CheckTiming {
  return { delayMs: ms(check.delay_seconds, 15), intervalMs: ms(check.interval_seconds, 10), timeoutMs: ms(check.timeout_seconds, 20) };
}

export function healthCheckPolicy(check: HealthCheck): HealthCheckPolicy {
  return { ...checkTiming(check), consecutiveFailures: check.consecutive_failures ?? 3, gracePeriodMs: ms(check.grace_period_seconds, 10) };
}

/** What a check reports before it has a result (or when it timed out): its type and an empty result. */
export function emptyCheckStatus(type: CheckType): CheckStatusInfo {
  if (type === 'COMMAND') return { type, command: {} };
  if (type === 'HTTP') return { type, http: {} };
  if (type === 'TCP') return { type, tcp: {} };
  return { type };
}

function port(value: unknown, path: string): string | undefined {
  if (!isObject(value)) return `'${path}' must be an object`;
  const p = value.port;
  if (!Number.isInteger(p) || (p as number) < 1 || (p as number) > 65535) return `'${path}.port' must be an integer between 1 and 65535`;
  const protocol = value.protocol;
  if (protocol !== undefined && protocol !== 'IPv4' && protocol !== 'IPv6') return `'${path}.protocol' must be IPv4 or IPv6`;
  return undefined;
}

function command(value: unknown, path: string, what: string): string | undefined {
  if (!isObject(value)) return `'${path}' must be a CommandInfo object`;
  if (value.shell !== undefined && typeof value.shell !== 'boolean') return `'${path}.shell' must be a boolean`;
  if (typeof value.value !== 'string') return `${what} must contain ${value.shell === false ? "'executable path'" : "'shell command'"} ('${path}.value')`;
  if (value.arguments !== undefined && (!Array.isArray(value.arguments) || value.arguments.some((a) => typeof a !== 'string'))) return `'${path}.arguments' must be an array of strings`;
  const variables = isObject(value.environment) ? value.environment.variables : value.environment === undefined ? [] : undefined;
  if (!Array.isArray(variables) || variables.some((v) => !isObject(v) || typeof v.name !== 'string' || (v.value !== undefined && typeof v.value !== 'string'))) {
    return `'${path}.environment.variables' must be an array of {name, value} strings`;
  }
  return undefined;
}

function seconds(check: Json, path: string, fields: string[]): string | undefined {
  for (const field of fields) {
    const value = check[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return `'${path}.${field}' must be a number`;
    if (value < 0) return `Expecting '${path}.${field}' to be non-negative`;
  }
  return undefined;
}

function type(check: Json, path: string): string | undefined {
  if (check.type !== undefined && !TYPES.includes(check.type as CheckType)) return `'${path}.type' must be one of ${TYPES.slice(1).join(', ')}`;
  if (check.type === 'UNKNOWN') return `'UNKNOWN' is not a valid type for '${path}.type'`;
  return undefined;
}

/** Mesos' validateHealthCheck, naming fields by their path; undefined when valid. */
export function validateHealthCheck(value: unknown, path = 'health_check'): string | undefined {
  if (!isObject(value)) return `'${path}' must be an object`;
  const error = type(value, path);
  if (error) return error;
  const kind = healthCheckType(value as HealthCheck);
  if (kind === undefined) return `'${path}' must specify 'type'`;
  if (kind === 'COMMAND') {
    if (value.command === undefined) return `Expecting '${path}.command' to be set for COMMAND health check`;
    const e = command(value.command, `${path}.command`, 'Command health check');
    if (e) return e;
  } else if (kind === 'HTTP') {
    if (value.http === undefined) return `Expecting '${path}.http' to be set for HTTP health check`;
    const e = port(value.http, `${path}.http`);
    if (e) return e;
    const http = value.http as Json;
    if (http.scheme !== undefined && http.scheme !== 'http' && http.scheme !== 'https') return `Unsupported HTTP health check scheme: '${String(http.scheme)}' ('${path}.http.scheme' must be http or https)`;
    if (http.path !== undefined && (typeof http.path !== 'string' || !http.path.startsWith('/'))) return `'${path}.http.path' must start with '/'`;
    if (http.statuses !== undefined && (!Array.isArray(http.statuses) || http.statuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599))) {
      return `'${path}.http.statuses' must be an array of HTTP status codes`;
    }
  } else if (kind === 'TCP') {
    if (value.tcp === undefined) return `Expecting '${path}.tcp' to be set for TCP health check`;
    const e = port(value.tcp, `${path}.tcp`);
    if (e) return e;
  }
  const failures = value.consecutive_failures;
  if (failures !== undefined && (!Number.isInteger(failures) || (failures as number) < 0)) return `'${path}.consecutive_failures' must be a non-negative integer`;
  return seconds(value, path, ['delay_seconds', 'interval_seconds', 'timeout_seconds', 'grace_period_seconds']);
}

/** Mesos' validateCheckInfo (TaskInfo.check), naming fields by their path; undefined when valid. */
export function validateCheckInfo(value: unknown, path = 'check'): string | undefined {
  if (!isObject(value)) return `'${path}' must be an object`;
  const error = type(value, path);
  if (error) return error;
  if (value.type === undefined) return `'${path}' must specify 'type'`;
  if (value.type === 'COMMAND') {
    if (!isObject(value.command)) return `Expecting '${path}.command' to be set for COMMAND check`;
    const e = command(value.command.command, `${path}.command.command`, 'Command check');
    if (e) return e;
  } else if (value.type === 'HTTP') {
    if (value.http === undefined) return `Expecting '${path}.http' to be set for HTTP check`;
    const e = port(value.http, `${path}.http`);
    if (e) return e;
    const p = (value.http as Json).path;
    if (p !== undefined && (typeof p !== 'string' || !p.startsWith('/'))) return `'${path}.http.path' must start with '/'`;
  } else if (value.type === 'TCP') {
    if (value.tcp === undefined) return `Expecting '${path}.tcp' to be set for TCP check`;
    const e = port(value.tcp, `${path}.tcp`);
    if (e) return e;
  }
  return seconds(value, path, ['delay_seconds', 'interval_seconds', 'timeout_seconds']);
}
