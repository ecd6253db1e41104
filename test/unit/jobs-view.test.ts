// What the Jobs view writes in a row (no vscode: extension/views/labels.ts), and the field a job
// framework's 400 names, which the job CodeLens turns into a diagnostic at that field; the job graph's layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChronosError, type ChronosJob } from '../../runtime/client/chronos';
import { graphSvg, layers } from '../../extension/views/job-graph';
import { jobDescription, nextRun } from '../../extension/views/labels';

const job = (fields: Partial<ChronosJob>): ChronosJob => ({ name: 'j', command: 'true', disabled: false, successCount: 0, errorCount: 0, lastSuccess: '', lastError: '', ...fields });

test('a job row: status, state, schedule or parents, and the next run while repetitions are left', () => {
  const scheduled = job({ schedule: 'R3/2026-12-05T06:00:00.000Z/PT1H' });
  assert.equal(nextRun(scheduled.schedule), '2026-12-05T06:00:00.000Z');
  assert.equal(jobDescription({ job: scheduled, summary: { name: 'j', status: 'success', state: 'idle', schedule: scheduled.schedule!, parents: [], disabled: false } }),
    'success · idle · R3/2026-12-05T06:00:00.000Z/PT1H · next 2026-12-05T06:00:00.000Z');
  assert.equal(nextRun('R0/2026-12-05T06:00:00.000Z/PT1H'), undefined, 'no repetitions left: no next run');
  assert.equal(jobDescription({ job: job({ parents: ['a', 'b'], disabled: true }) }), 'disabled · fresh · idle · after a, b');
});

test('the field a 400 names, as a JSON path', () => {
  assert.deepEqual(new ChronosError(400, 'x', "'constraints[0][1]' must be one of EQUALS, LIKE, UNLIKE").field, ['constraints', 0, 1]);
  assert.deepEqual(new ChronosError(400, 'x', "'container.image' must not be empty").field, ['container', 'image']);
  assert.deepEqual(new ChronosError(400, 'x', 'no field here').field, []);
});

test('the job graph: each job one layer below its deepest parent, an edge per parent, names escaped', () => {
  const status = (fields: Partial<ChronosJob>) => ({ job: job(fields) });
  const jobs = [status({ name: 'a' }), status({ name: 'b', parents: ['a'] }), status({ name: 'c', parents: ['a', 'b'] }), status({ name: 'd', parents: ['gone'] })];
  assert.deepEqual(Object.fromEntries(layers(jobs)), { a: 0, b: 1, c: 2, d: 0 });
  const svg = graphSvg([...jobs, status({ name: '<x>' })]);
  assert.equal((svg.match(/<line /g) ?? []).length, 3, 'a→b, a→c, b→c; a parent that is gone draws nothing');
  assert.ok(svg.includes('&#60;x&#62;') && !svg.includes('<x>'));
});
