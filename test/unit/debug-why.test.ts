// The debugger's "why not?" (extension/debug/runtime/explain.ts): one sentence per agent from the last
// cycles' traces, naming the filter a DECLINE left, quota, reservations, GPUs, suppression, who took
// what was left, and agents the allocator did not consider; plus Marathon's queue for an app.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock, explainWhy, type WhyInput } from '../../extension/debug/runtime/explain';
import { fixture, offered, trace } from './debug-fixture';

const SPARK = 'm-0001';

function input(traces: WhyInput['traces'], extra: Partial<WhyInput> = {}): WhyInput {
  const { names } = fixture();
  return { frameworkId: SPARK, names, traces, declines: [], agents: ['m-S0', 'm-S1', 'm-S2'], ...extra };
}

test('names the filter left by the framework\'s own DECLINE, with its refuse_seconds', () => {
  const t8 = trace(8, [
    { agent_id: 'm-S0', framework_id: SPARK, role: '*', decision: 'filtered', until: Date.UTC(2030, 0, 1, 12, 1, 5) },
    offered(8, 'S0', 'marathon'),
  ]);
  const declinedAt = Date.UTC(2030, 0, 1, 12, 0, 5);
  const lines = explainWhy(input([t8], { declines: [{ offer_id: 'm-O3', agent_id: 'm-S0', at: declinedAt }] }));
  assert.equal(lines[0], 'spark got no offer in the last 1 cycle (8-8):');
  assert.equal(lines[1], `  S0 (127.0.0.1:5051): filtered until ${clock(Date.UTC(2030, 0, 1, 12, 1, 5))} by its own DECLINE of O3 at ${clock(declinedAt)} (refuse_seconds ≈ 60)`);
});

test('one sentence per agent for every other reason, from the latest cycle that visited it', () => {
  const older = trace(8, [offered(8, 'S1', 'spark')]);
  const latest = trace(9, [
    { agent_id: 'm-S0', framework_id: SPARK, role: 'dev', decision: 'quota_limit', detail: 'cpus 4 of limit 4' },
    offered(9, 'S1', 'marathon', 4, 4096),
    { agent_id: 'm-S1', framework_id: SPARK, role: '*', decision: 'nothing_left' },
  ]);
  const lines = explainWhy(input([older, latest]));
  assert.equal(lines[0], 'spark got 1 offer in the last 2 cycles (8-9):');
  assert.equal(lines[1], '  S0 (127.0.0.1:5051): role dev is at its quota limit (cpus 4 of limit 4)');
  assert.equal(lines[2], "  S1 (127.0.0.1:5052): nothing left in cycle 9 after marathon (share 0) took cpus:4;mem:4096; spark's share was 0");
  assert.equal(lines[3], '  S2 (m-S2): not considered by the allocator in the last 2 cycles (8-9) (deactivated, draining, in maintenance or disconnected)');

  const reasons = (decision: 'suppressed' | 'gpu_filtered' | 'reserved_for_other_role' | 'inactive') =>
    explainWhy(input([trace(10, [{ agent_id: 'm-S0', framework_id: SPARK, role: 'r', decision }])]))[1];
  assert.match(reasons('suppressed'), /S0 .*: spark suppressed offers for role r$/);
  assert.match(reasons('gpu_filtered'), /the agent has GPUs and spark does not declare the GPU_RESOURCES capability$/);
  assert.match(reasons('reserved_for_other_role'), /reserved for another role than r$/);
  assert.match(reasons('inactive'), /spark is inactive/);
});

test('an app waiting in Marathon\'s queue adds its reject reasons; no cycle yet says how to get one', () => {
  const queue = [{
    app: { id: '/web' }, count: 2, delay: { timeLeftSeconds: 3, overdue: false },
    processedOffersSummary: { processedOffersCount: 5, unusedOffersCount: 5, rejectSummaryLastOffers: [{ reason: 'InsufficientCpus', declined: 5, processed: 5 }, { reason: 'InsufficientMemory', declined: 0, processed: 5 }] },
  }];
  const lines = explainWhy(input([trace(8, [])], { queue }));
  assert.equal(lines.at(-1), '  spark waits to launch 2 instances of /web: 5 offers processed, 5 unused: InsufficientCpus (5); backoff delay 3s left');
  assert.deepEqual(explainWhy(input([])), ['No allocation cycle recorded yet: Step Over runs one.']);
});
