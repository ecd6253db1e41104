// Strict readers of Mesos v1 messages for conformance tests: what a strict client (a generated protobuf
// binding, a typed JSON decoder) would refuse is a problem here. JSON: every field one the definition
// has, of its type (integers for integer fields, base64 for bytes, known enum names), no nulls, required
// fields present. Protobuf: decodes (required fields present, wire types right), holds no field or enum
// number the definition has not, and is the bytes it re-encodes to.
import { messageType, type MessageName } from '../../runtime/common/protocol/codec';
import type * as Protobuf from 'protobufjs';

const INTEGER = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);
const UNSIGNED = new Set(['uint32', 'uint64', 'fixed32', 'fixed64']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkValue(field: Protobuf.Field, value: unknown, path: string, problems: string[]): void {
  const resolved = field.resolvedType;
  if (resolved && 'fieldsArray' in resolved) return checkMessage(resolved as Protobuf.Type, value, path, problems);
  if (resolved) {
    const names = (resolved as Protobuf.Enum).values;
    if (typeof value !== 'string' || !(value in names)) problems.push(`${path}: ${JSON.stringify(value)} is no ${resolved.name} value`);
    return;
  }
  const t = field.type;
  const ok = t === 'string' ? typeof value === 'string'
    : t === 'bytes' ? typeof value === 'string' && BASE64.test(value) && value.length % 4 !== 1
    : t === 'bool' ? typeof value === 'boolean'
    : INTEGER.has(t) ? typeof value === 'number' && Number.isInteger(value) && (!UNSIGNED.has(t) || value >= 0)
    : typeof value === 'number' && Number.isFinite(value);
  if (!ok) problems.push(`${path}: ${JSON.stringify(value)?.slice(0, 60)} is not a ${t}`);
}

function checkMessage(type: Protobuf.Type, value: unknown, path: string, problems: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: ${JSON.stringify(value)?.slice(0, 60)} is not a ${type.name} object`);
    return;
  }
  const message = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(message)) {
    const at = path ? `${path}.${key}` : key;
    const field = type.fields[key];
    if (!field) {
      problems.push(`${at}: ${type.name} has no field '${key}'`);
    } else if (item === null) {
      problems.push(`${at}: null`);
    } else if (field.map) {
      if (typeof item !== 'object' || Array.isArray(item)) problems.push(`${at}: not a map`);
      else for (const [k, v] of Object.entries(item as object)) checkValue(field, v, `${at}.${k}`, problems);
    } else if (field.repeated) {
      if (!Array.isArray(item)) problems.push(`${at}: not an array`);
      else item.forEach((v, i) => checkValue(field, v, `${at}[${i}]`, problems));
    } else {
      checkValue(field, item, at, problems);
    }
  }
  for (const field of type.fieldsArray) {
    if (field.required && message[field.name] === undefined) problems.push(`${path ? `${path}.` : ''}${field.name}: required by ${type.name}, missing`);
  }
}

/** What a strict JSON reader of `name` would refuse in `value` (empty: nothing). */
export function strictJsonProblems(name: MessageName, value: unknown): string[] {
  const problems: string[] = [];
  checkMessage(messageType(name), value, '', problems);
  return problems;
}

/** `bytes` decoded strictly as `name` (in the JSON shape), with what a strict reader would refuse. */
export function strictProtobuf(name: MessageName, bytes: Uint8Array): { message?: Record<string, unknown>; problems: string[] } {
  const type = messageType(name);
  let decoded: Protobuf.Message;
  try {
    decoded = type.decode(bytes);
  } catch (e) {
    return { problems: [`not a ${name}: ${(e as Error).message}`] };
  }
  const message = type.toObject(decoded, { enums: String, longs: Number, bytes: String }) as Record<string, unknown>;
  const problems = strictJsonProblems(name, message);
  if (!Buffer.from(type.encode(decoded).finish()).equals(Buffer.from(bytes))) problems.push(`${name}: holds fields its definition has not`);
  return { message, problems };
}
