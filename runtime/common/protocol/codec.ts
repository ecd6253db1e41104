// The one codec of Mesos' v1 APIs. Handlers see plain messages in Mesos' JSON shape (snake_case field
// names, enum value names, bytes as base64, 64-bit integers as numbers) whether the wire carried JSON or
// application/x-protobuf: JSON is read as Mesos' stout reads it into a protobuf, protobuf is decoded with
// the definitions in ./proto (protobufjs), and answers are encoded back the same two ways.
//
// What stout's JSON reader does, and so does fromJson(): `null` leaves a field unset; unknown fields are
// ignored; an unknown enum name leaves an optional field unset (it then reads as its enum's UNKNOWN, where
// there is one, and so it is kept here) and is skipped in a repeated one (only a required enum fails); a string holding a JSON number is read as that number, "true"/"false" as a
// boolean. What is of the wrong type is left as it is, for the handlers' validators to name it.
import type * as Protobuf from 'protobufjs';
import { AGENT } from './proto/agent';
import { EXECUTOR } from './proto/executor';
import { ALLOCATOR, MAINTENANCE, MASTER, QUOTA } from './proto/master';
import { MESOS } from './proto/mesos';
import { DURATION, MESOS_2 } from './proto/mesos-2';
import { SCHEDULER } from './proto/scheduler';

/** The messages the v1 endpoints read and write (each endpoint's Call, Response, Event). */
export type MessageName =
  | 'mesos.v1.scheduler.Call' | 'mesos.v1.scheduler.Event'
  | 'mesos.v1.executor.Call' | 'mesos.v1.executor.Event'
  | 'mesos.v1.master.Call' | 'mesos.v1.master.Response' | 'mesos.v1.master.Event'
  | 'mesos.v1.agent.Call' | 'mesos.v1.agent.Response' | 'mesos.v1.agent.ProcessIO';

type Json = Record<string, unknown>;

let root: Protobuf.Root | undefined;

/** The definitions, parsed on first use: daemons that never meet a v1 call never load protobufjs. */
export function protoRoot(): Protobuf.Root {
  if (!root) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const protobuf = require('protobufjs') as typeof Protobuf;
    const built = new protobuf.Root();
    for (const def of [MESOS, MESOS_2, DURATION, SCHEDULER, EXECUTOR, MASTER, MAINTENANCE, QUOTA, ALLOCATOR, AGENT]) {
      protobuf.parse(`syntax = "proto2"; package ${def.package};\n${def.text}`, built, { keepCase: true });
    }
    built.resolveAll();
    root = built;
  }
  return root;
}

export const messageType = (name: string): Protobuf.Type => protoRoot().lookupType(name);

// ---- JSON as Mesos reads it

type Kind = 'message' | 'enum' | 'number' | 'bool' | 'string' | 'bytes';
interface FieldSpec { kind: Kind; repeated: boolean; required: boolean; map: boolean; message?: Protobuf.Type; names?: ReadonlySet<string>; unset?: unknown }

const NUMERIC = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);
const specs = new WeakMap<Protobuf.Type, Map<string, FieldSpec>>();

function fieldsOf(type: Protobuf.Type): Map<string, FieldSpec> {
  let fields = specs.get(type);
  if (!fields) {
    fields = new Map();
    for (const f of type.fieldsArray) {
      const resolved = f.resolvedType;
      const isEnum = resolved !== null && !('fieldsArray' in resolved);
      const kind: Kind = resolved ? (isEnum ? 'enum' : 'message') : NUMERIC.has(f.type) ? 'number' : f.type === 'bool' ? 'bool' : f.type === 'bytes' ? 'bytes' : 'string';
      fields.set(f.name, {
        kind, repeated: f.repeated, required: f.required, map: f.map,
        ...(kind === 'message' ? { message: resolved as Protobuf.Type } : {}),
        ...(isEnum ? { names: new Set(Object.keys((resolved as Protobuf.Enum).values)) } : {}),
        ...(isEnum && !f.repeated && 'UNKNOWN' in (resolved as Protobuf.Enum).values ? { unset: 'UNKNOWN' } : {}),
      });
    }
    specs.set(type, fields);
  }
  return fields;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const DROP = Symbol('drop');

/** One value of a field as stout reads it; DROP when the field stays unset. */
function readValue(spec: FieldSpec, value: unknown): unknown {
  if (value === null) return DROP;
  switch (spec.kind) {
    case 'message':
      if (typeof value === 'object' && !Array.isArray(value)) normalize(spec.message!, value as Json);
      return value;
    case 'enum':
      return typeof value === 'string' && spec.names!.has(value) ? value : spec.required ? value : spec.unset ?? DROP;
    case 'number':
      return typeof value === 'string' && JSON_NUMBER.test(value) ? Number(value) : value;
    case 'bool':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      return value;
  }
}

function normalize(type: Protobuf.Type, message: Json): void {
  const fields = fieldsOf(type);
  for (const key of Object.keys(message)) {
    const spec = fields.get(key);
    const value = message[key];
    if (!spec || value === null) {
      delete message[key];
    } else if (spec.map) {
      if (typeof value !== 'object' || Array.isArray(value)) continue;
      const entries = value as Json;
      for (const k of Object.keys(entries)) {
        const read = readValue({ ...spec, repeated: false, required: false }, entries[k]);
        if (read === DROP) delete entries[k];
        else entries[k] = read;
      }
    } else if (spec.repeated) {
      if (!Array.isArray(value)) continue;
      let dropped = false;
      for (let i = 0; i < value.length; i++) {
        const read = readValue(spec, value[i]);
        if (read === DROP) dropped = true;
        value[i] = read;
      }
      if (dropped) message[key] = value.filter((v) => v !== DROP);
    } else {
      const read = readValue(spec, value);
      if (read === DROP) delete message[key];
      else message[key] = read;
    }
  }
}

/**
 * A message read from JSON (the parsed body is normalized in place). A call whose `type` is no value
 * of the message's Type enum is left as it was read: a Mesolite extension call (its handler reads it),
 * or an unknown call its validator refuses.
 */
export function fromJson(name: MessageName, value: Json): Json {
  const type = messageType(name);
  const typeField = fieldsOf(type).get('type');
  if (typeField?.kind === 'enum' && !(typeof value.type === 'string' && typeField.names!.has(value.type))) return value;
  normalize(type, value);
  return value;
}

// ---- protobuf

const TO_OBJECT: Protobuf.IConversionOptions = { enums: String, longs: Number, bytes: String };

/** A message decoded from protobuf bytes (throws for bytes that are not one), in the JSON shape. */
export function decode(name: MessageName, bytes: Uint8Array): Json {
  const type = messageType(name);
  const message = type.toObject(type.decode(bytes), TO_OBJECT) as Json;
  // Enum numbers this definition does not know come out as numbers: unset, as protobuf leaves them.
  normalize(type, message);
  return message;
}

/** A message in the JSON shape, encoded as protobuf; fields the definition has not are left out. */
export function encode(name: MessageName, message: unknown): Uint8Array {
  const type = messageType(name);
  return type.encode(type.fromObject(message as Json)).finish();
}
