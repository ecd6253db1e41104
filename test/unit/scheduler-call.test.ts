// Shape validation of v1 scheduler calls (parseSchedulerCall in runtime/master/http/scheduler.ts).
// Valid calls are the examples of Mesos' docs/scheduler-http-api.md; bad calls must throw a
// ValidationError whose message names the offending field path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../runtime/common/validate';
import { parseSchedulerCall } from '../../runtime/master/http/scheduler';

type Json = Record<string, unknown>;

const FRAMEWORK_ID = { value: '12220-3440-12532-2345' };
const AGENT_ID = { value: '12220-3440-12532-S1233' };
/** 16 raw bytes (a UUID), base64 with padding. */
const UUID_B64 = Buffer.alloc(16, 7).toString('base64');

function rejects(body: Json, field: RegExp, label = JSON.stringify(body)): void {
  assert.throws(() => parseSchedulerCall(body), (e: unknown) => {
    assert.ok(e instanceof ValidationError, `${label}: expected a ValidationError, got ${String(e)}`);
    assert.match(e.message, field, label);
    return true;
  }, label);
}

// --- the documented examples are accepted --------------------------------------------------------

const DOC_EXAMPLES: Record<string, Json> = {
  'SUBSCRIBE (multi-role, suppressed roles, offer constraints)': {
    type: 'SUBSCRIBE',
    subscribe: {
      framework_info: {
        user: 'foo',
        name: 'Example HTTP Framework',
        roles: ['test1', 'test2'],
        capabilities: [{ type: 'MULTI_ROLE' }],
      },
      suppressed_roles: ['test2'],
      offer_constraints: {
        role_constraints: {
          test1: { groups: [{ attribute_constraints: [{ selector: { attribute_name: 'foo' }, predicate: { exists: {} } }] }] },
        },
      },
    },
  },
  'SUBSCRIBE (older example with force)': {
    type: 'SUBSCRIBE',
    subscribe: { framework_info: { user: 'foo', name: 'Example HTTP Framework' }, force: true },
  },
  'SUBSCRIBE (re-subscribing with an id, role and checkpointing)': {
    framework_id: FRAMEWORK_ID,
    type: 'SUBSCRIBE',
    subscribe: {
      framework_info: {
        id: FRAMEWORK_ID, user: 'foo', name: 'fw', role: 'web', checkpoint: true, failover_timeout: 604800,
        hostname: 'localhost', principal: 'p', webui_url: 'http://localhost:8080', capabilities: [{ type: 'PARTITION_AWARE' }],
      },
    },
  },
  TEARDOWN: { framework_id: FRAMEWORK_ID, type: 'TEARDOWN' },
  'ACCEPT with LAUNCH': {
    framework_id: FRAMEWORK_ID,
    type: 'ACCEPT',
    accept: {
      offer_ids: [{ value: '12220-3440-12532-O12' }],
      operations: [{
        type: 'LAUNCH',
        launch: {
          task_infos: [{
            name: 'My Task',
            task_id: { value: '12220-3440-12532-my-task' },
            agent_id: AGENT_ID,
            executor: { command: { shell: true, value: 'sleep 1000' }, executor_id: { value: '12214-23523-my-executor' } },
            resources: [
              { allocation_info: { role: 'engineering' }, name: 'cpus', role: '*', type: 'SCALAR', scalar: { value: 1.0 } },
              { allocation_info: { role: 'engineering' }, name: 'mem', role: '*', type: 'SCALAR', scalar: { value: 128.0 } },
            ],
            limits: { cpus: 'Infinity', mem: 512.0 },
          }],
        },
      }],
      filters: { refuse_seconds: 5.0 },
    },
  },
  'ACCEPT with LAUNCH_GROUP': {
    framework_id: FRAMEWORK_ID,
    type: 'ACCEPT',
    accept: {
      offer_ids: [{ value: 'O1' }],
      operations: [{
        type: 'LAUNCH_GROUP',
        launch_group: {
          executor: { type: 'DEFAULT', executor_id: { value: 'group-executor' }, framework_id: FRAMEWORK_ID },
          task_group: { tasks: [{ name: 't', task_id: { value: 't1' }, agent_id: AGENT_ID, command: { value: 'sleep 10' } }] },
        },
      }],
    },
  },
  'ACCEPT with no operations': { framework_id: FRAMEWORK_ID, type: 'ACCEPT', accept: { offer_ids: [{ value: 'O1' }] } },
  'DECLINE with filters': {
    framework_id: FRAMEWORK_ID,
    type: 'DECLINE',
    decline: { offer_ids: [{ value: '12220-3440-12532-O12' }, { value: '12220-3440-12532-O13' }], filters: { refuse_seconds: 5.0 } },
  },
  'REVIVE (all roles)': { framework_id: FRAMEWORK_ID, type: 'REVIVE' },
  'REVIVE (some roles)': { framework_id: FRAMEWORK_ID, type: 'REVIVE', revive: { roles: ['test1'] } },
  SUPPRESS: { framework_id: FRAMEWORK_ID, type: 'SUPPRESS', suppress: { roles: ['test2'] } },
  KILL: {
    framework_id: FRAMEWORK_ID,
    type: 'KILL',
    kill: { task_id: { value: '12220-3440-12532-my-task' }, agent_id: AGENT_ID },
  },
  'KILL with a kill policy': {
    framework_id: FRAMEWORK_ID,
    type: 'KILL',
    kill: { task_id: { value: 't' }, kill_policy: { grace_period: { nanoseconds: 5e9 } } },
  },
  SHUTDOWN: {
    framework_id: FRAMEWORK_ID,
    type: 'SHUTDOWN',
    shutdown: { executor_id: { value: '123450-2340-1232-my-executor' }, agent_id: AGENT_ID },
  },
  'ACKNOWLEDGE (16 bytes, padded base64)': {
    framework_id: FRAMEWORK_ID,
    type: 'ACKNOWLEDGE',
    acknowledge: { agent_id: AGENT_ID, task_id: { value: '12220-3440-12532-my-task' }, uuid: UUID_B64 },
  },
  RECONCILE: {
    framework_id: FRAMEWORK_ID,
    type: 'RECONCILE',
    reconcile: { tasks: [{ task_id: { value: '312325' }, agent_id: { value: '123535' } }] },
  },
  'RECONCILE (implicit)': { framework_id: FRAMEWORK_ID, type: 'RECONCILE', reconcile: { tasks: [] } },
  MESSAGE: {
    framework_id: FRAMEWORK_ID,
    type: 'MESSAGE',
    message: { agent_id: AGENT_ID, executor_id: { value: 'my-framework-executor' }, data: 'adaf838jahd748jnaldf' },
  },
  REQUEST: {
    framework_id: FRAMEWORK_ID,
    type: 'REQUEST',
    requests: [{ agent_id: AGENT_ID, resources: {} }],
  },
  UPDATE_FRAMEWORK: {
    framework_id: FRAMEWORK_ID,
    type: 'UPDATE_FRAMEWORK',
    update_framework: { framework_info: { id: FRAMEWORK_ID, user: 'foo', name: 'renamed' }, suppressed_roles: [] },
  },
};

for (const [name, body] of Object.entries(DOC_EXAMPLES)) {
  test(`accepts ${name}`, () => {
    const copy = structuredClone(body);
    const call = parseSchedulerCall(copy);
    assert.equal(call as unknown, copy, 'the call is the body itself');
    assert.deepEqual(copy, body, 'parsing does not modify the body');
    assert.equal(call.type, body.type);
  });
}

test('accepts the docs ACKNOWLEDGE example (uuid is unpadded base64 of 16 bytes)', () => {
  // docs/scheduler-http-api.md sends "uuid": "jhadf73jhakdlfha723adf" (22 characters). Mesos decodes
  // bytes with stout's base64::decode, which does not require '=' padding; 22 characters are 16 bytes,
  // a valid UUID, so Mesos accepts this call.
  assert.equal(Buffer.from('jhadf73jhakdlfha723adf', 'base64').length, 16);
  const call = parseSchedulerCall({
    framework_id: FRAMEWORK_ID,
    type: 'ACKNOWLEDGE',
    acknowledge: { agent_id: AGENT_ID, task_id: { value: '12220-3440-12532-my-task' }, uuid: 'jhadf73jhakdlfha723adf' },
  });
  assert.equal(call.type, 'ACKNOWLEDGE');
});

test('rejects an ACKNOWLEDGE whose uuid is not 16 bytes (Mesos: UUID::fromBytes)', () => {
  const ack = (uuid: string) => ({ framework_id: FRAMEWORK_ID, type: 'ACKNOWLEDGE', acknowledge: { agent_id: AGENT_ID, task_id: { value: 't' }, uuid } });
  rejects(ack(''), /'acknowledge\.uuid'/, 'empty uuid');
  rejects(ack('AAAA'), /'acknowledge\.uuid'/, '3-byte uuid');
});

// --- bad calls name the field --------------------------------------------------------------------

const subscribe = (framework_info: unknown, extra: Json = {}): Json => ({ type: 'SUBSCRIBE', subscribe: { framework_info, ...extra } });
const accept = (acceptBody: unknown): Json => ({ framework_id: FRAMEWORK_ID, type: 'ACCEPT', accept: acceptBody });
const launch = (operation: unknown): Json => accept({ offer_ids: [{ value: 'O1' }], operations: [operation] });
const call = (type: string, key: string, value: unknown): Json => ({ framework_id: FRAMEWORK_ID, type, [key]: value });

const BAD_CALLS: Array<[string, Json, RegExp]> = [
  ['no type', {}, /^'type' must be one of SUBSCRIBE, TEARDOWN, ACCEPT/],
  ['unknown type', { type: 'LAUNCH_ROCKETS' }, /^'type' must be one of .*; got "LAUNCH_ROCKETS"$/],
  ['lower-case type', { type: 'subscribe' }, /^'type' must be one of/],
  ['numeric type', { type: 1 }, /^'type' must be one of .*; got 1$/],
  ['framework_id without value', { type: 'TEARDOWN', framework_id: {} }, /^'framework_id\.value' must be a non-empty string$/],
  ['framework_id as a string', { type: 'TEARDOWN', framework_id: 'abc' }, /^'framework_id' must be an object$/],

  ['SUBSCRIBE without subscribe', { type: 'SUBSCRIBE' }, /^'subscribe' must be an object$/],
  ['SUBSCRIBE without framework_info', { type: 'SUBSCRIBE', subscribe: {} }, /^'subscribe\.framework_info' must be an object$/],
  ['framework_info without user', subscribe({ name: 'x' }), /^'subscribe\.framework_info\.user' must be a string$/],
  ['numeric user', subscribe({ user: 7, name: 'x' }), /^'subscribe\.framework_info\.user' must be a string$/],
  ['framework_info without name', subscribe({ user: 'u' }), /^'subscribe\.framework_info\.name' must be a string$/],
  ['empty framework id', subscribe({ user: 'u', name: 'x', id: { value: '' } }), /^'subscribe\.framework_info\.id\.value'/],
  ['string failover_timeout', subscribe({ user: 'u', name: 'x', failover_timeout: '1' }), /^'subscribe\.framework_info\.failover_timeout' must be a number$/],
  ['string checkpoint', subscribe({ user: 'u', name: 'x', checkpoint: 'yes' }), /^'subscribe\.framework_info\.checkpoint' must be a boolean$/],
  ['numeric role', subscribe({ user: 'u', name: 'x', role: 5 }), /^'subscribe\.framework_info\.role' must be a string$/],
  ['capability without type', subscribe({ user: 'u', name: 'x', capabilities: [{}] }), /^'subscribe\.framework_info\.capabilities\[0\]\.type' must be a string$/],
  ['capabilities not an array', subscribe({ user: 'u', name: 'x', capabilities: 'MULTI_ROLE' }), /^'subscribe\.framework_info\.capabilities' must be an array$/],
  ['numeric entry in roles', subscribe({ user: 'u', name: 'x', roles: ['a', 2], capabilities: [{ type: 'MULTI_ROLE' }] }), /^'subscribe\.framework_info\.roles\[1\]' must be a string$/],
  ['suppressed_roles not an array', subscribe({ user: 'u', name: 'x' }, { suppressed_roles: 'a' }), /^'subscribe\.suppressed_roles' must be an array$/],

  ['UPDATE_FRAMEWORK without update_framework', call('UPDATE_FRAMEWORK', 'x', 1), /^'update_framework' must be an object$/],
  ['UPDATE_FRAMEWORK without user', call('UPDATE_FRAMEWORK', 'update_framework', { framework_info: { name: 'x' } }), /^'update_framework\.framework_info\.user'/],

  ['ACCEPT without accept', call('ACCEPT', 'x', 1), /^'accept' must be an object$/],
  ['ACCEPT without offer_ids', accept({}), /^'accept\.offer_ids' must be an array$/],
  ['offer id without value', accept({ offer_ids: [{ value: 'O1' }, {}] }), /^'accept\.offer_ids\[1\]\.value' must be a non-empty string$/],
  ['empty offer id', accept({ offer_ids: [{ value: '' }] }), /^'accept\.offer_ids\[0\]\.value'/],
  ['operations not an array', accept({ offer_ids: [], operations: {} }), /^'accept\.operations' must be an array$/],
  ['unknown operation type', launch({ type: 'EXPLODE' }), /^'accept\.operations\[0\]\.type' must be one of LAUNCH, LAUNCH_GROUP/],
  ['LAUNCH without launch', launch({ type: 'LAUNCH' }), /^'accept\.operations\[0\]\.launch' must be an object$/],
  ['LAUNCH without task_infos', launch({ type: 'LAUNCH', launch: {} }), /^'accept\.operations\[0\]\.launch\.task_infos' must be an array$/],
  ['LAUNCH with a non-object task', launch({ type: 'LAUNCH', launch: { task_infos: [{}, 'task'] } }), /^'accept\.operations\[0\]\.launch\.task_infos\[1\]' must be an object$/],
  ['LAUNCH_GROUP without executor', launch({ type: 'LAUNCH_GROUP', launch_group: { task_group: { tasks: [] } } }), /^'accept\.operations\[0\]\.launch_group\.executor' must be an object$/],
  ['LAUNCH_GROUP without tasks', launch({ type: 'LAUNCH_GROUP', launch_group: { executor: {}, task_group: {} } }), /^'accept\.operations\[0\]\.launch_group\.task_group\.tasks' must be an array$/],

  ['DECLINE without offer_ids', call('DECLINE', 'decline', {}), /^'decline\.offer_ids' must be an array$/],
  ['DECLINE filters not an object', call('DECLINE', 'decline', { offer_ids: [], filters: 5 }), /^'decline\.filters' must be an object$/],
  ['string refuse_seconds', call('DECLINE', 'decline', { offer_ids: [], filters: { refuse_seconds: 'soon' } }), /^'decline\.filters\.refuse_seconds' must be a number$/],

  ['REVIVE roles not an array', call('REVIVE', 'revive', { roles: 'a' }), /^'revive\.roles' must be an array$/],
  ['REVIVE not an object', call('REVIVE', 'revive', []), /^'revive' must be an object$/],
  ['SUPPRESS numeric role', call('SUPPRESS', 'suppress', { roles: [1] }), /^'suppress\.roles\[0\]' must be a string$/],

  ['KILL without kill', call('KILL', 'x', 1), /^'kill' must be an object$/],
  ['KILL without task_id', call('KILL', 'kill', { agent_id: AGENT_ID }), /^'kill\.task_id' must be an object$/],
  ['KILL with a bad agent_id', call('KILL', 'kill', { task_id: { value: 't' }, agent_id: { value: 3 } }), /^'kill\.agent_id\.value' must be a non-empty string$/],
  ['KILL with a bad grace period', call('KILL', 'kill', { task_id: { value: 't' }, kill_policy: { grace_period: { nanoseconds: 'x' } } }), /^'kill\.kill_policy\.grace_period\.nanoseconds' must be a number$/],

  ['SHUTDOWN without agent_id', call('SHUTDOWN', 'shutdown', { executor_id: { value: 'e' } }), /^'shutdown\.agent_id' must be an object$/],
  ['SHUTDOWN without executor_id', call('SHUTDOWN', 'shutdown', { agent_id: AGENT_ID }), /^'shutdown\.executor_id' must be an object$/],

  ['ACKNOWLEDGE without acknowledge', call('ACKNOWLEDGE', 'x', 1), /^'acknowledge' must be an object$/],
  ['ACKNOWLEDGE without task_id', call('ACKNOWLEDGE', 'acknowledge', { agent_id: AGENT_ID, uuid: UUID_B64 }), /^'acknowledge\.task_id' must be an object$/],
  ['ACKNOWLEDGE without agent_id', call('ACKNOWLEDGE', 'acknowledge', { task_id: { value: 't' }, uuid: UUID_B64 }), /^'acknowledge\.agent_id' must be an object$/],
  ['ACKNOWLEDGE uuid not base64', call('ACKNOWLEDGE', 'acknowledge', { agent_id: AGENT_ID, task_id: { value: 't' }, uuid: 'not base64!' }), /^'acknowledge\.uuid' must be base64-encoded bytes$/],
  ['ACKNOWLEDGE uuid as a number', call('ACKNOWLEDGE', 'acknowledge', { agent_id: AGENT_ID, task_id: { value: 't' }, uuid: 1234 }), /^'acknowledge\.uuid' must be a string$/],
  ['ACKNOWLEDGE uuid missing', call('ACKNOWLEDGE', 'acknowledge', { agent_id: AGENT_ID, task_id: { value: 't' } }), /^'acknowledge\.uuid' must be a string$/],

  ['RECONCILE without reconcile', call('RECONCILE', 'x', 1), /^'reconcile' must be an object$/],
  ['RECONCILE tasks not an array', call('RECONCILE', 'reconcile', { tasks: {} }), /^'reconcile\.tasks' must be an array$/],
  ['RECONCILE task without task_id', call('RECONCILE', 'reconcile', { tasks: [{ task_id: { value: 'a' } }, { agent_id: AGENT_ID }] }), /^'reconcile\.tasks\[1\]\.task_id' must be an object$/],
  ['RECONCILE task with a bad agent_id', call('RECONCILE', 'reconcile', { tasks: [{ task_id: { value: 'a' }, agent_id: {} }] }), /^'reconcile\.tasks\[0\]\.agent_id\.value'/],

  ['MESSAGE without executor_id', call('MESSAGE', 'message', { agent_id: AGENT_ID, data: '' }), /^'message\.executor_id' must be an object$/],
  ['MESSAGE data not base64', call('MESSAGE', 'message', { agent_id: AGENT_ID, executor_id: { value: 'e' }, data: 'hello world' }), /^'message\.data' must be base64-encoded bytes$/],
  ['MESSAGE without data', call('MESSAGE', 'message', { agent_id: AGENT_ID, executor_id: { value: 'e' } }), /^'message\.data' must be a string$/],
];

test('bad calls throw a ValidationError naming the field path', () => {
  for (const [label, body, field] of BAD_CALLS) rejects(body, field, label);
});

test('every call type is recognised', () => {
  const types = ['SUBSCRIBE', 'TEARDOWN', 'ACCEPT', 'DECLINE', 'ACCEPT_INVERSE_OFFERS', 'DECLINE_INVERSE_OFFERS', 'REVIVE', 'KILL',
    'SHUTDOWN', 'ACKNOWLEDGE', 'ACKNOWLEDGE_OPERATION_STATUS', 'RECONCILE', 'RECONCILE_OPERATIONS', 'MESSAGE', 'REQUEST', 'SUPPRESS', 'UPDATE_FRAMEWORK'];
  try {
    parseSchedulerCall({ type: 'NOPE' });
    assert.fail('NOPE was accepted');
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    for (const type of types) assert.ok(e.message.includes(type), `${type} listed in: ${e.message}`);
  }
});

// Mesos accepts these on the wire: negative refuse_seconds mean the default (5 s), a negative
// failover_timeout is allowed, and role/roles rules are checked by the master (answered with an ERROR event).
test('shape-valid calls that Mesos judges later are not refused by the parser', () => {
  parseSchedulerCall(accept({ offer_ids: [], filters: { refuse_seconds: -5 } }));
  parseSchedulerCall(subscribe({ user: 'u', name: 'x', failover_timeout: -1 }));
  parseSchedulerCall(subscribe({ user: 'u', name: 'x', roles: ['a'] }));
});
