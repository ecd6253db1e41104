// Resource math (runtime/common/resources.ts): the agent's --resources text, the JSON form, and the
// add / subtract / contains arithmetic the allocator and master depend on, with Mesos' semantics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  add, contains, formatResources, isEmpty, parseResources, reservationRole, scalar, subtract, toV0, validateResources,
} from '../../runtime/common/resources';
import type { Resource } from '../../runtime/common/protocol/v1';

const cpus = (value: number, role?: string): Resource => ({
  name: 'cpus', type: 'SCALAR', scalar: { value }, ...(role ? { reservations: [{ type: 'STATIC', role }] } : {}),
});
const ports = (...ranges: Array<[number, number]>): Resource => ({
  name: 'ports', type: 'RANGES', ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
});
const set = (name: string, ...item: string[]): Resource => ({ name, type: 'SET', set: { item } });

function find(list: Resource[], name: string, role = '*'): Resource | undefined {
  return list.find((r) => r.name === name && reservationRole(r) === role);
}

// --- parsing -------------------------------------------------------------------------------------

test('parseResources reads the agent flag text: scalars and a port range', () => {
  const list = parseResources('cpus:4;mem:4096;disk:10000;ports:[31000-32000]');
  assert.deepEqual(list, [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 4096 } },
    { name: 'disk', type: 'SCALAR', scalar: { value: 10000 } },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
  ]);
});

test('parseResources tolerates whitespace and a trailing separator', () => {
  const list = parseResources('  cpus : 2 ; mem:512 ; ');
  assert.equal(scalar(list, 'cpus'), 2);
  assert.equal(scalar(list, 'mem'), 512);
  assert.equal(list.length, 2);
});

test('parseResources reads a role as a static reservation, kept apart from unreserved resources', () => {
  const list = parseResources('cpus:1;cpus(ops):2;mem(*):128');
  assert.equal(list.length, 3);
  const reserved = find(list, 'cpus', 'ops');
  assert.deepEqual(reserved?.reservations, [{ type: 'STATIC', role: 'ops' }]);
  assert.equal(reserved?.scalar?.value, 2);
  assert.equal(find(list, 'cpus')?.scalar?.value, 1);
  // '(*)' is the default role: no reservation is recorded.
  const mem = find(list, 'mem');
  assert.equal(mem?.reservations, undefined);
  assert.equal(mem?.scalar?.value, 128);
});

test('parseResources sums repeated names with the same role', () => {
  const list = parseResources('cpus:1;cpus:2.5;ports:[1000-1999];ports:[3000-3999]');
  assert.equal(scalar(list, 'cpus'), 3.5);
  assert.deepEqual(find(list, 'ports')?.ranges?.range, [{ begin: 1000, end: 1999 }, { begin: 3000, end: 3999 }]);
});

test('parseResources reads several ranges and a set', () => {
  const list = parseResources('ports:[21000-24000, 30000-34000];zones:{a,b , c}');
  assert.deepEqual(find(list, 'ports')?.ranges?.range, [{ begin: 21000, end: 24000 }, { begin: 30000, end: 34000 }]);
  assert.deepEqual(find(list, 'zones'), { name: 'zones', type: 'SET', set: { item: ['a', 'b', 'c'] } });
});

test('parseResources accepts the JSON array form', () => {
  const json = JSON.stringify([
    { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 1024 }, reservations: [{ type: 'STATIC', role: 'ops' }] },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31010 }] } },
  ]);
  const list = parseResources(`  ${json}  `);
  assert.equal(scalar(list, 'cpus'), 3, 'entries with the same key are combined');
  assert.equal(find(list, 'mem', 'ops')?.scalar?.value, 1024);
  assert.deepEqual(find(list, 'ports')?.ranges?.range, [{ begin: 31000, end: 31010 }]);
});

test('parseResources errors name the resource that is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['cpus:four', /Invalid scalar 'four' for resource 'cpus'/],
    ['cpus:4;mem:-1', /Invalid scalar '-1' for resource 'mem'/],
    ['disk:Infinity', /for resource 'disk'/],
    ['ports:[32000-31000]', /Invalid range '32000-31000' in resource 'ports'/],
    ['ports:[31000-x]', /Invalid range '31000-x' in resource 'ports'/],
    ['cpus', /Invalid resource 'cpus'/],
    ['cpus:1;:4', /Invalid resource ':4'/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseResources(text), { message }, text);
  }
});

test('parseResources rejects malformed JSON resources with the offending path', () => {
  assert.throws(() => parseResources('[{"name":"cpus","type":"SCALAR","scalar":{"value":-2}}]'), /'resources\[0\]\.scalar\.value'/);
  assert.throws(() => parseResources('[{"name":"cpus","type":"SCALAR"'), SyntaxError);
});

// --- validation ----------------------------------------------------------------------------------

test('validateResources accepts well-formed resources of every type', () => {
  const list: unknown = [cpus(1), ports([1, 2]), set('zones', 'a')];
  assert.doesNotThrow(() => validateResources(list, 'resources'));
  assert.doesNotThrow(() => validateResources([], 'resources'));
});

test('validateResources names the field path of the first problem', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{}, /^'task\.resources' must be an array of Resource$/],
    [[null], /^'task\.resources\[0\]' must be an object$/],
    [[{ type: 'SCALAR', scalar: { value: 1 } }], /^'task\.resources\[0\]\.name' must be a non-empty string$/],
    [[{ name: '', type: 'SCALAR', scalar: { value: 1 } }], /'task\.resources\[0\]\.name'/],
    [[cpus(1), { name: 'mem', type: 'SCALAR', scalar: { value: 'lots' } }], /^'task\.resources\[1\]\.scalar\.value' must be a non-negative number$/],
    [[{ name: 'mem', type: 'SCALAR' }], /'task\.resources\[0\]\.scalar\.value'/],
    [[{ name: 'mem', type: 'SCALAR', scalar: { value: -1 } }], /'task\.resources\[0\]\.scalar\.value'/],
    [[{ name: 'ports', type: 'RANGES' }], /^'task\.resources\[0\]\.ranges\.range' must be an array$/],
    [[{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 5, end: 4 }] } }], /'task\.resources\[0\]\.ranges\.range' must hold \{begin, end\} integers/],
    [[{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1.5, end: 4 }] } }], /'task\.resources\[0\]\.ranges\.range'/],
    [[{ name: 'zones', type: 'SET', set: { item: ['a', 3] } }], /^'task\.resources\[0\]\.set\.item' must be an array of strings$/],
    [[{ name: 'gpus', type: 'TEXT' }], /^'task\.resources\[0\]\.type' must be one of SCALAR, RANGES, SET$/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => validateResources(value, 'task.resources'), { message }, JSON.stringify(value));
  }
});

// --- scalars -------------------------------------------------------------------------------------

test('scalar arithmetic is fixed point with three decimals, as in Mesos', () => {
  assert.deepEqual(add([cpus(0.1)], [cpus(0.2)]), [cpus(0.3)]);
  assert.equal(scalar(add([cpus(0.1)], [cpus(0.2)]), 'cpus'), 0.3);
  // Ten 0.1 increments are exactly one cpu; taking them away again leaves nothing.
  let total: Resource[] = [];
  for (let i = 0; i < 10; i++) total = add(total, [cpus(0.1)]);
  assert.deepEqual(total, [cpus(1)]);
  for (let i = 0; i < 10; i++) total = subtract(total, [cpus(0.1)]);
  assert.deepEqual(total, []);
  assert.deepEqual(subtract([cpus(0.3)], [cpus(0.1)]), [cpus(0.2)]);
  assert.ok(contains([cpus(0.3)], add([cpus(0.1)], [cpus(0.2)])));
});

test('add keeps different roles apart and drops empty entries', () => {
  const sum = add([cpus(1), cpus(2, 'ops')], [cpus(1), cpus(0)]);
  assert.equal(sum.length, 2);
  assert.equal(find(sum, 'cpus')?.scalar?.value, 2);
  assert.equal(find(sum, 'cpus', 'ops')?.scalar?.value, 2);
  assert.deepEqual(add([cpus(0)]), []);
});

test('add does not modify its inputs', () => {
  const a = [cpus(1), ports([1, 5])];
  const b = [cpus(2), ports([6, 9])];
  const before = JSON.stringify([a, b]);
  add(a, b);
  subtract(a, b);
  assert.equal(JSON.stringify([a, b]), before);
});

test('allocation roles are part of a resource identity', () => {
  const allocated: Resource = { ...cpus(1), allocation_info: { role: 'web' } };
  assert.equal(add([cpus(1)], [allocated]).length, 2);
  assert.equal(contains([cpus(4)], [allocated]), false);
  assert.equal(contains([cpus(4)], [cpus(1)]), true);
});

test('subtract removes scalars and never goes below nothing', () => {
  assert.deepEqual(subtract([cpus(4)], [cpus(1.5)]), [cpus(2.5)]);
  assert.deepEqual(subtract([cpus(4)], [cpus(4)]), []);
  assert.deepEqual(subtract([cpus(1)], [cpus(3)]), []);
  // Resources reserved for another role are not taken from the unreserved pool.
  assert.deepEqual(subtract([cpus(4)], [cpus(1, 'ops')]), [cpus(4)]);
});

test('contains compares scalars per name and role', () => {
  const agent = parseResources('cpus:4;mem:4096;cpus(ops):2');
  assert.ok(contains(agent, parseResources('cpus:4;mem:4096')));
  assert.ok(contains(agent, parseResources('cpus(ops):2')));
  assert.ok(!contains(agent, parseResources('cpus:4.001')));
  assert.ok(!contains(agent, parseResources('cpus(ops):3')));
  assert.ok(!contains(agent, parseResources('cpus(dev):1')), 'nothing is reserved for dev');
  assert.ok(!contains(agent, parseResources('gpus:1')));
  assert.ok(contains(agent, []));
});

test('isEmpty and scalar totals', () => {
  assert.ok(isEmpty([]));
  assert.ok(isEmpty([cpus(0), ports()]));
  assert.ok(!isEmpty([cpus(0.001)]));
  assert.equal(scalar(parseResources('cpus:1;cpus(ops):2.5;mem:10'), 'cpus'), 3.5, 'totals span roles');
  assert.equal(scalar([], 'cpus'), 0);
});

// --- ranges --------------------------------------------------------------------------------------

test('adding ranges merges overlapping and adjacent ranges', () => {
  const sum = add([ports([31000, 31010])], [ports([31011, 31020])], [ports([31005, 31015], [40000, 40000])]);
  assert.deepEqual(sum, [ports([31000, 31020], [40000, 40000])]);
  assert.deepEqual(add([ports([5, 9])], [ports([1, 3])]), [ports([1, 3], [5, 9])], 'sorted, gap kept');
});

test('subtracting a range from the middle splits it', () => {
  const left = subtract(parseResources('ports:[31000-32000]'), [ports([31005, 31010])]);
  assert.deepEqual(left, [ports([31000, 31004], [31011, 32000])]);
});

test('subtracting ranges at the edges, across several ranges, and all of them', () => {
  assert.deepEqual(subtract([ports([1, 10])], [ports([1, 3])]), [ports([4, 10])]);
  assert.deepEqual(subtract([ports([1, 10])], [ports([8, 10])]), [ports([1, 7])]);
  assert.deepEqual(subtract([ports([1, 10], [20, 30])], [ports([5, 25])]), [ports([1, 4], [26, 30])]);
  assert.deepEqual(subtract([ports([1, 10])], [ports([3, 3], [7, 7])]), [ports([1, 2], [4, 6], [8, 10])]);
  assert.deepEqual(subtract([ports([1, 10])], [ports([1, 10])]), []);
  assert.deepEqual(subtract([ports([1, 10])], [ports([50, 60])]), [ports([1, 10])]);
});

test('range containment', () => {
  const agent = [ports([31000, 31999], [33000, 33999])];
  assert.ok(contains(agent, [ports([31000, 31000])]));
  assert.ok(contains(agent, [ports([31500, 31600], [33999, 33999])]));
  assert.ok(contains(agent, [ports([31000, 31999])]));
  assert.ok(!contains(agent, [ports([31999, 32000])]), 'straddles the gap');
  assert.ok(!contains(agent, [ports([30999, 31000])]));
  assert.ok(!contains(agent, [ports([34000, 34000])]));
  // Adjacent ranges in the outer list count as one.
  assert.ok(contains([ports([1, 5], [6, 10])], [ports([4, 7])]));
});

// --- sets ----------------------------------------------------------------------------------------

test('sets: union, difference and containment', () => {
  assert.deepEqual(add([set('zones', 'b', 'a')], [set('zones', 'c', 'a')]), [set('zones', 'a', 'b', 'c')]);
  assert.deepEqual(subtract([set('zones', 'a', 'b', 'c')], [set('zones', 'b')]), [set('zones', 'a', 'c')]);
  assert.deepEqual(subtract([set('zones', 'a')], [set('zones', 'a')]), []);
  assert.ok(contains(parseResources('zones:{a,b,c}'), parseResources('zones:{c,a}')));
  assert.ok(!contains(parseResources('zones:{a,b}'), parseResources('zones:{a,d}')));
  assert.ok(!contains(parseResources('zones:{a,b}'), parseResources('racks:{a}')));
});

// --- output formats ------------------------------------------------------------------------------

test('toV0 gives the /master/state shape with ports as a range string', () => {
  assert.deepEqual(toV0(parseResources('cpus:4;mem:4096;disk:10000;ports:[31000-32000]')), {
    cpus: 4, mem: 4096, disk: 10000, gpus: 0, ports: '[31000-32000]',
  });
});

test('toV0 sums roles and allocations, formats several ranges and sets', () => {
  const list: Resource[] = [
    ...parseResources('cpus:1;cpus(ops):0.5;ports:[31000-31004,31011-32000];zones:{a,b}'),
    { ...cpus(0.25), allocation_info: { role: 'web' } },
  ];
  assert.deepEqual(toV0(list), {
    cpus: 1.75, mem: 0, disk: 0, gpus: 0, ports: '[31000-31004, 31011-32000]', zones: '{a, b}',
  });
  assert.deepEqual(toV0([]), { cpus: 0, mem: 0, disk: 0, gpus: 0 });
});

test('formatResources round-trips through parseResources', () => {
  const text = 'cpus:4;mem:4096;cpus(ops):2;ports:[31000-31004, 31011-32000];zones:{a,b}';
  const list = parseResources(text);
  const formatted = formatResources(list);
  assert.match(formatted, /cpus\(ops\):2/);
  assert.match(formatted, /ports:\[31000-31004, 31011-32000\]/);
  assert.deepEqual(parseResources(formatted), list);
});
