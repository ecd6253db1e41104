// What the Jobs view writes in a row (no vscode: extension/views/labels.ts), and the field a job
// framework's 400 names, which the job CodeLens turns into a diagnostic at that field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChronosError, type ChronosJob } from '../../runtime/client/chronos';
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
