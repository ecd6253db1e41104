// A small cluster as the debugger's runtime sees it, built through its real stream reader: two agents
// (S0, S1), two frameworks (marathon, spark) and cycle 7, in which marathon got 3 cpus of S0.
import type { CycleDecision, CycleTrace } from '../../runtime/client/allocation';
import type { Resource } from '../../runtime/common/protocol/v1';
import { StreamMirror } from '../../extension/debug/runtime/mirror';
import { Names } from '../../extension/debug/runtime/names';
import type { Moment } from '../../extension/debug/runtime/scope';
import { Story } from '../../extension/debug/runtime/story';

export const scalars = (cpus: number, mem: number): Resource[] => [
  { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
  { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
];

export function offered(cycle: number, agent: string, framework: 'marathon' | 'spark', cpus = 3, mem = 1024): CycleDecision {
  return { agent_id: `m-${agent}`, framework_id: framework === 'marathon' ? 'm-0000' : 'm-0001', role: '*', decision: 'offered', resources: scalars(cpus, mem), stage: 'fair_share', offer_id: `m-O${cycle}` };
}

export function trace(cycle: number, decisions: CycleDecision[], startedAt = Date.UTC(2030, 0, 1, 12, 0, cycle)): CycleTrace {
  return {
    cycle, trigger: 'step', started_at: startedAt, duration_ms: 0.1,
    agents: [{ agent_id: 'm-S0', available: scalars(4, 4096) }, { agent_id: 'm-S1', available: scalars(4, 4096) }],
    shares: { before: { roles: { '*': 0 }, frameworks: { 'm-0000': 0, 'm-0001': 0 } }, after: { roles: { '*': 0.375 }, frameworks: { 'm-0000': 0.5, 'm-0001': 0 } } },
    decisions,
  };
}

export function fixture() {
  const story = new Story();
  const mirror = new StreamMirror(story, () => undefined);
  const framework = (id: string, name: string) => ({ framework_info: { id: { value: id }, name, user: 'u', roles: ['*'] }, active: true, connected: true, allocated_resources: [], offered_resources: [] });
  const agent = (id: string, port: number) => ({ agent_info: { id: { value: id }, hostname: '127.0.0.1', port }, active: true, total_resources: scalars(4, 4096), allocated_resources: [], offered_resources: [] });
  mirror.handle({
    type: 'SUBSCRIBED',
    subscribed: { get_state: {
      get_tasks: { tasks: [], completed_tasks: [], unreachable_tasks: [] },
      get_agents: { agents: [agent('m-S0', 5051), agent('m-S1', 5052)] },
      get_frameworks: { frameworks: [framework('m-0000', 'marathon'), framework('m-0001', 'spark')], completed_frameworks: [] },
    } },
  });
  const cycle = trace(7, [offered(7, 'S0', 'marathon'), { agent_id: 'm-S0', framework_id: 'm-0001', role: '*', decision: 'nothing_left' }]);
  story.addTrace(cycle);
  const marker = story.appendCycle(7, cycle.started_at, 'step', ['m-0000']);
  const names = new Names(mirror);
  const moment: Moment = { cycle, outstanding: [], names, mirror };
  return { story, mirror, names, moment, marker };
}
