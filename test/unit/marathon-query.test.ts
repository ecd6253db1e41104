// Query parameters as Marathon's JAX-RS resources read them: boolean flags (Java's Boolean.valueOf
// behind Jersey's @DefaultValue) and the `embed` values of InfoEmbedResolver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flag } from '../../runtime/frameworks/marathon/api/http';
import { resolveEmbed } from '../../runtime/frameworks/marathon/api/views';

const read = (query: string, byDefault?: boolean) => flag(new URL(`http://marathon/v2/apps/a${query}`), 'force', byDefault);

test('boolean flags: true in any case, anything else false, blank or absent the default', () => {
  const cases: Array<[string, boolean | undefined, boolean]> = [
    ['?force=true', false, true], ['?force=True', false, true], ['?force=TRUE', false, true], ['?force=tRuE', false, true],
    ['?force=false', true, false], ['?force=False', true, false], ['?force=FALSE', true, false],
    // Boolean.valueOf: no error, just false.
    ['?force=1', true, false], ['?force=yes', true, false], ['?force=on', true, false], ['?force=%00', true, false], ['?force=1e400', true, false],
    ['?force=%20true', false, false],
    // Jersey takes the default for a blank value, as for an absent one.
    ['', true, true], ['', false, false], ['', undefined, false], ['?force=', true, true], ['?force=%20', true, true], ['?force', true, true], ['?force=', undefined, false],
    // The first value counts.
    ['?force=True&force=false', false, true],
  ];
  for (const [query, byDefault, expected] of cases) assert.equal(read(query, byDefault), expected, `${query || '(none)'} with default ${byDefault}`);
});

test('embed: every prefix, the deprecated forms, unknown values ignored, what the resource always adds', () => {
  const cases: Array<[string[], string[]]> = [
    [[], []],
    [['apps.tasks'], ['deployments', 'tasks']], [['app.tasks'], ['deployments', 'tasks']], [['tasks'], ['deployments', 'tasks']],
    [['group.apps.tasks'], ['deployments', 'tasks']],
    [['apps.counts'], ['counts']], [['app.counts'], ['counts']],
    [['apps.deployments'], ['deployments']], [['app.deployments'], ['deployments']],
    [['apps.readiness'], ['readiness']], [['app.readiness'], ['readiness']],
    [['apps.lastTaskFailure'], ['lastTaskFailure']], [['app.lastTaskFailure'], ['lastTaskFailure']],
    [['apps.taskStats'], ['taskStats']], [['app.taskStats'], ['taskStats']],
    [['apps.failures'], ['deployments', 'lastTaskFailure', 'tasks']], [['app.failures'], ['deployments', 'lastTaskFailure', 'tasks']],
    [['apps.unknown', 'apps.TASKS', 'pods.tasks'], []],
    [['apps.tasks', 'apps.lastTaskFailure', 'apps.taskStats'], ['deployments', 'lastTaskFailure', 'taskStats', 'tasks']],
  ];
  for (const [values, expected] of cases) assert.deepEqual([...resolveEmbed(values)].sort(), expected, values.join('&'));
  assert.deepEqual([...resolveEmbed(['apps.readiness'], ['counts', 'deployments'])].sort(), ['counts', 'deployments', 'readiness']);
});
