// What the app framework keeps of a definition and what checking one may cost (issue 22): unknown
// fields dropped at any depth, and a large invalid body answered with its first error, not one per value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knownFields } from '../../runtime/frameworks/marathon/app';
import { appViolations } from '../../runtime/frameworks/marathon/validation';

test('knownFields keeps what the schema names, at any depth, and free-form objects whole', () => {
  const app = {
    id: 'a', cmd: 'true', junk: 1,
    env: { PLAIN: 'x', SECRET: { secret: 's', junk: 2 } },
    unreachableStrategy: { inactiveAfterSeconds: 1, junk: 3 },
    container: { type: 'DOCKER', docker: { image: 'i', junk: 4 }, junk: 5 },
    portDefinitions: [{ port: 0, labels: { k: 'v' }, junk: 6 }],
    secrets: { any: { shape: true } },
  };
  assert.deepEqual(knownFields(app), {
    id: 'a', cmd: 'true',
    env: { PLAIN: 'x', SECRET: { secret: 's' } },
    unreachableStrategy: { inactiveAfterSeconds: 1 },
    container: { type: 'DOCKER', docker: { image: 'i' } },
    portDefinitions: [{ port: 0, labels: { k: 'v' } }],
    secrets: { any: { shape: true } },
  });
  assert.equal(Object.getPrototypeOf(knownFields(JSON.parse('{"__proto__":{"polluted":1},"id":"a"}'))), Object.prototype);
});

test('a small invalid body gets every error; a large one its first, whatever the number of bad values', () => {
  const small = appViolations({ id: 'a', cmd: 'true', args: [1, 2, 3] });
  assert.deepEqual(small.filter((d) => d.path.startsWith('/args')).map((d) => d.path), ['/args(0)', '/args(1)', '/args(2)']);
  const large = appViolations({ id: 'a', cmd: 'true', args: new Array(100_000).fill(1) });
  assert.ok(large.length <= 2, JSON.stringify(large).slice(0, 300));
  assert.equal(large[0].path, '/args(0)');
});

test('more than 1000 constraints or health checks are refused before their duplicates are looked for', () => {
  const [detail] = appViolations({ id: 'a', cmd: 'true', constraints: Array.from({ length: 5000 }, (_, i) => ['hostname', 'LIKE', `h${i}`]) });
  assert.equal(detail.path, '/constraints');
  assert.match(detail.errors[0], /expected 1000 or fewer/);
});
