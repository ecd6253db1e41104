// Shape checks for untrusted JSON. Each throws a ValidationError whose message names the field path,
// which the HTTP layers turn into a 400.
export class ValidationError extends Error {}

type Json = Record<string, unknown>;

export function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(`'${path}' must be an object`);
  return value as Json;
}

export function optionalObject(value: unknown, path: string): Json | undefined {
  return value === undefined ? undefined : object(value, path);
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ValidationError(`'${path}' must be a string`);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : string(value, path);
}

export function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValidationError(`'${path}' must be a number`);
  return value;
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  return value === undefined ? undefined : number(value, path);
}

export function boolean(value: unknown, path: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new ValidationError(`'${path}' must be a boolean`);
  return value as boolean | undefined;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(`'${path}' must be an array`);
  return value;
}

export function optionalArray(value: unknown, path: string): unknown[] {
  return value === undefined ? [] : array(value, path);
}

/** A Mesos ID message: {"value": "<non-empty string>"}. */
export function id(value: unknown, path: string): string {
  const v = object(value, path).value;
  if (typeof v !== 'string' || v.length === 0) throw new ValidationError(`'${path}.value' must be a non-empty string`);
  return v;
}

export function optionalId(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : id(value, path);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ValidationError(`'${path}' must be one of ${allowed.join(', ')}${value === undefined ? '' : `; got ${JSON.stringify(value)}`}`);
  }
  return value as T;
}

/** Bytes fields: base64, padding optional (as stout's decoder accepts). */
export function base64(value: unknown, path: string): string {
  const s = string(value, path);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw new ValidationError(`'${path}' must be base64-encoded bytes`);
  return s;
}

/** A status update uuid: base64 of exactly 16 bytes (Mesos checks UUID::fromBytes). */
export function uuid(value: unknown, path: string): string {
  const bytes = Buffer.from(base64(value, path), 'base64');
  if (bytes.length !== 16) throw new ValidationError(`'${path}': Not a valid UUID (expected 16 bytes, base64-encoded; got ${bytes.length} bytes)`);
  return bytes.toString('base64');
}

/** The one spelling of a uuid we compare: padded base64 of its bytes. */
export const canonicalUUID = (value: string): string => Buffer.from(value, 'base64').toString('base64');
