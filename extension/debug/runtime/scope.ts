// The names and functions of one stop point (a cycle, and the live state when the debugger stopped
// on it) that conditions, Watch and the Debug Console evaluate against.
import type { CycleState, CycleTrace, QueueEntry, QuotaConfig } from '../../../runtime/client/allocation';
import type { GetState } from '../../../runtime/client/operator';
import type { Resource } from '../../../runtime/common/protocol/v1';
import { scalar } from '../../../runtime/common/resources';
import type { Scope, Value } from './evaluate';
import { ExpressionError } from './expressions';
import type { MirroredOffer, StreamMirror } from './mirror';
import type { Names } from './names';

/** The cluster as the operator API showed it when the debugger stopped. */
export interface Snapshot { state: GetState; weights: Record<string, number>; quota: QuotaConfig[]; queues: Map<string, QueueEntry[]>; at: number }

export interface Moment {
  cycle?: CycleTrace;
  snapshot?: Snapshot;
  /** What the master held right after this cycle (a cycle shown from the history). */
  recorded?: CycleState;
  /** Offers not yet answered at this point. */
  outstanding: MirroredOffer[];
  names: Names;
  mirror: StreamMirror;
}

const SCALARS = ['cpus', 'mem', 'disk', 'gpus'];

export type ResourceValues = Record<string, number>;

export function resourceValues(list: Resource[]): ResourceValues {
  return Object.fromEntries(SCALARS.map((n) => [n, +scalar(list, n).toFixed(4)]));
}

function minus(a: ResourceValues, b: ResourceValues): ResourceValues {
  return Object.fromEntries(SCALARS.map((n) => [n, +((a[n] ?? 0) - (b[n] ?? 0)).toFixed(4)]));
}

/** What is left on an agent after the cycle: its available resources less this cycle's offers. */
export function availableAfter(trace: CycleTrace, agentId: string): ResourceValues | undefined {
  const visited = trace.agents.find((a) => a.agent_id === agentId);
  if (!visited) return undefined;
  const offered = trace.decisions.flatMap((d) => (d.decision === 'offered' && d.agent_id === agentId ? d.resources : []));
  return minus(resourceValues(visited.available), resourceValues(offered));
}

/** An agent's resources as the master held them after the cycle, else as read when the debugger stopped. */
export function agentResources(m: Pick<Moment, 'snapshot' | 'recorded'>, agentId: string): Pick<CycleState['agents'][number], 'total_resources' | 'allocated_resources' | 'offered_resources'> | undefined {
  return m.recorded?.agents.find((x) => x.agent_id === agentId) ?? m.snapshot?.state.get_agents.agents.find((x) => x.agent_info.id?.value === agentId);
}

/** Total, allocated, offered and available resources of an agent (agentResources). */
export function agentUsage(m: Pick<Moment, 'snapshot' | 'recorded'>, agentId: string) {
  const a = agentResources(m, agentId);
  if (!a) return undefined;
  const [total, allocated, offered] = [resourceValues(a.total_resources), resourceValues(a.allocated_resources), resourceValues(a.offered_resources)];
  return { total, allocated, offered, available: minus(minus(total, allocated), offered) };
}

function cycleOffers(m: Moment, frameworkId?: string): Value[] {
  return (m.cycle?.decisions ?? []).flatMap((d) => d.decision === 'offered' && (!frameworkId || d.framework_id === frameworkId)
    ? [{ offer: d.offer_id ? m.names.offer(d.offer_id) : null, framework: m.names.framework(d.framework_id), agent: m.names.agent(d.agent_id), role: d.role, ...resourceValues(d.resources) }]
    : []);
}

export function momentScope(m: Moment): Scope {
  const fw = (args: Value[], fn: string) => {
    const id = typeof args[0] === 'string' ? m.names.findFramework(args[0]) : undefined;
    if (!id) throw new ExpressionError(`${fn}(): no framework named ${JSON.stringify(args[0])}`);
    return id;
  };
  const agent = (args: Value[], fn: string) => {
    const id = typeof args[0] === 'string' ? m.names.findAgent(args[0]) : undefined;
    if (!id) throw new ExpressionError(`${fn}(): no agent ${JSON.stringify(args[0])} (use its id, S<n>, hostname or hostname:port)`);
    return id;
  };
  const usage = (id: string, fn: string) => {
    const u = agentUsage(m, id);
    if (!u) throw new ExpressionError(`${fn}(): the state of agent ${m.names.agent(id)} was not recorded at cycle ${m.cycle?.cycle ?? '-'}`);
    return u;
  };
  const shares = () => Object.fromEntries(Object.entries(m.cycle?.shares.after.frameworks ?? {}).map(([id, s]) => [m.names.framework(id), s]));
  const names: Record<string, () => Value> = {
    cycle: () => m.cycle?.cycle ?? null,
    trigger: () => m.cycle?.trigger ?? null,
    offers: () => cycleOffers(m),
    outstanding: () => m.outstanding.map((o) => ({ offer: m.names.offer(o.offer_id), framework: m.names.framework(o.framework_id), agent: m.names.agent(o.agent_id), cycle: o.cycle })),
    shares,
    roles: () => ({ ...(m.cycle?.shares.after.roles ?? {}) }),
    frameworks: () => [...m.mirror.frameworks.entries()].filter(([, f]) => !f.removed).map(([id, f]) => ({ name: f.info.name, id, active: f.active, share: m.cycle?.shares.after.frameworks[id] ?? 0 })),
    agents: () => [...m.mirror.agents.entries()].filter(([, a]) => !a.removed).map(([id]) => ({ agent: m.names.agent(id), address: m.names.agentAddress(id), available: (m.cycle && availableAfter(m.cycle, id)) ?? (agentUsage(m, id)?.available ?? null) })),
    tasks: () => [...m.mirror.tasks.values()].filter((t) => !/FINISHED|FAILED|KILLED|LOST|ERROR|DROPPED|GONE/.test(t.state)).map((t) => ({ task: t.task_id, state: t.state, framework: m.names.framework(t.framework_id), agent: m.names.agent(t.agent_id) })),
  };
  const functions: Record<string, (args: Value[]) => Value> = {
    share: (args) => m.cycle?.shares.after.frameworks[fw(args, 'share')] ?? 0,
    role_share: (args) => m.cycle?.shares.after.roles[String(args[0])] ?? 0,
    offers: (args) => cycleOffers(m, fw(args, 'offers')),
    available: (args) => {
      const id = agent(args, 'available');
      return (m.cycle && availableAfter(m.cycle, id)) ?? usage(id, 'available').available;
    },
    total: (args) => usage(agent(args, 'total'), 'total').total,
    allocated: (args) => usage(agent(args, 'allocated'), 'allocated').allocated,
    offered: (args) => usage(agent(args, 'offered'), 'offered').offered,
    weight: (args) => m.snapshot?.weights[String(args[0])] ?? 1,
  };
  return {
    names: [...Object.keys(names), ...Object.keys(functions).map((f) => `${f}()`)],
    // Own properties only: `constructor` and the like are not names of the language.
    name: (n) => (Object.hasOwn(names, n) ? names[n]() : undefined),
    call: (n, args) => {
      const f = Object.hasOwn(functions, n) ? functions[n] : undefined;
      if (!f) throw new ExpressionError(`unknown function '${n}' (known: ${Object.keys(functions).join(', ')})`);
      return f(args);
    },
  };
}
