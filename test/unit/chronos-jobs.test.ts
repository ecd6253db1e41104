// The pure parts of the Chronos-compatible framework: ISO 8601 schedules, task ids, the dependency
// graph's cycle check and edge counts, job validation's defaults, and the editor's JSON Schema beside it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { checkParents, readyChildren, resetEdges, rewireEdges } from '../../runtime/frameworks/chronos/graph';
import { parseTaskId, taskId } from '../../runtime/frameworks/chronos/job';
import { advance, formatSchedule, parseSchedule } from '../../runtime/frameworks/chronos/schedule';
import { CHRONOS_STATE, type ChronosState } from '../../runtime/frameworks/chronos/state';
import { parseJob } from '../../runtime/frameworks/chronos/validation';

const defaults = { cpus: 0.1, mem: 128, disk: 256, epsilonSeconds: 60 };

test('schedules: R forever, Rn, R0; an empty start is now; scheduleTimeZone keeps the wall-clock time', () => {
  const now = DateTime.fromISO('2026-03-01T10:00:00Z', { setZone: true });
  assert.equal(parseSchedule('R/2026-01-01T00:00:00Z/PT1H').recurrences, -1);
  assert.equal(parseSchedule('R5/2026-01-01T00:00:00Z/PT2S').recurrences, 5);
  assert.equal(parseSchedule('R0//PT1H').recurrences, 0);
  assert.equal(parseSchedule('R1//PT1M', '', now).start.toMillis(), now.toMillis());
  const berlin = parseSchedule('R/2026-01-01T18:00:00Z/PT1H', 'Europe/Berlin');
  assert.equal(berlin.start.toISO(), '2026-01-01T18:00:00.000+01:00');
  for (const bad of ['R/x/PT1H', 'X/2026-01-01T00:00:00Z/PT1H', 'R1//P1Q', 'R1/PT1H', 'R//PT0S']) assert.throws(() => parseSchedule(bad), bad);
});

test('advance: one repetition fewer, the start moved past now however many periods were missed', () => {
  const s = parseSchedule('R5/2026-01-01T00:00:00Z/PT2S');
  const next = advance(s, DateTime.fromISO('2026-01-01T00:00:07Z'));
  assert.equal(formatSchedule(next), 'R4/2026-01-01T00:00:08.000Z/PT2S');
  const monthly = advance(parseSchedule('R/2026-01-31T00:00:00Z/P1M'), DateTime.fromISO('2026-03-15T00:00:00Z'));
  assert.equal(monthly.recurrences, -1);
  assert.ok(monthly.start > DateTime.fromISO('2026-03-15T00:00:00Z'));
  assert.ok(monthly.start < DateTime.fromISO('2026-04-01T00:00:00Z'));
});

test('task ids: ct:<millis>:<attempt>:<job>:<args>, `;` left out of the arguments', () => {
  const id = taskId('nightly.report', 1700000000000, 2, 'a:b; rm -rf');
  assert.equal(id, 'ct:1700000000000:2:nightly.report:a:b rm -rf');
  assert.deepEqual(parseTaskId(id), { due: 1700000000000, attempt: 2, job: 'nightly.report', args: 'a:b rm -rf' });
  assert.equal(parseTaskId('app.1234'), undefined);
});

function graph(jobs: Record<string, string[] | undefined>): ChronosState {
  const state = CHRONOS_STATE.empty();
  for (const [name, parents] of Object.entries(jobs)) {
    state.jobs[name] = parseJob({ name, command: 'true', ...(parents ? { parents } : { schedule: 'R1//PT1H' }) }, parents ? 'dependent' : 'scheduled', defaults);
    rewireEdges(state, name, parents ?? []);
  }
  return state;
}

test('edge counts: a single parent triggers each time; several parents once each has succeeded since the last run', () => {
  const state = graph({ a: undefined, b: undefined, chain: ['a'], fan: ['a', 'b'] });
  assert.deepEqual(readyChildren(state, 'a'), ['chain']);
  assert.deepEqual(readyChildren(state, 'a'), ['chain'], 'a twice: fan still waits for b');
  assert.deepEqual(readyChildren(state, 'b'), ['fan']);
  resetEdges(state, 'fan');
  assert.deepEqual(readyChildren(state, 'b'), []);
  assert.deepEqual(readyChildren(state, 'a'), ['chain', 'fan']);
});

test('parents: unknown ones, the job itself and cycles are refused, naming the field', () => {
  const state = graph({ root: undefined, one: ['root'], two: ['one'] });
  assert.throws(() => checkParents(state, 'x', ['nobody']), /'parents'.*nobody/);
  assert.throws(() => checkParents(state, 'one', ['one']), /'parents'.*own parent/);
  assert.throws(() => checkParents(state, 'one', ['two']), /'parents'.*cycle/);
  checkParents(state, 'three', ['two', 'root']);
});

test('job defaults: shell, retries 2, cpus/mem/disk from the flags, epsilon from --task_epsilon; cpus may be a numeric string', () => {
  const job = parseJob({ name: 'j', command: 'true', schedule: 'R//PT1H', cpus: '0.5' }, 'scheduled', defaults);
  assert.equal(job.shell, true);
  assert.equal(job.retries, 2);
  assert.equal(job.cpus, 0.5);
  assert.equal(job.mem, 128);
  assert.equal(job.disk, 256);
  assert.equal(job.epsilon, 'PT60S');
  assert.match(job.schedule!, /^R\/\d{4}-\d\d-\d\dT/, 'an empty start is written as the time of the request');
  assert.throws(() => parseJob({ name: 'j', command: 'true', schedule: 'R//PT1H', parents: ['x'] }, 'scheduled', defaults), /'parents'/);
  assert.throws(() => parseJob({ name: 'j', command: 'true', parents: ['x'], schedule: 'R//PT1H' }, 'dependent', defaults), /'schedule'/);
});

test('the job JSON Schema (the editor\'s) takes the sample and what the framework takes, and refuses what it refuses', async () => {
  const { default: Ajv } = await import('ajv');
  const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../runtime/frameworks/chronos/job.schema.json'), 'utf8'));
  const valid = new Ajv({ strict: false }).compile(schema);
  const sample = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../samples/nightly.job.json'), 'utf8')) as Record<string, unknown>;
  parseJob(sample, 'scheduled', defaults);
  assert.ok(valid(sample), JSON.stringify(valid.errors));
  assert.ok(valid({ name: 'child', command: 'true', parents: ['nightly'] }));
  for (const bad of [
    { name: 'bad name!', command: 'true', schedule: 'R//PT1H' },
    { name: 'x', command: 'true', schedule: 'R//PT1H', parents: ['y'] },
    { name: 'x', command: 'true' },
    { name: 'x', schedule: 'R//PT1H' },
    { name: 'x', command: 'true', schedule: 'R//PT1H', constraints: [['rack', 'NEAR', 'a']] },
    { name: 'x', command: 'true', schedule: 'R//PT1H', retries: -1 },
  ]) {
    assert.equal(valid(bad), false, JSON.stringify(bad));
    assert.throws(() => parseJob(bad, bad.parents ? 'dependent' : 'scheduled', defaults), JSON.stringify(bad));
  }
});
