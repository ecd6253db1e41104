// The extension's cluster state (extension/cluster-state.ts): operator stream events, shaped as the
// master publishes them, applied without a read where the event carries the change; a re-read asked
// for where it does not; events applied again over a read's answer end where the stream alone ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState } from '../../extension/cluster-state';
import type { FrameworkV1, GetState, OperatorEvent } from '../../runtime/client/operator';
import type { Offer, Task } from '../../runtime/common/protocol/v1';
import { parseResources, scalar } from '../../runtime/common/resources';

const agent = (id: string) => ({
  agent_info: { id: { value: id }, hostname: '127.0.0.1', port: 5051 }, active: true,
  total_resources: parseResources('cpus:2;mem:1024'), allocated_resources: [], offered_resources: [],
});
const framework = (offers: Offer[] = []): FrameworkV1 => ({
  framework_info: { id: { value: 'F1' }, name: 'marathon', user: 'root' }, active: true, connected: true,
  offers, allocated_resources: [], offered_resources: [],
});
const offer = (id: string): Offer => ({ id: { value: id }, framework_id: { value: 'F1' }, agent_id: { value: 'A1' }, hostname: '127.0.0.1', resources: parseResources('cpus:2') } as Offer);
const task = (id: string): Task => ({
  name: id, task_id: { value: id }, framework_id: { value: 'F1' }, agent_id: { value: 'A1' }, state: 'TASK_STAGING', resources: parseResources('cpus:0.5;mem:64'), statuses: [],
});
const initial = (): GetState => ({
  get_agents: { agents: [agent('A1')] },
  get_frameworks: { frameworks: [framework()], completed_frameworks: [] },
  get_tasks: { tasks: [], completed_tasks: [], unreachable_tasks: [] },
});
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const taskAdded = (id: string): OperatorEvent => ({ type: 'TASK_ADDED', task_added: { task: task(id) } });
const taskUpdated = (id: string, state: Task['state'], timestamp: number): OperatorEvent =>
  ({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F1' }, status: { task_id: { value: id }, state, timestamp, data: 'aGk=' }, state } });
const cycle = (...offerIds: string[]): OperatorEvent => ({
  type: 'MESOLITE_ALLOCATION_CYCLE',
  mesolite_allocation_cycle: { cycle: 7, trigger: 'interval', agents: 1, offers: offerIds.map((offer_id) => ({ offer_id, framework_id: 'F1', agent_id: 'A1', role: '*' })), decisions: { suppressed: 1 } },
});

test('an idle cluster (heartbeats, cycles that offer nothing) changes nothing and asks for no read', () => {
  const s = new ClusterState(initial());
  for (const e of [{ type: 'HEARTBEAT' }, cycle(), cycle(), cycle()]) assert.deepEqual(s.apply(e), { changed: [] });
  assert.deepEqual(s.state, initial());
});

test('TASK_ADDED and TASK_UPDATED: the task, its statuses, its agent\'s and framework\'s allocation, without a read', () => {
  const s = new ClusterState(initial());
  assert.deepEqual(s.apply(taskAdded('t1')), { changed: ['tasks', 'frameworks', 'agents'] });
  assert.equal(s.state.get_tasks.tasks[0].state, 'TASK_STAGING');
  assert.equal(scalar(s.state.get_agents.agents[0].allocated_resources, 'cpus'), 0.5);
  assert.equal(scalar(s.state.get_frameworks.frameworks[0].allocated_resources, 'mem'), 64);

  assert.deepEqual(s.apply(taskUpdated('t1', 'TASK_RUNNING', 10)), { changed: ['tasks', 'frameworks'] });
  const [t] = s.state.get_tasks.tasks;
  assert.equal(t.state, 'TASK_RUNNING');
  assert.equal(t.statuses.length, 1);
  assert.equal(t.statuses[0].data, undefined, 'statuses are kept without their data, as the master keeps them');

  // Terminal: the task leaves the live tasks (the master moves it once acknowledged) and frees its resources.
  assert.deepEqual(s.apply(taskUpdated('t1', 'TASK_KILLED', 11)), { changed: ['tasks', 'frameworks', 'agents'] });
  assert.deepEqual(s.state.get_tasks.tasks, []);
  assert.deepEqual(s.state.get_tasks.completed_tasks.map((x) => x.state), ['TASK_KILLED']);
  assert.equal(scalar(s.state.get_agents.agents[0].allocated_resources, 'cpus'), 0);
  // A retried terminal update of a completed task changes nothing; one of a task never seen asks for a read.
  assert.deepEqual(s.apply(taskUpdated('t1', 'TASK_KILLED', 11)), { changed: [] });
  assert.deepEqual(s.apply(taskUpdated('t9', 'TASK_RUNNING', 12)), { changed: [], reread: 'state' });
});

test('offers: a cycle naming an unknown offer asks for GET_FRAMEWORKS; its answer and MESOLITE_OFFER_REMOVED keep the Offers view', () => {
  const s = new ClusterState(initial());
  assert.deepEqual(s.apply(cycle('O1')), { changed: [], reread: 'offers' });
  s.takeOffers({ frameworks: [framework([offer('O1')])], completed_frameworks: [] });
  assert.equal(scalar(s.state.get_frameworks.frameworks[0].offered_resources, 'cpus'), 2);
  assert.deepEqual(s.apply(cycle('O1')), { changed: [] }, 'a known offer needs no read');
  const removed = { type: 'MESOLITE_OFFER_REMOVED', mesolite_offer_removed: { offer_id: { value: 'O1' }, framework_id: { value: 'F1' }, agent_id: { value: 'A1' } } };
  assert.deepEqual(s.apply(removed), { changed: ['offers'] });
  assert.deepEqual(s.state.get_frameworks.frameworks[0].offers, []);
  assert.deepEqual(s.apply(removed), { changed: [] }, 'an offer already gone changes nothing');
});

test('agents and frameworks: added ones applied; removals, re-registrations and unknown Mesos events ask for GET_STATE', () => {
  const s = new ClusterState(initial());
  assert.deepEqual(s.apply({ type: 'AGENT_ADDED', agent_added: { agent: agent('A2') } }), { changed: ['agents'] });
  assert.deepEqual(s.state.get_agents.agents.map((a) => a.agent_info.id?.value), ['A1', 'A2']);
  assert.deepEqual(s.apply({ type: 'FRAMEWORK_UPDATED', framework_updated: { framework: { ...framework(), active: false } } }), { changed: ['frameworks', 'offers'] });
  assert.equal(s.state.get_frameworks.frameworks.length, 1);
  assert.equal(s.state.get_frameworks.frameworks[0].active, false);
  for (const e of [
    { type: 'AGENT_ADDED', agent_added: { agent: { ...agent('A1'), reregistered_time: { nanoseconds: 1 } } } },
    { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'A2' } } },
    { type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: framework().framework_info } },
    { type: 'SOMETHING_NEW', something_new: {} },
  ]) assert.equal(s.apply(e).reread, 'state', e.type);
  assert.deepEqual(s.apply({ type: 'MESOLITE_SOMETHING', mesolite_something: {} }), { changed: [] });
});

test('events applied again over a read\'s answer that already holds some of them end where the stream alone ends', () => {
  const events = [taskAdded('t1'), taskUpdated('t1', 'TASK_RUNNING', 10), taskAdded('t2'), taskUpdated('t2', 'TASK_FAILED', 11), taskUpdated('t1', 'TASK_RUNNING', 12)];
  const streamed = new ClusterState(initial());
  for (const e of events) streamed.apply(e);
  // The read was sent before the first event and answered after the third.
  const answered = new ClusterState(initial());
  for (const e of events.slice(0, 3)) answered.apply(e);
  const replayed = new ClusterState(clone(answered.state));
  for (const e of events) replayed.apply(e);
  assert.deepEqual(replayed.state, streamed.state);
  assert.deepEqual(streamed.state.get_tasks.tasks.map((t) => [t.task_id.value, t.state, t.statuses.length]), [['t1', 'TASK_RUNNING', 2]]);
});
