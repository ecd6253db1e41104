// Shape validation of v1 executor calls (parseExecutorCall in runtime/agent/http/executor.ts), against
// the examples of Mesos' docs/executor-http-api.md and the agent's own rules (no TASK_STAGING from an
// executor, bytes as base64).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TASK_STATES } from '../../runtime/common/protocol/v1';
import { ValidationError } from '../../runtime/common/validate';
import { parseExecutorCall } from '../../runtime/agent/http/executor';

type Json = Record<string, unknown>;

const IDS = {
  executor_id: { value: '387aa966-8fc5-4428-a794-5a868a60d3eb' },
  framework_id: { value: '9aaa9d0d-e00d-444f-bfbd-23dd197939a0-0000' },
};
const DOC_UUID = 'ZDQwZjNmM2UtYmJlMy00NGFmLWEyMzAtNGNiMWVhZTcyZjY3Cg==';
const UUID_B64 = Buffer.alloc(16, 1).toString('base64');

const status = (overrides: Json = {}): Json => ({
  task_id: { value: '66724cec-2609-4fa0-8d93-c5fb2099d0f8' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid: UUID_B64, ...overrides,
});
const update = (s: unknown): Json => ({ ...IDS, type: 'UPDATE', update: { status: s } });

function rejects(body: Json, field: RegExp, label = JSON.stringify(body)): void {
  assert.throws(() => parseExecutorCall(body), (e: unknown) => {
    assert.ok(e instanceof ValidationError, `${label}: expected a ValidationError, got ${String(e)}`);
    assert.match(e.message, field, label);
    return true;
  }, label);
}

// --- accepted ------------------------------------------------------------------------------------

// The docs' examples carry a 37-byte uuid, which Mesos itself refuses (UUID::fromBytes); they are
// used here with a real 16-byte uuid.
test('accepts the docs SUBSCRIBE example with unacknowledged tasks and updates', () => {
  const body: Json = {
    type: 'SUBSCRIBE',
    executor_id: { value: '387aa966-8fc5-4428-a794-5a868a60d3eb' },
    framework_id: { value: '49154f1b-8cf6-4421-bf13-8bd11dccd1f1' },
    subscribe: {
      unacknowledged_tasks: [{
        name: 'dummy-task',
        task_id: { value: 'd40f3f3e-bbe3-44af-a230-4cb1eae72f67' },
        agent_id: { value: 'f1c9cdc5-195e-41a7-a0d7-adaa9af07f81' },
        command: { value: 'ls', arguments: ['-l', '/tmp'] },
      }],
      unacknowledged_updates: [{
        framework_id: { value: '49154f1b-8cf6-4421-bf13-8bd11dccd1f1' },
        status: { source: 'SOURCE_EXECUTOR', task_id: { value: 'd40f3f3e-bbe3-44af-a230-4cb1eae72f67' }, state: 'TASK_RUNNING', uuid: UUID_B64 },
      }],
    },
  };
  assert.equal(parseExecutorCall(body) as unknown, body);
});

test('accepts a SUBSCRIBE with an empty subscribe message', () => {
  assert.equal(parseExecutorCall({ ...IDS, type: 'SUBSCRIBE', subscribe: {} }).type, 'SUBSCRIBE');
});

test('accepts the docs UPDATE example', () => {
  const body = update({
    executor_id: IDS.executor_id,
    source: 'SOURCE_EXECUTOR',
    state: 'TASK_RUNNING',
    task_id: { value: '66724cec-2609-4fa0-8d93-c5fb2099d0f8' },
    uuid: UUID_B64,
  });
  const call = parseExecutorCall(body);
  assert.equal(call.type, 'UPDATE');
  assert.equal(call.update?.status.state, 'TASK_RUNNING');
});

test('accepts an UPDATE with every optional status field', () => {
  const body = update(status({ state: 'TASK_FAILED', message: 'exit 1', timestamp: 1700000000.5, healthy: false, data: Buffer.from('out').toString('base64') }));
  assert.equal(parseExecutorCall(body).update?.status.message, 'exit 1');
});

test('accepts an UPDATE in every state but TASK_STAGING', () => {
  for (const state of TASK_STATES.filter((s) => s !== 'TASK_STAGING')) {
    assert.equal(parseExecutorCall(update(status({ state }))).update?.status.state, state);
  }
});

test('accepts MESSAGE in the proto shape and HEARTBEAT', () => {
  assert.equal(parseExecutorCall({ ...IDS, type: 'MESSAGE', message: { data: 't+Wonz5fRFKMzCnEptlv5A==' } }).message?.data, 't+Wonz5fRFKMzCnEptlv5A==');
  assert.equal(parseExecutorCall({ ...IDS, type: 'HEARTBEAT' }).type, 'HEARTBEAT');
});

// --- refused -------------------------------------------------------------------------------------

test('UPDATE with TASK_STAGING is refused: that state belongs to the agent', () => {
  rejects(update(status({ state: 'TASK_STAGING' })), /^'update\.status\.state' cannot be TASK_STAGING/);
  const resubscribe = {
    ...IDS, type: 'SUBSCRIBE', subscribe: { unacknowledged_updates: [{ status: status() }, { status: status({ state: 'TASK_STAGING' }) }] },
  };
  rejects(resubscribe, /^'subscribe\.unacknowledged_updates\[1\]\.status\.state' cannot be TASK_STAGING/);
});

test('the MESSAGE example of docs/executor-http-api.md puts data at the top level; the proto wins', () => {
  // executor.proto: Call.message is a Call.Message {data}; the doc example's top-level "data" is not a field.
  rejects({ ...IDS, type: 'MESSAGE', data: 't+Wonz5fRFKMzCnEptlv5A==' }, /^'message' must be an object$/);
});

const BAD_CALLS: Array<[string, Json, RegExp]> = [
  ['no type', { ...IDS }, /^'type' must be one of SUBSCRIBE, UPDATE, MESSAGE, HEARTBEAT$/],
  ['an event type', { ...IDS, type: 'LAUNCH' }, /^'type' must be one of .*; got "LAUNCH"$/],
  ['no executor_id', { type: 'HEARTBEAT', framework_id: IDS.framework_id }, /^'executor_id' must be an object$/],
  ['empty executor_id', { type: 'HEARTBEAT', framework_id: IDS.framework_id, executor_id: { value: '' } }, /^'executor_id\.value' must be a non-empty string$/],
  ['no framework_id', { type: 'HEARTBEAT', executor_id: IDS.executor_id }, /^'framework_id' must be an object$/],
  ['subscribe not an object', { ...IDS, type: 'SUBSCRIBE', subscribe: 'yes' }, /^'subscribe' must be an object$/],
  ['unacknowledged_tasks not an array', { ...IDS, type: 'SUBSCRIBE', subscribe: { unacknowledged_tasks: {} } }, /^'subscribe\.unacknowledged_tasks' must be an array$/],
  ['unacknowledged task not an object', { ...IDS, type: 'SUBSCRIBE', subscribe: { unacknowledged_tasks: ['t'] } }, /^'subscribe\.unacknowledged_tasks\[0\]' must be an object$/],
  ['unacknowledged update without status', { ...IDS, type: 'SUBSCRIBE', subscribe: { unacknowledged_updates: [{}] } }, /^'subscribe\.unacknowledged_updates\[0\]\.status' must be an object$/],
  ['UPDATE without update', { ...IDS, type: 'UPDATE' }, /^'update' must be an object$/],
  ['UPDATE without status', { ...IDS, type: 'UPDATE', update: {} }, /^'update\.status' must be an object$/],
  ['status without task_id', update(status({ task_id: undefined })), /^'update\.status\.task_id' must be an object$/],
  ['status with an empty task_id', update(status({ task_id: { value: '' } })), /^'update\.status\.task_id\.value' must be a non-empty string$/],
  ['unknown state', update(status({ state: 'TASK_BORED' })), /^'update\.status\.state' must be one of TASK_STAGING, .*; got "TASK_BORED"$/],
  ['no state', update(status({ state: undefined })), /^'update\.status\.state' must be one of/],
  ['uuid missing', update(status({ uuid: undefined })), /^'update\.status\.uuid' must be a string$/],
  ['uuid not base64', update(status({ uuid: 'd40f3f3e-bbe3-44af-a230-4cb1eae72f67' })), /^'update\.status\.uuid' must be base64-encoded bytes$/],
  ['data not base64', update(status({ data: 'plain text' })), /^'update\.status\.data' must be base64-encoded bytes$/],
  ['message not a string', update(status({ message: 42 })), /^'update\.status\.message' must be a string$/],
  ['timestamp not a number', update(status({ timestamp: 'now' })), /^'update\.status\.timestamp' must be a number$/],
  ['healthy not a boolean', update(status({ healthy: 'yes' })), /^'update\.status\.healthy' must be a boolean$/],
  ['MESSAGE without data', { ...IDS, type: 'MESSAGE', message: {} }, /^'message\.data' must be a string$/],
  ['MESSAGE data not base64', { ...IDS, type: 'MESSAGE', message: { data: 'hello!' } }, /^'message\.data' must be base64-encoded bytes$/],
];

test('bad calls throw a ValidationError naming the field path', () => {
  for (const [label, body, field] of BAD_CALLS) rejects(body, field, label);
});

// --- Mesos parity (slave/validation.cpp executor::call::validate) -------------------------------

test('an UPDATE whose uuid is not 16 bytes is refused, as in Mesos (UUID::fromBytes)', () => {
  rejects(update(status({ uuid: '' })), /'update\.status\.uuid'/, 'empty uuid');
  rejects(update(status({ uuid: DOC_UUID })), /Not a valid UUID.*got 37 bytes/, 'the docs example uuid');
});
