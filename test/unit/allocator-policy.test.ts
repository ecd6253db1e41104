// Allocation policy of the hierarchical DRF allocator (runtime/master/allocator/hierarchical.ts), checked
// against what Apache Mesos does: DRF (the paper's example), weights, quota guarantees / limits /
// headroom, reservations, GPU filtering, filters, multi-role frameworks, the random sorter and the trace.
// The allocator is driven directly, with an injected clock and seeded randomness; "scheduler loops"
// launch tasks by keeping part of an offer and recovering the rest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from '../../runtime/common/protocol/v1';
import { add, allocate as allocateTo, contains, parseResources, reservationRole, scalar, subtract, unallocate } from '../../runtime/common/resources';
import type { Allocation, AllocationCycle, AllocatorFramework, Decision } from '../../runtime/master/allocator/allocator';
import { HierarchicalAllocator, seededRandom, type HierarchicalOptions } from '../../runtime/master/allocator/hierarchical';
import { RandomSorter } from '../../runtime/master/allocator/sorter/random';

const R = parseResources;
const EPS = 1e-9;

/**
 * An allocator with a fake clock, plus a ledger of what each framework holds (offers kept, minus what
 * was recovered), so tests can check holdings without reaching into the allocator.
 */
function setup(options: HierarchicalOptions = {}) {
  let clock = 1_000_000;
  const allocator = new HierarchicalAllocator({ now: () => clock, random: seededRandom(1), ...options });
  // framework id -> agent id -> resources (with allocation_info.role)
  const ledger = new Map<string, Map<string, Resource[]>>();
  const agentIds: string[] = [];
  const book = (frameworkId: string, agentId: string, resources: Resource[], sign: 1 | -1) => {
    let byAgent = ledger.get(frameworkId);
    if (!byAgent) ledger.set(frameworkId, (byAgent = new Map()));
    const held = byAgent.get(agentId) ?? [];
    byAgent.set(agentId, sign > 0 ? add(held, resources) : subtract(held, resources));
  };
  const t = {
    allocator,
    now: () => clock,
    advance: (ms: number) => { clock += ms; },
    agent: (id: string, resources: string, used = new Map<string, Resource[]>()) => {
      agentIds.push(id);
      allocator.addAgent(id, R(resources), used);
      for (const [fw, r] of used) book(fw, id, r, 1);
    },
    framework: (id: string, roles: string[] = ['*'], extra: Partial<AllocatorFramework> = {}) =>
      allocator.addFramework(id, { roles, active: true, ...extra }, new Map()),
    /** One cycle; every offer is booked as held by its framework until recovered. */
    cycle: (trigger: Parameters<HierarchicalAllocator['allocate']>[0] = 'step') => {
      const out = allocator.allocate(trigger);
      for (const a of out.allocations) book(a.frameworkId, a.agentId, a.resources, 1);
      return out;
    },
    recover: (frameworkId: string, agentId: string, resources: Resource[], refuseSeconds = 0) => {
      allocator.recoverResources(frameworkId, agentId, resources, refuseSeconds);
      book(frameworkId, agentId, resources, -1);
    },
    /** Everything a framework holds on one agent (with allocation roles). */
    heldOn: (frameworkId: string, agentId: string): Resource[] => ledger.get(frameworkId)?.get(agentId) ?? [],
    /** Total of one scalar a framework holds (optionally only what was allocated to one role). */
    held: (frameworkId: string, name: string, role?: string): number => {
      let sum = 0;
      for (const r of ledger.get(frameworkId)?.values() ?? []) {
        sum += scalar(r.filter((x) => role === undefined || x.allocation_info?.role === role), name);
      }
      return Math.round(sum * 1000) / 1000;
    },
    /** Unallocated amount of a scalar across all agents, per the allocator. */
    unallocated: (name: string, unreservedOnly = true): number =>
      Math.round(agentIds.reduce((s, id) => s + scalar(allocator.available(id).filter((r) => !unreservedOnly || reservationRole(r) === '*'), name), 0) * 1000) / 1000,
  };
  return t;
}

const offered = (cycle: AllocationCycle) => cycle.decisions.filter((d): d is Extract<Decision, { decision: 'offered' }> => d.decision === 'offered');
const only = (allocations: Allocation[]): Allocation => {
  assert.equal(allocations.length, 1, `expected one allocation, got ${JSON.stringify(allocations.map((a) => [a.frameworkId, a.agentId, a.role]))}`);
  return allocations[0];
};
const close = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message ?? 'value'}: expected ${expected}, got ${actual}`);

// --- 1. DRF: the example of Ghodsi et al., "Dominant Resource Fairness" (NSDI 2011) ---------------

for (const layout of ['one role, two frameworks', 'two roles'] as const) {
  // Mesos' DRF (role sorter and framework sorter alike) equalizes dominant shares: on <9 CPU, 18 GB>,
  // user A (tasks <1 CPU, 4 GB>) ends with 3 tasks and user B (tasks <3 CPU, 1 GB>) with 2, both at 2/3.
  test(`DRF paper example: A gets 3 tasks, B gets 2, dominant shares equalize at 2/3 (${layout})`, () => {
    const t = setup();
    t.agent('node', 'cpus:9;mem:18432');
    const roleOf = { A: layout === 'two roles' ? 'role-a' : '*', B: layout === 'two roles' ? 'role-b' : '*' };
    t.framework('A', [roleOf.A]);
    t.framework('B', [roleOf.B]);
    const taskOf = { A: R('cpus:1;mem:4096'), B: R('cpus:3;mem:1024') };
    const launched: string[] = [];

    // The scheduler loop: whoever is offered the agent launches one task of its size and declines the
    // rest (refuse 0); an offer its task does not fit is declined with a filter. Ends when no one is offered.
    for (let i = 0; i < 50; i++) {
      const { allocations } = t.cycle();
      if (allocations.length === 0) break;
      const offer = only(allocations);
      const who = offer.frameworkId as 'A' | 'B';
      assert.equal(offer.role, roleOf[who]);
      const task = allocateTo(taskOf[who], offer.role);
      if (contains(offer.resources, task)) {
        launched.push(who);
        t.recover(who, 'node', subtract(offer.resources, task));
      } else {
        t.recover(who, 'node', offer.resources, 60);
      }
    }

    // The paper's progression: A, B, A, B, A (the lowest dominant share goes next; ties by name).
    assert.deepEqual(launched, ['A', 'B', 'A', 'B', 'A']);
    assert.equal(t.held('A', 'cpus'), 3);
    assert.equal(t.held('A', 'mem'), 3 * 4096);
    assert.equal(t.held('B', 'cpus'), 6);
    assert.equal(t.held('B', 'mem'), 2 * 1024);
    // What is left (0 CPUs, 4 GB) fits neither task.
    assert.deepEqual(t.allocator.available('node'), R('mem:4096'));

    const shares = t.allocator.allocate('step').cycle.shares.after;
    if (layout === 'two roles') {
      close(shares.roles['role-a'], 2 / 3, 'A dominant share (mem)');
      close(shares.roles['role-b'], 2 / 3, 'B dominant share (cpus)');
    } else {
      close(shares.frameworks.A, 2 / 3, 'A dominant share (mem)');
      close(shares.frameworks.B, 2 / 3, 'B dominant share (cpus)');
    }
  });
}

// --- 2. weights ----------------------------------------------------------------------------------

for (const how of ['options.weights', 'updateWeights'] as const) {
  // Mesos' weighted DRF divides a role's dominant share by its weight: with weights a:2, b:1 and 30
  // identical agents, role a ends with twice as many agents as role b (20 vs 10).
  test(`weights 2:1 give role a twice role b's resources (${how})`, () => {
    const t = setup(how === 'options.weights' ? { weights: { a: 2, b: 1 } } : {});
    for (let i = 0; i < 30; i++) t.agent(`agent-${String(i).padStart(2, '0')}`, 'cpus:1;mem:1024');
    t.framework('fa', ['a']);
    t.framework('fb', ['b']);
    if (how === 'updateWeights') t.allocator.updateWeights({ a: 2 });

    // Every offer is kept (the frameworks launch on all of it); cycle until nothing is left.
    for (let i = 0; i < 5; i++) t.cycle();
    assert.equal(t.unallocated('cpus'), 0);
    assert.equal(t.held('fa', 'cpus'), 20);
    assert.equal(t.held('fb', 'cpus'), 10);
    const shares = t.allocator.roleShares();
    close(shares.get('a')!, (20 / 30) / 2, 'a weighted share');
    close(shares.get('b')!, 10 / 30, 'b weighted share');
  });
}

// --- 3. quota guarantees -------------------------------------------------------------------------

// Mesos satisfies quota guarantees before fair sharing: role q (guarantee cpus:6) gets 6 of 10 cpus even
// though role a (weight 4, and first by name on ties) would take 8 of them under weighted DRF alone.
test('quota guarantees are satisfied before fair share', () => {
  const run = (withQuota: boolean) => {
    const t = setup({ weights: { a: 4 } });
    for (let i = 0; i < 10; i++) t.agent(`agent-${i}`, 'cpus:1;mem:1024');
    t.framework('fa', ['a']);
    t.framework('fq', ['q']);
    if (withQuota) t.allocator.updateQuota('q', { guarantees: { cpus: 6 }, limits: {} });
    const { cycle } = t.cycle('quota_updated');
    return { t, cycle };
  };

  const drfOnly = run(false);
  assert.equal(drfOnly.t.held('fq', 'cpus'), 2, 'baseline: weighted DRF alone gives q 2 cpus');
  assert.equal(drfOnly.t.held('fa', 'cpus'), 8);
  assert.ok(offered(drfOnly.cycle).every((d) => d.stage === 'fair_share'));

  const { t, cycle } = run(true);
  assert.ok(t.held('fq', 'cpus') >= 6, `q holds ${t.held('fq', 'cpus')} cpus`);
  assert.equal(t.held('fq', 'cpus'), 6);
  assert.equal(t.held('fa', 'cpus'), 4);
  const quotaStage = offered(cycle).filter((d) => d.stage === 'quota');
  assert.ok(quotaStage.length > 0, 'the trace shows quota-stage offers');
  assert.ok(quotaStage.every((d) => d.framework_id === 'fq' && d.role === 'q'));
  assert.equal(quotaStage.reduce((s, d) => s + scalar(d.resources, 'cpus'), 0), 6);
  // Quota-stage decisions come before every fair-share decision in the trace.
  const firstFair = cycle.decisions.findIndex((d) => d.decision === 'offered' && d.stage === 'fair_share');
  const lastQuota = cycle.decisions.reduce((last, d, i) => (d.decision === 'offered' && d.stage === 'quota' ? i : last), -1);
  assert.ok(lastQuota < firstFair, `quota stage (last at ${lastQuota}) precedes fair share (first at ${firstFair})`);

  // Once met, a guarantee adds nothing: the next cycles run in the fair-share stage only.
  const next = t.cycle();
  assert.ok(offered(next.cycle).every((d) => d.stage !== 'quota'));
});

// Mesos (HierarchicalAllocatorProcess::__allocate, stage 1) offers a quota role the agent's other
// unreserved scalars (here mem) and its non-scalar resources (ports) along with the guaranteed cpus, as
// far as limits and headroom allow: "guaranteed resources and non-guarantee bursting resources are
// combined into one offer from one agent". A cpus-only offer would be useless to the framework.
test('a quota-stage offer also carries the agent\'s non-guaranteed resources (mem, ports)', () => {
  const t = setup();
  t.agent('a1', 'cpus:1;mem:1024;ports:[31000-31099]');
  t.framework('fa', ['a']);
  t.framework('fq', ['q']);
  t.allocator.updateQuota('q', { guarantees: { cpus: 1 }, limits: {} });
  const { allocations, cycle } = t.cycle('quota_updated');
  const toQ = allocations.filter((a) => a.frameworkId === 'fq');
  assert.ok(offered(cycle).some((d) => d.framework_id === 'fq' && d.stage === 'quota'), 'q is offered in the quota stage');
  const qResources = add(...toQ.map((a) => a.resources));
  assert.equal(scalar(qResources, 'cpus'), 1);
  assert.equal(scalar(qResources, 'mem'), 1024, `q was offered ${JSON.stringify(unallocate(qResources))}; role a got ${JSON.stringify(allocations.filter((a) => a.frameworkId === 'fa').map((a) => unallocate(a.resources)))}`);
  assert.ok(qResources.some((r) => r.name === 'ports'), 'ports go with the quota offer');
  assert.deepEqual(allocations.filter((a) => a.frameworkId === 'fa'), [], 'nothing is left for role a on the only agent');
});

// --- 4. quota limits -----------------------------------------------------------------------------

// Mesos never lets a role's allocation exceed its quota limit: offers are chopped to what the limit
// leaves, and a role at its limit is passed over (here recorded as 'quota_limit' in the trace).
test('quota limits are never exceeded across many cycles', () => {
  const t = setup();
  for (let i = 0; i < 8; i++) t.agent(`agent-${i}`, 'cpus:1.5;mem:1024');
  t.framework('flim', ['lim']);
  t.framework('fother', ['other']);
  t.allocator.updateQuota('lim', { guarantees: {}, limits: { cpus: 2, mem: 2048 } });

  let limitDecisions = 0;
  let chopped = 0;
  for (let i = 0; i < 30; i++) {
    const { allocations, cycle } = t.cycle('interval');
    for (const a of allocations.filter((x) => x.frameworkId === 'flim')) {
      if (scalar(a.resources, 'cpus') > 0 && scalar(a.resources, 'cpus') < 1.5) chopped++;
    }
    limitDecisions += cycle.decisions.filter((d) => d.decision === 'quota_limit' && d.role === 'lim').length;
    assert.ok(t.held('flim', 'cpus') <= 2 + EPS, `cycle ${i}: lim holds ${t.held('flim', 'cpus')} cpus`);
    assert.ok(t.held('flim', 'mem') <= 2048 + EPS, `cycle ${i}: lim holds ${t.held('flim', 'mem')} mem`);
    // Churn: every few cycles, tasks end and give resources back, so the limit is tested again.
    if (i % 3 === 0) for (let k = 0; k < 8; k++) {
      const held = t.heldOn('flim', `agent-${k}`);
      if (held.length) t.recover('flim', `agent-${k}`, held);
    }
    if (i % 2 === 0) for (let k = i % 8; k < 8; k += 3) {
      const held = t.heldOn('fother', `agent-${k}`);
      if (held.length) t.recover('fother', `agent-${k}`, held);
    }
  }
  assert.equal(t.held('flim', 'cpus'), 2, 'at the end, lim is at its limit');
  assert.ok(chopped > 0, 'an offer was chopped down to the limit (1.5 cpus agent, 0.5 left)');
  assert.ok(limitDecisions > 0, 'the trace records quota_limit decisions');
});

// --- 5. headroom ---------------------------------------------------------------------------------

// Mesos keeps enough unallocated unreserved resources ("headroom") for every unmet quota guarantee,
// even for a role with no framework yet: the fair-share stage does not hand them to other roles.
test('headroom for an unmet guarantee is kept even while its role has no framework', () => {
  const t = setup();
  for (let i = 0; i < 6; i++) t.agent(`agent-${i}`, 'cpus:1;mem:1024');
  t.framework('fb', ['b']);
  t.allocator.updateQuota('x', { guarantees: { cpus: 4 }, limits: {} });

  for (let i = 0; i < 5; i++) t.cycle('interval');
  assert.equal(t.held('fb', 'cpus'), 2, 'b gets only what the headroom leaves');
  assert.ok(t.unallocated('cpus') >= 4, `${t.unallocated('cpus')} unreserved cpus stay unallocated`);

  // Once x has a framework, the quota stage gives it the cpus that were held back.
  t.framework('fx', ['x']);
  const { cycle } = t.cycle('framework_added');
  assert.equal(t.held('fx', 'cpus'), 4);
  assert.ok(offered(cycle).filter((d) => d.framework_id === 'fx').every((d) => d.stage === 'quota'));
  assert.equal(t.held('fb', 'cpus'), 2);
});

// --- 6. reservations -----------------------------------------------------------------------------

// Mesos offers statically reserved resources only to frameworks of the reservation role; a '*'
// framework is offered only the unreserved part, and never the reservation even when ops is idle.
test('static reservations are offered only to their role', () => {
  const t = setup();
  t.agent('a1', 'cpus(ops):2;mem(ops):512;cpus:2;mem:512');
  t.framework('any', ['*']);
  t.framework('opsfw', ['ops']);
  const { allocations } = t.cycle();
  const toAny = allocations.filter((a) => a.frameworkId === 'any');
  const toOps = allocations.filter((a) => a.frameworkId === 'opsfw');
  assert.equal(toAny.length, 1);
  assert.deepEqual(unallocate(toAny[0].resources), R('cpus:2;mem:512'));
  assert.ok(toAny[0].resources.every((r) => reservationRole(r) === '*'));
  assert.equal(toOps.length, 1);
  assert.deepEqual(unallocate(toOps[0].resources), R('cpus(ops):2;mem(ops):512'));

  // With ops suppressed and everything given back, '*' still gets only the unreserved part.
  t.recover('any', 'a1', toAny[0].resources);
  t.recover('opsfw', 'a1', toOps[0].resources);
  t.allocator.suppressOffers('opsfw', []);
  const again = only(t.cycle().allocations);
  assert.equal(again.frameworkId, 'any');
  assert.deepEqual(unallocate(again.resources), R('cpus:2;mem:512'));
  const after = t.cycle().cycle;
  assert.deepEqual(after.decisions.filter((d) => d.framework_id === 'any').map((d) => d.decision), ['reserved_for_other_role']);
  assert.deepEqual(offered(after), []);
  assert.deepEqual(t.allocator.available('a1'), R('cpus(ops):2;mem(ops):512'));
});

// Mesos' RESERVE converts offered unreserved resources into a dynamic reservation for the role; once
// recovered, the reserved cpu is offered only to that role while the rest stays shared.
test('a dynamic reservation made through updateAllocation is offered only to its role', () => {
  const t = setup();
  t.agent('a1', 'cpus:2;mem:1024');
  t.framework('opsfw', ['ops']);
  const offer = only(t.cycle().allocations);
  assert.equal(offer.role, 'ops');

  const from: Resource[] = [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, allocation_info: { role: 'ops' } }];
  const to: Resource[] = [{ ...from[0], reservations: [{ type: 'DYNAMIC', role: 'ops' }] }];
  t.allocator.updateAllocation('opsfw', 'a1', from, to);
  const nowHeld = add(subtract(offer.resources, from), to);
  assert.ok(contains(nowHeld, to));
  t.allocator.recoverResources('opsfw', 'a1', nowHeld);
  assert.deepEqual(
    t.allocator.available('a1').map((r) => `${r.name}(${reservationRole(r)}):${r.scalar?.value}`).sort(),
    ['cpus(*):1', 'cpus(ops):1', 'mem(*):1024'],
  );

  // A framework of another role (sorting first by name) gets only the unreserved part; ops the reserved cpu.
  t.framework('devfw', ['dev']);
  const { allocations } = t.allocator.allocate('step');
  const dev = allocations.find((a) => a.frameworkId === 'devfw');
  const ops = allocations.find((a) => a.frameworkId === 'opsfw');
  assert.ok(dev, 'dev is offered the unreserved part');
  assert.deepEqual(unallocate(dev.resources), R('cpus:1;mem:1024'));
  assert.ok(ops, 'ops is offered its reservation');
  assert.equal(scalar(ops.resources, 'cpus'), 1);
  assert.ok(ops.resources.every((r) => reservationRole(r) === 'ops' && r.reservations?.[0]?.type === 'DYNAMIC'));

  // Given back and with ops suppressed, dev still never sees the reserved cpu.
  t.allocator.recoverResources('devfw', 'a1', dev.resources);
  t.allocator.recoverResources('opsfw', 'a1', ops.resources);
  t.allocator.suppressOffers('opsfw', ['ops']);
  const devOnly = only(t.allocator.allocate('step').allocations);
  assert.equal(devOnly.frameworkId, 'devfw');
  assert.ok(devOnly.resources.every((r) => reservationRole(r) === '*'));
  assert.equal(scalar(devOnly.resources, 'cpus'), 1);
});

// Mesos counts a role's reservations against its quota, allocated or not: with limit cpus:3 and 2
// cpus reserved, the role is offered its reservation and only 1 unreserved cpu more; a guarantee the
// reservations already cover keeps no headroom free for the role.
test('reservations count against quota limits and guarantees', () => {
  const t = setup();
  t.agent('a1', 'cpus(ops):2;mem(ops):512;cpus:4;mem:4096');
  t.agent('a2', 'cpus:4;mem:4096');
  t.framework('opsfw', ['ops']);
  t.allocator.updateQuota('ops', { guarantees: {}, limits: { cpus: 3 } });
  for (let i = 0; i < 5; i++) t.cycle();
  assert.equal(t.held('opsfw', 'cpus'), 3, 'reservation (2) plus 1 unreserved cpu');
  const unreserved = ['a1', 'a2'].reduce((s, a) => s + scalar(t.heldOn('opsfw', a).filter((r) => reservationRole(r) === '*'), 'cpus'), 0);
  close(unreserved, 1, 'unreserved cpus offered to ops');

  // An idle reservation counts too: ops gives everything back and still gets only 1 unreserved cpu.
  for (const a of ['a1', 'a2']) t.recover('opsfw', a, t.heldOn('opsfw', a));
  t.allocator.suppressOffers('opsfw', ['ops']);
  t.framework('devfw', ['dev']);
  t.cycle();
  t.allocator.reviveOffers('opsfw', ['ops']);
  for (let i = 0; i < 3; i++) t.cycle();
  close(scalar(t.heldOn('opsfw', 'a1').concat(t.heldOn('opsfw', 'a2')).filter((r) => reservationRole(r) === '*'), 'cpus'), 0, 'dev took the rest; ops at its limit by reservation alone');
  assert.equal(t.held('opsfw', 'cpus'), 2, 'ops holds its reservation only');
});

test('a dynamic reservation counts against the limit once made', () => {
  const t = setup();
  t.agent('a1', 'cpus:4;mem:1024');
  t.framework('opsfw', ['ops']);
  t.allocator.updateQuota('ops', { guarantees: {}, limits: { cpus: 2 } });
  const offer = only(t.cycle().allocations);
  close(scalar(offer.resources, 'cpus'), 2);
  const from: Resource[] = [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, allocation_info: { role: 'ops' } }];
  const to: Resource[] = [{ ...from[0], reservations: [{ type: 'DYNAMIC', role: 'ops' }] }];
  t.allocator.updateAllocation('opsfw', 'a1', from, to);
  t.allocator.recoverResources('opsfw', 'a1', add(subtract(offer.resources, from), to));
  const next = only(t.cycle().allocations);
  assert.deepEqual(next.resources.filter((r) => r.name === 'cpus').map((r) => `${reservationRole(r)}:${r.scalar?.value}`), ['ops:2'], 'only the reserved cpus: the limit is reached');
});

test('guarantees met by reservations need no headroom', () => {
  const t = setup();
  t.agent('a1', 'cpus(ops):2;cpus:4;mem:4096');
  t.framework('opsfw', ['ops']);
  t.allocator.suppressOffers('opsfw', ['ops']);
  t.framework('devfw', ['dev']);
  t.allocator.updateQuota('ops', { guarantees: { cpus: 2 }, limits: {} });
  t.cycle();
  assert.equal(t.held('devfw', 'cpus'), 4, 'dev gets every unreserved cpu');
});

// --- 7. GPUs -------------------------------------------------------------------------------------

// Mesos' --filter_gpu_resources (default true): agents with GPUs are offered only to frameworks with
// the GPU_RESOURCES capability; with the flag off, everyone gets them; GPU frameworks still get CPU agents.
test('GPU agents go only to GPU-aware frameworks unless filterGpuResources is off', () => {
  {
    const t = setup();
    t.agent('gpu-agent', 'cpus:4;mem:4096;gpus:1');
    t.framework('plain');
    const blocked = t.cycle();
    assert.deepEqual(blocked.allocations, []);
    assert.deepEqual(blocked.cycle.decisions.map((d) => `${d.framework_id}:${d.decision}`), ['plain:gpu_filtered']);

    t.framework('zgpu', ['*'], { gpuAware: true });
    const { allocations, cycle } = t.cycle();
    const a = only(allocations);
    assert.equal(a.frameworkId, 'zgpu');
    assert.equal(scalar(a.resources, 'gpus'), 1);
    assert.deepEqual(cycle.decisions.map((d) => `${d.framework_id}:${d.decision}`), ['plain:gpu_filtered', 'zgpu:offered']);
  }
  {
    const t = setup({ filterGpuResources: false });
    t.agent('gpu-agent', 'cpus:4;mem:4096;gpus:1');
    t.framework('plain');
    const a = only(t.cycle().allocations);
    assert.equal(a.frameworkId, 'plain');
    assert.equal(scalar(a.resources, 'gpus'), 1);
  }
  {
    const t = setup();
    t.agent('cpu-agent', 'cpus:4;mem:4096');
    t.framework('gpu', ['*'], { gpuAware: true });
    const a = only(t.cycle().allocations);
    assert.equal(a.frameworkId, 'gpu');
    assert.equal(a.agentId, 'cpu-agent');
  }
});

// --- 8. filters ----------------------------------------------------------------------------------

// Mesos: a decline filter lasts max(refuse_seconds, allocation_interval), measured on the allocator's clock.
test('a refuse filter expires at max(refuse_seconds, allocation interval)', () => {
  for (const [refuseSeconds, intervalMs, expectMs] of [[2, 5000, 5000], [10, 5000, 10_000]] as const) {
    const t = setup({ allocationIntervalMs: intervalMs });
    t.agent('a1', 'cpus:1;mem:1024');
    t.framework('f1');
    const offer = only(t.cycle().allocations);
    t.recover('f1', 'a1', offer.resources, refuseSeconds);
    const start = t.now();
    const d = t.cycle().cycle.decisions[0];
    assert.ok(d.decision === 'filtered', `refuse ${refuseSeconds}s: expected filtered, got ${d.decision}`);
    assert.equal(d.until, start + expectMs);
    t.advance(expectMs - 1);
    assert.deepEqual(t.cycle().allocations, [], `refuse ${refuseSeconds}s, interval ${intervalMs}ms: still filtered 1ms before`);
    t.advance(1);
    assert.equal(only(t.cycle().allocations).frameworkId, 'f1', `refuse ${refuseSeconds}s: offered again at ${expectMs}ms`);
  }
});

// --- 9. multi-role frameworks --------------------------------------------------------------------

// Mesos MULTI_ROLE: each offer is allocated to one of the framework's roles (allocation_info.role on
// every resource); suppressing one role stops offers for that role only.
test('a multi-role framework is offered per role, and suppressing one role keeps the other', () => {
  const t = setup();
  t.agent('a1', 'cpus:2;mem:2048');
  t.agent('a2', 'cpus:2;mem:2048');
  t.framework('mr', ['a', 'b']);
  const { allocations, cycle } = t.cycle();
  assert.equal(allocations.length, 2);
  assert.deepEqual(allocations.map((a) => a.role).sort(), ['a', 'b'], 'each role gets one agent (DRF between the roles)');
  for (const a of allocations) {
    assert.ok(a.resources.every((r) => r.allocation_info?.role === a.role), `resources carry allocation role ${a.role}`);
    assert.equal(a.decision.role, a.role);
  }
  assert.ok('mr/a' in cycle.shares.after.frameworks && 'mr/b' in cycle.shares.after.frameworks, 'shares are per framework and role');

  for (const a of allocations) t.recover('mr', a.agentId, a.resources);
  t.allocator.suppressOffers('mr', ['a']);
  const next = t.cycle();
  assert.equal(next.allocations.length, 2);
  assert.ok(next.allocations.every((a) => a.role === 'b' && a.resources.every((r) => r.allocation_info?.role === 'b')));
  assert.ok(next.cycle.decisions.some((d) => d.role === 'a' && d.decision === 'suppressed'));
  assert.ok(!next.cycle.decisions.some((d) => d.role === 'a' && d.decision === 'offered'));

  for (const a of next.allocations) t.recover('mr', a.agentId, a.resources);
  t.allocator.reviveOffers('mr', ['a']);
  assert.deepEqual(t.cycle().allocations.map((a) => a.role).sort(), ['a', 'b']);
});

// --- 10. random sorter ---------------------------------------------------------------------------

// Mesos' random sorter (--role_sorter=random / --framework_sorter=random): a weighted random order each
// time, so with a fixed seed the sequence of offers replays exactly and every framework gets offers.
test('the random sorter is reproducible with a seed and offers to every framework', () => {
  const run = (seed: number, weights: Record<string, number> = {}) => {
    const t = setup({
      roleSorter: () => new RandomSorter(seededRandom(seed)),
      frameworkSorter: () => new RandomSorter(seededRandom(seed)),
      weights,
    });
    t.agent('a1', 'cpus:4;mem:4096');
    t.framework('f1', ['r1']);
    t.framework('f2', ['r1']);
    t.framework('f3', ['r2']);
    t.framework('f4', ['r2']);
    const sequence: string[] = [];
    for (let i = 0; i < 200; i++) {
      const a = only(t.cycle().allocations);
      sequence.push(`${a.frameworkId}/${a.role}`);
      t.recover(a.frameworkId, 'a1', a.resources);
    }
    return sequence;
  };

  const first = run(7);
  assert.deepEqual(run(7), first, 'same seed, same offers');
  assert.notDeepEqual(run(8), first, 'another seed, another order');
  const counts = new Map<string, number>();
  for (const s of first) counts.set(s, (counts.get(s) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort(), ['f1/r1', 'f2/r1', 'f3/r2', 'f4/r2'], 'every framework was offered');
  assert.ok([...counts.values()].every((n) => n >= 20), `no framework starves: ${JSON.stringify([...counts])}`);

  // Weighted: role r1 (weight 3) comes first about 3 times in 4.
  const weighted = run(7, { r1: 3 });
  const r1 = weighted.filter((s) => s.endsWith('/r1')).length / weighted.length;
  assert.ok(r1 > 0.65 && r1 < 0.85, `r1 was offered ${r1 * 100}% of the time`);
});

// --- 11. the cycle trace -------------------------------------------------------------------------

// Mesolite's trace (the debugger's view of a Mesos allocation run): shares before and after, each
// active agent's available resources in visiting order, and offered decisions carrying the resources.
test('the trace records shares before/after, agents visited and offered resources', () => {
  const t = setup();
  t.framework('f1', ['r1']);
  t.framework('f2', ['r2']);
  t.agent('a1', 'cpus:4;mem:4096', new Map([['f1', R('cpus:1;mem:1024')]]));
  t.agent('a2', 'cpus:2;mem:2048');
  t.agent('a3', 'cpus:2;mem:2048');
  t.allocator.deactivateAgent('a3');
  const total = { cpus: 8, mem: 8192 }; // deactivated agents still count in the pool, as in Mesos' sorters
  const dominant = (fw: string) => Math.max(t.held(fw, 'cpus') / total.cpus, t.held(fw, 'mem') / total.mem);

  const { allocations, cycle } = t.cycle();
  // before: f1 holds 1/8 of the pool; f2 nothing.
  close(cycle.shares.before.roles.r1, 1 / 8, 'r1 before');
  close(cycle.shares.before.roles.r2, 0, 'r2 before');
  close(cycle.shares.before.frameworks.f1, 1 / 8, 'f1 before');
  close(cycle.shares.before.frameworks.f2, 0, 'f2 before');

  // agents: the two active ones, with what was available at the start of the cycle.
  assert.deepEqual(cycle.agents.map((a) => a.agent_id).sort(), ['a1', 'a2']);
  const seen = new Map(cycle.agents.map((a) => [a.agent_id, a.available]));
  assert.deepEqual(seen.get('a1'), R('cpus:3;mem:3072'));
  assert.deepEqual(seen.get('a2'), R('cpus:2;mem:2048'));

  // decisions: one offer per agent, in visiting order, each carrying exactly the allocated resources.
  const offers = offered(cycle);
  assert.equal(offers.length, 2);
  assert.deepEqual(offers.map((d) => d.agent_id), cycle.agents.map((a) => a.agent_id));
  assert.equal(offers[0].framework_id, 'f2', 'the lower share goes first');
  for (const d of offers) {
    const a = allocations.find((x) => x.agentId === d.agent_id && x.frameworkId === d.framework_id)!;
    assert.deepEqual(d.resources, a.resources);
    assert.ok(d.resources.every((r) => r.allocation_info?.role === d.role));
    assert.deepEqual(unallocate(d.resources), seen.get(d.agent_id), 'the whole available agent was offered');
  }

  // after: every offered framework's (and role's) share rose to what it now holds.
  for (const [fw, role] of [['f1', 'r1'], ['f2', 'r2']]) {
    assert.ok(cycle.shares.after.frameworks[fw] > cycle.shares.before.frameworks[fw], `${fw} share rose`);
    assert.ok(cycle.shares.after.roles[role] > cycle.shares.before.roles[role], `${role} share rose`);
    close(cycle.shares.after.frameworks[fw], dominant(fw), `${fw} after`);
    close(cycle.shares.after.roles[role], dominant(fw), `${role} after`);
  }

  // A recovery shows up as a lower share in the next cycle's "before".
  const f2Agent = offers[0].agent_id;
  t.recover('f2', f2Agent, t.heldOn('f2', f2Agent), 3600);
  const next = t.cycle().cycle;
  close(next.shares.before.frameworks.f2, 0, 'f2 after giving everything back');
  const nextSeen = new Map(next.agents.map((a) => [a.agent_id, a.available]));
  assert.deepEqual([...nextSeen.keys()].sort(), ['a1', 'a2'], 'every active agent is listed, even a full one');
  assert.deepEqual(nextSeen.get(f2Agent), seen.get(f2Agent), 'the recovered agent is available again');
  assert.deepEqual(nextSeen.get(f2Agent === 'a1' ? 'a2' : 'a1'), [], 'the other agent has nothing available');
});
