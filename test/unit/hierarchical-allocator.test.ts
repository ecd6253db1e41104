// The hierarchical DRF allocator (runtime/master/allocator/hierarchical.ts), driven through its public
// interface with an injected clock and a seeded agent order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from '../../runtime/common/protocol/v1';
import { contains, parseResources, reservationRole, scalar, unallocate } from '../../runtime/common/resources';
import type { Allocation, AllocatorFramework, Decision } from '../../runtime/master/allocator/allocator';
import { HierarchicalAllocator, seededRandom, type HierarchicalOptions } from '../../runtime/master/allocator/hierarchical';

const AGENT = 'cpus:4;mem:4096;disk:10000;ports:[31000-32000]';

function setup(options: HierarchicalOptions = {}) {
  let clock = 1_000_000;
  const allocator = new HierarchicalAllocator({ now: () => clock, random: seededRandom(1), ...options });
  return {
    allocator,
    now: () => clock,
    advance: (ms: number) => { clock += ms; },
    agent: (id: string, resources = AGENT, used = new Map<string, Resource[]>()) => allocator.addAgent(id, parseResources(resources), used),
    framework: (id: string, roles = ['*'], extra: Partial<AllocatorFramework> = {}) =>
      allocator.addFramework(id, { roles, active: true, ...extra }, new Map()),
  };
}

const fw = (d: Decision) => `${d.framework_id}@${d.agent_id}/${d.role}:${d.decision}`;
const summary = (decisions: Decision[]) => decisions.map(fw);
const only = (allocations: Allocation[]): Allocation => {
  assert.equal(allocations.length, 1, `expected one allocation, got ${JSON.stringify(allocations.map((a) => [a.frameworkId, a.agentId]))}`);
  return allocations[0];
};

// --- offers --------------------------------------------------------------------------------------

test('a framework is offered everything available on an agent, allocated to its role', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1', ['web']);
  const { allocations, cycle } = t.allocator.allocate('framework_added');
  const a = only(allocations);
  assert.equal(a.frameworkId, 'f1');
  assert.equal(a.agentId, 'a1');
  assert.equal(a.role, 'web');
  assert.ok(a.resources.every((r) => r.allocation_info?.role === 'web'));
  assert.deepEqual(unallocate(a.resources), parseResources(AGENT));
  assert.deepEqual(summary(cycle.decisions), ['f1@a1/web:offered']);
  const offered = cycle.decisions[0];
  assert.ok(offered.decision === 'offered' && offered.resources === a.resources);
});

test('offered resources are not offered again until they are recovered', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  const first = only(t.allocator.allocate('step').allocations);
  const second = t.allocator.allocate('step');
  assert.deepEqual(second.allocations, []);
  assert.deepEqual(summary(second.cycle.decisions), ['f1@a1/*:nothing_left']);
  t.allocator.recoverResources('f1', 'a1', first.resources);
  assert.deepEqual(unallocate(only(t.allocator.allocate('resources_recovered').allocations).resources), parseResources(AGENT));
});

test('a partial recovery offers just what came back', () => {
  const t = setup();
  t.agent('a1', 'cpus:4;mem:4096');
  t.framework('f1');
  const first = only(t.allocator.allocate('step').allocations);
  // The framework launched a task on cpus:1;mem:1024 and declined the rest.
  const rest = parseResources('cpus:3;mem:3072').map((r) => ({ ...r, allocation_info: { role: '*' } }));
  assert.ok(contains(first.resources, rest));
  t.allocator.recoverResources('f1', 'a1', rest);
  const again = only(t.allocator.allocate('step').allocations);
  assert.deepEqual(unallocate(again.resources), parseResources('cpus:3;mem:3072'));
});

test('a second framework gets the next agent', () => {
  const t = setup();
  t.agent('a1');
  t.agent('a2');
  t.framework('f1');
  t.framework('f2');
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.equal(allocations.length, 2);
  // Equal shares at first: ties go by name, so f1 takes the first agent visited.
  assert.equal(allocations[0].frameworkId, 'f1');
  assert.equal(allocations[1].frameworkId, 'f2');
  assert.notEqual(allocations[0].agentId, allocations[1].agentId);
  assert.deepEqual(cycle.decisions.filter((d) => d.decision === 'offered').map((d) => d.framework_id), ['f1', 'f2']);
});

test('the framework with the lowest dominant share goes first', () => {
  const t = setup();
  t.framework('f1');
  t.framework('f2');
  // f1 already runs tasks on a1; f2 holds nothing.
  t.agent('a1', 'cpus:8;mem:8192', new Map([['f1', parseResources('cpus:4;mem:1024')]]));
  t.agent('a2', 'cpus:8;mem:8192');
  const { allocations } = t.allocator.allocate('step');
  assert.equal(allocations[0].frameworkId, 'f2', 'f2 (share 0) is offered the first agent visited');
  assert.equal(allocations.length, 2);
  assert.equal(allocations[1].frameworkId, 'f1');
  const onA1 = allocations.find((a) => a.agentId === 'a1')!;
  assert.deepEqual(unallocate(onA1.resources), parseResources('cpus:4;mem:7168'), 'only what f1 does not already use');
});

test('roles are visited by share before frameworks within a role', () => {
  const t = setup();
  t.framework('busy', ['analytics']);
  t.framework('idle', ['web']);
  t.agent('a0', 'cpus:10;mem:10000', new Map([['busy', parseResources('cpus:5;mem:100')]]));
  t.agent('a1', 'cpus:1;mem:1024');
  const { cycle } = t.allocator.allocate('step');
  const first = cycle.decisions.find((d) => d.decision === 'offered')!;
  assert.equal(first.framework_id, 'idle');
  assert.equal(first.role, 'web');
});

// --- filters -------------------------------------------------------------------------------------

test('recoverResources with refuseSeconds filters the agent for that framework until it expires', () => {
  const t = setup({ allocationIntervalMs: 1000 });
  t.agent('a1');
  t.framework('f1');
  const offer = only(t.allocator.allocate('step').allocations);
  t.allocator.recoverResources('f1', 'a1', offer.resources, 5);
  const expires = t.now() + 5000;

  const filtered = t.allocator.allocate('resources_recovered');
  assert.deepEqual(filtered.allocations, []);
  assert.deepEqual(filtered.cycle.decisions, [{ agent_id: 'a1', framework_id: 'f1', role: '*', decision: 'filtered', until: expires }]);

  t.advance(4999);
  assert.deepEqual(t.allocator.allocate('interval').allocations, [], 'still filtered 1ms before expiry');
  t.advance(1);
  assert.equal(only(t.allocator.allocate('interval').allocations).frameworkId, 'f1');
});

test('a filter lasts at least one allocation interval', () => {
  const t = setup({ allocationIntervalMs: 10_000 });
  t.agent('a1');
  t.framework('f1');
  const offer = only(t.allocator.allocate('step').allocations);
  t.allocator.recoverResources('f1', 'a1', offer.resources, 1);
  const d = t.allocator.allocate('step').cycle.decisions[0];
  assert.ok(d.decision === 'filtered');
  assert.equal(d.until, t.now() + 10_000);
  t.advance(5000);
  assert.deepEqual(t.allocator.allocate('step').allocations, [], 'refuse_seconds (1s) passed, the interval has not');
  t.advance(5000);
  assert.equal(t.allocator.allocate('step').allocations.length, 1);
});

test('refuse_seconds is capped at 365 days', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  const offer = only(t.allocator.allocate('step').allocations);
  t.allocator.recoverResources('f1', 'a1', offer.resources, 1e12);
  const d = t.allocator.allocate('step').cycle.decisions[0];
  assert.ok(d.decision === 'filtered');
  assert.equal(d.until, t.now() + 365 * 24 * 3600 * 1000);
});

test('refuseSeconds of 0 creates no filter', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  const offer = only(t.allocator.allocate('step').allocations);
  t.allocator.recoverResources('f1', 'a1', offer.resources, 0);
  assert.equal(only(t.allocator.allocate('step').allocations).frameworkId, 'f1');
});

test('a filter applies to one framework and one agent only', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  const offer = only(t.allocator.allocate('step').allocations);
  t.framework('f2');
  t.allocator.recoverResources('f1', 'a1', offer.resources, 60);
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.equal(only(allocations).frameworkId, 'f2', 'declined resources go to the other framework');
  assert.deepEqual(summary(cycle.decisions), ['f1@a1/*:filtered', 'f2@a1/*:offered']);
  t.agent('a2');
  const next = t.allocator.allocate('agent_added');
  assert.equal(only(next.allocations).agentId, 'a2');
  assert.equal(next.allocations[0].frameworkId, 'f1', 'f1 is not filtered on a new agent');
});

test('a filter does not hide resources it did not refuse', () => {
  const t = setup();
  t.agent('a1', 'cpus:4;mem:4096');
  t.framework('f1');
  const offer = only(t.allocator.allocate('step').allocations);
  const half = parseResources('cpus:2;mem:2048').map((r) => ({ ...r, allocation_info: { role: '*' } }));
  t.allocator.recoverResources('f1', 'a1', half, 60);
  assert.equal(t.allocator.allocate('step').cycle.decisions[0].decision, 'filtered');
  // The other half comes back (its task ended): now more is available than was refused.
  t.allocator.recoverResources('f1', 'a1', half);
  const again = only(t.allocator.allocate('step').allocations);
  assert.deepEqual(unallocate(again.resources), unallocate(offer.resources));
});

// --- suppress / revive / activation ------------------------------------------------------------

test('a suppressed framework gets no offers until it revives', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1', ['web']);
  t.allocator.suppressOffers('f1', []);
  const suppressed = t.allocator.allocate('step');
  assert.deepEqual(suppressed.allocations, []);
  assert.deepEqual(summary(suppressed.cycle.decisions), ['f1@a1/web:suppressed']);
  t.allocator.reviveOffers('f1', []);
  assert.equal(only(t.allocator.allocate('revive').allocations).frameworkId, 'f1');
});

test('a framework can subscribe suppressed, and suppression passes offers to the next framework', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1', ['*'], { suppressedRoles: ['*'] });
  t.framework('f2');
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.equal(only(allocations).frameworkId, 'f2');
  assert.deepEqual(summary(cycle.decisions), ['f1@a1/*:suppressed', 'f2@a1/*:offered']);
});

test('suppressing one role of a multi-role framework leaves its other roles offered', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1', ['a', 'b']);
  t.allocator.suppressOffers('f1', ['a']);
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.equal(only(allocations).role, 'b');
  assert.deepEqual(summary(cycle.decisions), ['f1@a1/a:suppressed', 'f1@a1/b:offered']);
});

test('revive clears the framework\'s filters', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  const offer = only(t.allocator.allocate('step').allocations);
  t.allocator.recoverResources('f1', 'a1', offer.resources, 3600);
  assert.equal(t.allocator.allocate('step').cycle.decisions[0].decision, 'filtered');
  t.allocator.reviveOffers('f1', []);
  assert.equal(only(t.allocator.allocate('revive').allocations).frameworkId, 'f1');
});

test('inactive frameworks get nothing; activation brings offers back', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  t.framework('f0', ['*'], { active: false });
  t.allocator.deactivateFramework('f1');
  const idle = t.allocator.allocate('step');
  assert.deepEqual(idle.allocations, []);
  assert.deepEqual(summary(idle.cycle.decisions), ['f0@a1/*:inactive', 'f1@a1/*:inactive']);
  t.allocator.activateFramework('f1');
  assert.equal(only(t.allocator.allocate('framework_activated').allocations).frameworkId, 'f1');
});

test('a removed framework\'s resources go to the others', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  only(t.allocator.allocate('step').allocations);
  t.framework('f2');
  assert.deepEqual(t.allocator.allocate('step').allocations, []);
  t.allocator.removeFramework('f1');
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.equal(only(allocations).frameworkId, 'f2');
  assert.deepEqual(unallocate(allocations[0].resources), parseResources(AGENT));
  assert.ok(cycle.decisions.every((d) => d.framework_id !== 'f1'));
});

// --- agents --------------------------------------------------------------------------------------

test('deactivated and removed agents are not offered', () => {
  const t = setup();
  t.agent('a1');
  t.agent('a2');
  t.framework('f1');
  t.allocator.deactivateAgent('a1');
  t.allocator.removeAgent('a2');
  const none = t.allocator.allocate('step');
  assert.deepEqual(none.allocations, []);
  assert.deepEqual(none.cycle.decisions, []);
  t.allocator.activateAgent('a1');
  assert.equal(only(t.allocator.allocate('agent_activated').allocations).agentId, 'a1');
});

test('agents below the minimum allocatable resources are not offered', () => {
  const t = setup();
  t.framework('f1');
  t.agent('tiny', 'cpus:0.009;mem:31;disk:1000;ports:[1-100]');
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.deepEqual(allocations, []);
  assert.deepEqual(summary(cycle.decisions), ['f1@tiny/*:nothing_left']);
});

test('either 0.01 cpus or 32 MB of memory is enough for an offer', () => {
  const t = setup();
  t.framework('f1');
  t.agent('cpu-only', 'cpus:0.01');
  t.agent('mem-only', 'mem:32');
  const { allocations } = t.allocator.allocate('step');
  assert.deepEqual(allocations.map((a) => a.agentId).sort(), ['cpu-only', 'mem-only']);
});

test('a remainder below the minimum is held back', () => {
  const t = setup();
  t.framework('f1');
  t.framework('f2');
  t.agent('a1', 'cpus:4;mem:4096', new Map([['f1', parseResources('cpus:3.995;mem:4070')]]));
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.deepEqual(allocations, []);
  // The walk over the role's frameworks ends at the first one that finds nothing left.
  assert.deepEqual(summary(cycle.decisions), ['f2@a1/*:nothing_left']);
});

test('seededRandom is reproducible and in [0, 1)', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 100 }, () => a());
  assert.deepEqual(Array.from({ length: 100 }, () => b()), xs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(xs).size > 90, 'values vary');
  assert.notDeepEqual(Array.from({ length: 10 }, seededRandom(43)), xs.slice(0, 10));
});

test('the same seed visits agents in the same order; another seed shuffles differently', () => {
  const order = (seed: number) => {
    const t = setup({ random: seededRandom(seed) });
    for (let i = 0; i < 12; i++) t.agent(`agent-${String(i).padStart(2, '0')}`);
    t.framework('f1');
    return t.allocator.allocate('step').cycle.decisions.map((d) => d.agent_id);
  };
  const first = order(7);
  assert.equal(first.length, 12);
  assert.deepEqual(order(7), first);
  assert.notDeepEqual(order(8), first);
  assert.deepEqual([...first].sort(), first.map((_, i) => `agent-${String(i).padStart(2, '0')}`), 'every agent visited once');
});

// --- reservations --------------------------------------------------------------------------------

test('reserved resources go only to frameworks in the reservation role', () => {
  const t = setup();
  t.agent('a1', 'cpus:1;mem:1024;cpus(ops):2;mem(ops):512');
  t.framework('dev', ['dev']);
  t.framework('ops', ['ops']);
  const { allocations } = t.allocator.allocate('step');
  const dev = allocations.find((a) => a.frameworkId === 'dev')!;
  const ops = allocations.find((a) => a.frameworkId === 'ops')!;
  assert.ok(dev.resources.every((r) => reservationRole(r) === '*'), 'dev sees no reserved resources');
  assert.deepEqual(unallocate(dev.resources), parseResources('cpus:1;mem:1024'));
  assert.deepEqual(unallocate(ops.resources), parseResources('cpus(ops):2;mem(ops):512'));
  assert.ok(ops.resources.every((r) => r.allocation_info?.role === 'ops'));
});

test('a framework in the reserved role also gets unreserved resources', () => {
  const t = setup();
  t.agent('a1', 'cpus:1;mem:1024;cpus(ops):2;mem(ops):512');
  t.framework('ops', ['ops']);
  const a = only(t.allocator.allocate('step').allocations);
  assert.equal(scalar(a.resources, 'cpus'), 3);
  assert.equal(scalar(a.resources, 'mem'), 1536);
});

test('an agent with only reserved resources offers nothing to other roles', () => {
  const t = setup();
  t.agent('a1', 'cpus(ops):2;mem(ops):512');
  t.framework('dev', ['dev']);
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.deepEqual(allocations, []);
  assert.deepEqual(summary(cycle.decisions), ['dev@a1/dev:reserved_for_other_role']);
});

// --- the cycle trace -----------------------------------------------------------------------------

test('each cycle is numbered and records its trigger, start time and decisions', () => {
  const t = setup();
  t.agent('a1');
  t.framework('f1');
  const one = t.allocator.allocate('framework_added').cycle;
  t.advance(250);
  const two = t.allocator.allocate('interval').cycle;
  assert.equal(one.cycle, 1);
  assert.equal(two.cycle, 2);
  assert.equal(one.trigger, 'framework_added');
  assert.equal(two.trigger, 'interval');
  assert.equal(two.started_at, t.now());
  assert.equal(two.started_at - one.started_at, 250);
  assert.equal(one.duration_ms, 0, 'the injected clock did not move during the cycle');
  assert.deepEqual(summary(two.decisions), ['f1@a1/*:nothing_left']);
});

test('one cycle can record every kind of decision', () => {
  const t = setup();
  t.agent('a1');
  t.framework('a-filtered');
  t.framework('b-offered');
  t.framework('c-suppressed');
  t.framework('d-inactive', ['*'], { active: false });
  t.framework('e-nothing-left');
  t.allocator.suppressOffers('c-suppressed', []);
  // a-filtered (first by name) is offered a1 and declines it for an hour.
  const first = only(t.allocator.allocate('step').allocations);
  assert.equal(first.frameworkId, 'a-filtered');
  t.allocator.recoverResources('a-filtered', 'a1', first.resources, 3600);

  const { allocations, cycle } = t.allocator.allocate('step');
  assert.equal(only(allocations).frameworkId, 'b-offered');
  assert.deepEqual(summary(cycle.decisions), [
    'a-filtered@a1/*:filtered',
    'b-offered@a1/*:offered',
    'c-suppressed@a1/*:suppressed',
    'd-inactive@a1/*:inactive',
    'e-nothing-left@a1/*:nothing_left',
  ]);
});

// --- multi-role accounting (Mesos parity) --------------------------------------------------------

test('recovered resources are charged back to the role they were allocated to', () => {
  // Mesos unallocates recovered resources from their allocation role. Here f1 is offered a1 in role
  // 'b'; after it gives everything back, every role's share is 0 again, so roles are visited by name
  // (a, b, c) and f1 is offered a1 in role 'b' before f2 (role 'c') is considered.
  const t = setup();
  t.agent('a1', 'cpus:4;mem:4096');
  t.framework('f1', ['a', 'b'], { suppressedRoles: ['a'] });
  t.framework('f2', ['c']);
  const first = only(t.allocator.allocate('step').allocations);
  assert.equal(first.frameworkId, 'f1');
  assert.equal(first.role, 'b');
  t.allocator.recoverResources('f1', 'a1', first.resources);
  const again = only(t.allocator.allocate('resources_recovered').allocations);
  assert.deepEqual([again.frameworkId, again.role], ['f1', 'b']);
});

test('a framework that leaves a role is no longer offered resources in it', () => {
  // Mesos' updateFramework stops tracking the framework under roles it removed.
  const t = setup();
  t.agent('a1', 'cpus:4;mem:4096');
  t.framework('f1', ['a']);
  t.allocator.updateFramework('f1', { roles: ['b'], active: true });
  const { allocations, cycle } = t.allocator.allocate('step');
  assert.equal(only(allocations).role, 'b');
  assert.ok(cycle.decisions.every((d) => d.role === 'b'), JSON.stringify(summary(cycle.decisions)));
});
