// The v1 codec (runtime/common/protocol/codec.ts): the message definitions checked against the Mesos
// docs' JSON examples (each round-trips through protobuf and back), JSON read as Mesos' stout reads it,
// and the enum values Mesolite's code names checked against the definitions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode, fromJson, messageType, protoRoot, type MessageName } from '../../runtime/common/protocol/codec';
import { SESSION_CALLS } from '../../runtime/common/protocol/attach';
import { TASK_STATES } from '../../runtime/common/protocol/v1';
import { ALLOCATION_CALLS } from '../../runtime/master/http/allocation';
import { DRAINING_CALLS } from '../../runtime/master/http/draining';
import { MAINTENANCE_CALLS } from '../../runtime/master/http/maintenance';
import { AGENT_CAPABILITIES } from '../../runtime/master/http/state';
import type * as Protobuf from 'protobufjs';
import examples from '../fixtures/mesos-doc-examples.json';
import { strictJsonProblems, strictProtobuf } from '../helpers/v1-strict';

type Json = Record<string, unknown>;
interface DocExample { doc: string; title: string; json: Json }

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The message as protobuf can carry it: bytes fields in padded base64 (the docs also write them unpadded,
 * as stout reads them), and no empty lists or maps (protobuf cannot tell them from absent ones).
 */
function canonical(type: Protobuf.Type, message: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(message)) {
    const field = type.fields[key];
    if (Array.isArray(value) ? value.length === 0 : field.map && Object.keys(value as Json).length === 0) continue;
    const one = (v: unknown): unknown => (field.type === 'bytes' ? Buffer.from(v as string, 'base64').toString('base64')
      : field.resolvedType && 'fieldsArray' in field.resolvedType ? canonical(field.resolvedType as Protobuf.Type, v as Json) : v);
    out[key] = field.map ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, one(v)])) : Array.isArray(value) ? value.map(one) : one(value);
  }
  return out;
}

/** The messages an example of a doc can be, by what its title calls it. */
function candidates({ doc, title }: DocExample): MessageName[] {
  const kind = /Event/.test(title) ? 'Event' : /Response/.test(title) ? 'Response' : 'Call';
  if (doc === 'scheduler-http-api') return kind === 'Event' ? ['mesos.v1.scheduler.Event'] : ['mesos.v1.scheduler.Call'];
  if (doc === 'executor-http-api') return kind === 'Event' ? ['mesos.v1.executor.Event'] : ['mesos.v1.executor.Call'];
  if (kind === 'Event') return ['mesos.v1.master.Event', 'mesos.v1.agent.ProcessIO'];
  if (kind === 'Response') return ['mesos.v1.master.Response', 'mesos.v1.agent.Response', 'mesos.v1.agent.ProcessIO'];
  return ['mesos.v1.master.Call', 'mesos.v1.agent.Call'];
}

/**
 * Examples where the docs contradict the protos (the protos win): fields the messages have not
 * (`requests`, TaskStatus `bytes`, executor SUBSCRIBED's `agent_id`), scalars or strings where the
 * proto has a message (`limits`, `operation_id`, `uuid`, ERROR's `message`), an OFFERS event whose
 * `offers` is the list itself, an AgentInfo without `hostname`, and master responses with fields of
 * older Mesos versions. They are still read as Mesos reads them, and that reading round-trips.
 */
const CONTRADICTING_PROTOS = new Set([
  'scheduler-http-api: ACCEPT Request (JSON)', 'scheduler-http-api: ACKNOWLEDGE_OPERATION_STATUS Request (JSON)',
  'scheduler-http-api: REQUEST', 'scheduler-http-api: OFFERS Event (JSON)', 'scheduler-http-api: UPDATE Event (JSON)',
  'scheduler-http-api: UPDATE_OPERATION_STATUS Event (JSON)', 'scheduler-http-api: ERROR Event (JSON)', 'scheduler-http-api: Master detection',
  'executor-http-api: SUBSCRIBE Request (JSON)', 'executor-http-api: SUBSCRIBE Response Event (JSON)', 'executor-http-api: LAUNCH Event (JSON)',
  'operator-http-api: GET_STATE HTTP Response (JSON)', 'operator-http-api: GET_FRAMEWORKS HTTP Response (JSON)',
  'operator-http-api: GET_OPERATIONS HTTP Response (JSON)', 'operator-http-api: GET_QUOTA HTTP Response (JSON)',
  'operator-http-api: TASK_ADDED Event (JSON)', 'operator-http-api: TASK_UPDATED Event (JSON)',
]);

test('every JSON example of the scheduler, executor and operator API docs is a message of the definitions, and round-trips through protobuf', () => {
  const contradicting = new Set<string>();
  const docs = examples as DocExample[];
  assert.ok(docs.length >= 120, `${docs.length} examples`);
  for (const example of docs) {
    const label = `${example.doc}: ${example.title}`;
    const fits = candidates(example).map((name) => ({ name, problems: strictJsonProblems(name, example.json) }));
    const fit = fits.find((f) => f.problems.length === 0);
    if (!fit) {
      contradicting.add(label);
      // Where Mesos' reading leaves a message (unknown fields dropped), that reading survives protobuf
      // unchanged; where a value has the wrong type, Mesos refuses the example too.
      const name = fits[0].name;
      const read = fromJson(name, clone(example.json));
      if (strictJsonProblems(name, read).length === 0) assert.deepEqual(decode(name, encode(name, read)), read, label);
      continue;
    }
    const bytes = encode(fit.name, clone(example.json));
    const back = strictProtobuf(fit.name, bytes);
    assert.deepEqual(back.problems, [], label);
    assert.deepEqual(back.message, canonical(messageType(fit.name), example.json), label);
    assert.deepEqual(fromJson(fit.name, clone(example.json)), example.json, `${label}: a conforming message reads as it is`);
  }
  assert.deepEqual([...contradicting].sort(), [...CONTRADICTING_PROTOS].sort());
});

test('JSON as Mesos reads it: null is unset, unknown fields are dropped, unknown enum values unset, numbers and booleans in strings read', () => {
  const subscribe = fromJson('mesos.v1.scheduler.Call', {
    type: 'SUBSCRIBE', surprise: { deep: true },
    subscribe: { framework_info: { user: 'u', name: 'n', capabilities: null, failover_timeout: '3600', checkpoint: 'true', labels: null, hostname: null }, suppressed_roles: null },
  });
  assert.deepEqual(subscribe, { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', failover_timeout: 3600, checkpoint: true } } });

  assert.deepEqual(fromJson('mesos.v1.scheduler.Call', { type: 'RECONCILE', framework_id: { value: 'f' }, reconcile: { tasks: null } }),
    { type: 'RECONCILE', framework_id: { value: 'f' }, reconcile: {} });
  const executor = { executor_id: { value: 'e' }, framework_id: { value: 'f' } };
  assert.deepEqual(fromJson('mesos.v1.executor.Call', { ...executor, type: 'SUBSCRIBE', subscribe: { unacknowledged_tasks: null, unacknowledged_updates: null } }),
    { ...executor, type: 'SUBSCRIBE', subscribe: {} });

  // An optional enum a client names but the definitions do not: unset (its enum's UNKNOWN, where it has one).
  const caps = fromJson('mesos.v1.scheduler.Call', { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', capabilities: [{ type: 'TIME_TRAVEL' }, { type: 'MULTI_ROLE' }] } } });
  assert.deepEqual((caps.subscribe as Json).framework_info, { user: 'u', name: 'n', capabilities: [{ type: 'UNKNOWN' }, { type: 'MULTI_ROLE' }] });
  // In a repeated enum it is skipped; a required one stays for the validator to refuse.
  const flags = fromJson('mesos.v1.master.Call', { type: 'GET_STATE', surprise: 1 });
  assert.deepEqual(flags, { type: 'GET_STATE' });
  const update = fromJson('mesos.v1.executor.Call', { ...executor, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_DREAMING', uuid: 'AAAAAAAAAAAAAAAAAAAAAA==' } } });
  assert.equal(((update.update as Json).status as Json).state, 'TASK_DREAMING');

  // What is of the wrong type stays, for the validators to name the field.
  const wrong = fromJson('mesos.v1.scheduler.Call', { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 7, name: 'n', failover_timeout: '1h', roles: 'a' } } });
  assert.deepEqual((wrong.subscribe as Json).framework_info, { user: 7, name: 'n', failover_timeout: '1h', roles: 'a' });

  // Calls of types the definitions have not (Mesolite's own operator calls) are left as they were read.
  const own = { type: 'MESOLITE_STEP_ALLOCATION', mesolite_step_allocation: { cycles: 2 }, x: null };
  assert.deepEqual(fromJson('mesos.v1.master.Call', clone(own)), own);
});

test('protobuf: a call decodes to the message its JSON reads as; enum numbers the definitions have not read as unset', () => {
  const call = { type: 'ACKNOWLEDGE', framework_id: { value: 'f' }, acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: Buffer.alloc(16, 3).toString('base64') } };
  assert.deepEqual(decode('mesos.v1.scheduler.Call', encode('mesos.v1.scheduler.Call', call)), call);
  // FrameworkInfo.Capability{type: 99}: field 1, varint 99.
  const capability = messageType('mesos.v1.FrameworkInfo.Capability');
  assert.deepEqual(capability.toObject(capability.decode(Uint8Array.from([0x08, 99])), { enums: String }), { type: 99 });
  const subscribe = messageType('mesos.v1.scheduler.Call').encode({ type: 1, subscribe: { framework_info: { user: 'u', name: 'n', capabilities: [{ type: 99 }] } } }).finish();
  assert.deepEqual(decode('mesos.v1.scheduler.Call', subscribe), { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', capabilities: [{ type: 'UNKNOWN' }] } } });
  assert.throws(() => decode('mesos.v1.scheduler.Call', Uint8Array.from([0x0a, 0x05, 0x0a])), /index out of range|invalid wire type|missing required/);
});

test('every enum value Mesolite names is one of the definitions', () => {
  const within = (mine: readonly string[], name: string) => {
    const theirs = Object.keys(protoRoot().lookupEnum(name).values);
    assert.deepEqual(mine.filter((v) => !theirs.includes(v)), [], name);
  };
  within(TASK_STATES, 'mesos.v1.TaskState');
  within(AGENT_CAPABILITIES, 'mesos.v1.AgentInfo.Capability.Type');
  within(SESSION_CALLS, 'mesos.v1.agent.Call.Type');
  within([...DRAINING_CALLS, ...MAINTENANCE_CALLS, ...ALLOCATION_CALLS.filter((c) => !c.startsWith('MESOLITE_'))], 'mesos.v1.master.Call.Type');
});

test('the strict reader refuses what strict clients refuse: unknown values and fields, wrong types, missing required fields', () => {
  const agent = { agent_info: { hostname: 'h' }, active: true, version: '1.11.0', capabilities: [{ type: 'TASK_KILLING_STATE' }] };
  assert.deepEqual(strictJsonProblems('mesos.v1.master.Response', { type: 'GET_AGENTS', get_agents: { agents: [agent] } }),
    ['get_agents.agents[0].capabilities[0].type: "TASK_KILLING_STATE" is no Type value']);
  assert.deepEqual(strictJsonProblems('mesos.v1.scheduler.Event', { type: 'HEARTBEAT', healthy: true, subscribed: { framework_id: { value: 1 } } }), [
    "healthy: Event has no field 'healthy'", 'subscribed.framework_id.value: 1 is not a string',
  ]);
  assert.deepEqual(strictProtobuf('mesos.v1.executor.Call', Uint8Array.from([])).problems, ["not a mesos.v1.executor.Call: missing required 'executor_id'"]);
});
