// Dominant Resource Fairness (runtime/master/allocator/sorter/drf.ts): a client's share is its largest
// fraction of any of cpus/mem/disk/gpus, divided by its weight; lowest share first, ties by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResources } from '../../runtime/common/resources';
import { DRFSorter } from '../../runtime/master/allocator/sorter/drf';

function sorter(total = 'cpus:10;mem:100;disk:1000'): DRFSorter {
  const s = new DRFSorter();
  s.setTotal(parseResources(total));
  return s;
}

test('clients with nothing allocated share 0 and sort by name', () => {
  const s = sorter();
  for (const c of ['charlie', 'alpha', 'bravo']) s.add(c);
  assert.deepEqual(s.sort(), ['alpha', 'bravo', 'charlie']);
  assert.equal(s.share('alpha'), 0);
});

test('the share is the dominant (largest) fraction over the scalar resources', () => {
  const s = sorter();
  s.add('cpu-heavy');
  s.add('mem-heavy');
  s.allocated('cpu-heavy', parseResources('cpus:4;mem:10')); // 0.4 cpus, 0.1 mem -> 0.4
  s.allocated('mem-heavy', parseResources('cpus:1;mem:30')); // 0.1 cpus, 0.3 mem -> 0.3
  assert.equal(s.share('cpu-heavy'), 0.4);
  assert.equal(s.share('mem-heavy'), 0.3);
  assert.deepEqual(s.sort(), ['mem-heavy', 'cpu-heavy']);
});

test('the lowest dominant share goes first', () => {
  const s = sorter();
  s.add('a');
  s.add('b');
  s.add('c');
  s.allocated('a', parseResources('cpus:5'));
  s.allocated('b', parseResources('disk:100'));
  assert.deepEqual(s.sort(), ['c', 'b', 'a']);
});

test('weights divide the share', () => {
  const s = sorter();
  s.add('light');
  s.add('heavy', 2);
  s.allocated('light', parseResources('cpus:2')); // 0.2
  s.allocated('heavy', parseResources('cpus:3')); // 0.3 / 2 = 0.15
  assert.equal(s.share('heavy'), 0.15);
  assert.deepEqual(s.sort(), ['heavy', 'light']);
  s.add('heavy', 1); // re-adding updates the weight and keeps the allocation
  assert.equal(s.share('heavy'), 0.3);
  assert.deepEqual(s.sort(), ['light', 'heavy']);
});

test('equal shares are ordered by name', () => {
  const s = sorter();
  for (const c of ['zeta', 'eta', 'beta']) {
    s.add(c);
    s.allocated(c, parseResources('cpus:1'));
  }
  assert.deepEqual(s.sort(), ['beta', 'eta', 'zeta']);
  s.add('alpha', 2);
  s.allocated('alpha', parseResources('cpus:2')); // 0.2 / 2 = 0.1, equal to the others
  assert.deepEqual(s.sort(), ['alpha', 'beta', 'eta', 'zeta']);
});

test('unallocated lowers the share; roles and reservations do not matter to the sorter', () => {
  const s = sorter();
  s.add('a');
  s.add('b');
  s.allocated('a', parseResources('cpus(ops):4;mem:10'));
  s.allocated('b', parseResources('cpus:2'));
  assert.equal(s.share('a'), 0.4);
  assert.deepEqual(s.sort(), ['b', 'a']);
  s.unallocated('a', parseResources('cpus:3'));
  assert.equal(s.share('a'), 0.1);
  assert.deepEqual(s.sort(), ['a', 'b']);
  s.unallocated('a', parseResources('cpus:5;mem:50')); // more than it holds: back to nothing
  assert.equal(s.share('a'), 0);
});

test('non-shared resources such as ports and sets do not count', () => {
  const s = sorter('cpus:10;mem:100;ports:[1-1000]');
  s.add('a');
  s.allocated('a', parseResources('ports:[1-1000];zones:{x}'));
  assert.equal(s.share('a'), 0);
});

test('gpus count once the pool has some', () => {
  const s = sorter('cpus:10;mem:100;gpus:4');
  s.add('ml');
  s.add('web');
  s.allocated('ml', parseResources('cpus:1;gpus:2')); // 0.5
  s.allocated('web', parseResources('cpus:4')); // 0.4
  assert.equal(s.share('ml'), 0.5);
  assert.deepEqual(s.sort(), ['web', 'ml']);
});

test('shares follow the total pool', () => {
  const s = sorter('cpus:10;mem:100');
  s.add('a');
  s.allocated('a', parseResources('cpus:5'));
  assert.equal(s.share('a'), 0.5);
  s.setTotal(parseResources('cpus:20;mem:100'));
  assert.equal(s.share('a'), 0.25);
  s.setTotal([]);
  assert.equal(s.share('a'), 0, 'no pool, no share');
});

test('add, has and remove', () => {
  const s = sorter();
  assert.equal(s.has('a'), false);
  s.add('a');
  s.add('b');
  assert.equal(s.has('a'), true);
  s.remove('a');
  assert.equal(s.has('a'), false);
  assert.deepEqual(s.sort(), ['b']);
  assert.equal(s.share('a'), 0, 'unknown clients share 0');
  s.allocated('a', parseResources('cpus:1')); // ignored for unknown clients
  assert.equal(s.has('a'), false);
});
