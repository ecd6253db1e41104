// The debugger's Call Stack (extension/debug/runtime/frames.ts): a cycle's story newest first, each
// frame pointing at its own line of the cycle's JSON document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycleDocument, cycleFrames } from '../../extension/debug/runtime/frames';
import { fixture } from './debug-fixture';

const removed = (offer: string, framework: string) => ({ offer_id: { value: offer }, framework_id: { value: framework }, agent_id: { value: 'm-S0' } });

test('frames: what followed the cycle, then its decisions, the cycle at the bottom; each line holds its entry', () => {
  const { story, mirror, names } = fixture();
  mirror.handle({ type: 'MESOLITE_OFFER_REMOVED', mesolite_offer_removed: { ...removed('m-O7', 'm-0000'), reason: 'ACCEPTED', task_ids: [{ value: 'web.1' }] } });
  mirror.handle({ type: 'TASK_ADDED', task_added: { task: { task_id: { value: 'web.1' }, name: 'web', framework_id: { value: 'm-0000' }, agent_id: { value: 'm-S0' }, state: 'TASK_STAGING', resources: [], statuses: [] } } });
  mirror.handle({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'm-0000' }, status: { task_id: { value: 'web.1' }, state: 'TASK_RUNNING', agent_id: { value: 'm-S0' } }, state: 'TASK_RUNNING' } });
  const frames = cycleFrames(story, 7, Infinity, names);
  assert.deepEqual(frames.map((f) => f.label()), [
    'web.1 TASK_RUNNING',
    'web.1 launched on S0 by marathon',
    'O7 accepted by marathon (launch web.1)',
    'cycle 7 · S0: nothing left for spark',
    'cycle 7 · offer O7 → marathon on S0 (cpus:3;mem:1024)',
    'cycle 7 · step · 2 agents, offers to marathon',
  ]);
  const lines = cycleDocument(story, 7, Infinity).split('\n');
  assert.doesNotThrow(() => JSON.parse(lines.join('\n')));
  for (const f of frames) {
    const line = lines[f.line - 1];
    const expected = f.key === 'c' ? '"cycle": 7' : f.key.startsWith('d') ? `"decision":"${story.trace(7)!.decisions[Number(f.key.slice(1))].decision}"` : `"${story.get(Number(f.key.slice(1)))!.kind}"`;
    assert.ok(line.includes(expected), `${f.key} → line ${f.line}: ${line}`);
  }
  assert.deepEqual(cycleFrames(story, 7, Infinity, names, 'm-0001').map((f) => f.label()), ['cycle 7 · S0: nothing left for spark', 'cycle 7 · step · 2 agents, offers to marathon'], 'a framework thread shows its own story');
});

test('frames: each answer as MESOLITE_OFFER_REMOVED gives it: the refuse_seconds of a decline, the cause of a rescind or removal', () => {
  const { story, mirror, names } = fixture();
  mirror.handle({ type: 'MESOLITE_OFFER_REMOVED', mesolite_offer_removed: { ...removed('m-O7', 'm-0000'), reason: 'DECLINED', refuse_seconds: 60 } });
  mirror.handle({ type: 'MESOLITE_OFFER_REMOVED', mesolite_offer_removed: { ...removed('m-O8', 'm-0000'), reason: 'RESCINDED', cause: 'OFFER_TIMEOUT' } });
  mirror.handle({ type: 'MESOLITE_OFFER_REMOVED', mesolite_offer_removed: { ...removed('m-O9', 'm-0001'), reason: 'REMOVED', cause: 'FRAMEWORK_REMOVED' } });
  assert.deepEqual(cycleFrames(story, 7, Infinity, names).slice(0, 3).map((f) => f.label()), [
    'O9 removed with spark (framework removed)',
    'O8 rescinded from marathon (offer timeout)',
    'O7 declined by marathon (refuse 60 s)',
  ]);
});
