// The Variables tree of a stop point: Cluster, Roles, Frameworks, This cycle, Outstanding offers and
// Waiting work. Children are built when a client expands a node; big lists say their size so DAP
// clients page them (start/count) instead of taking 10,000 decisions at once.
import type { CycleDecision } from '../../../runtime/client/allocation';
import type { Resource } from '../../../runtime/common/protocol/v1';
import { formatResources, reservationRole } from '../../../runtime/common/resources';
import { clock } from './explain';
import { agentResources, agentUsage, availableAfter, resourceValues, type Moment, type ResourceValues } from './scope';

export interface VarNode {
  name: string;
  value: string;
  children?: () => VarNode[];
  /** Indexed children, when there may be many (DAP indexedVariables): their number and a page of them. */
  count?: number;
  page?: (start: number, count: number) => VarNode[];
  evaluateName?: string;
}

const leaf = (name: string, value: string | number | undefined): VarNode => ({ name, value: value === undefined ? '-' : String(value) });

function values(name: string, v: ResourceValues | undefined): VarNode {
  if (!v) return leaf(name, 'not recorded at this cycle');
  const shown = Object.entries(v).filter(([n, x]) => x !== 0 || n === 'cpus' || n === 'mem');
  return { name, value: shown.map(([n, x]) => `${n} ${x}`).join(', '), children: () => shown.map(([n, x]) => leaf(n, x)) };
}

function resources(name: string, list: Resource[]): VarNode {
  return { name, value: list.length ? formatResources(list) : '(none)', children: list.length ? () => list.map((r, i) => leaf(String(i), JSON.stringify(r))) : undefined };
}

function decisionNode(i: number, d: CycleDecision, m: Moment): VarNode {
  const fw = m.names.framework(d.framework_id);
  const agent = m.names.agent(d.agent_id);
  const detail = d.decision === 'offered' ? ` ${d.offer_id ? m.names.offer(d.offer_id) : ''} (${formatResources(d.resources)})`
    : d.decision === 'filtered' ? ` until ${clock(d.until)}` : d.decision === 'quota_limit' ? ` (${d.detail})` : '';
  return {
    name: `[${i}]`,
    value: `${agent} → ${fw}: ${d.decision}${detail}`,
    children: () => Object.entries(d).map(([k, v]) => (k === 'resources' ? resources(k, v as Resource[]) : leaf(k, k === 'until' ? `${v} (${clock(v as number)})` : (v as string)))),
  };
}

function cluster(m: Moment): VarNode[] {
  const ids = [...new Set([...[...m.mirror.agents.entries()].filter(([, a]) => !a.removed).map(([id]) => id), ...(m.cycle?.agents.map((a) => a.agent_id) ?? [])])];
  return ids.map((id) => {
    const usage = agentUsage(m, id);
    const after = m.cycle ? availableAfter(m.cycle, id) : undefined;
    const atStart = m.cycle?.agents.find((a) => a.agent_id === id);
    const reserved = (agentResources(m, id)?.total_resources ?? []).filter((r) => reservationRole(r) !== '*');
    const available = after ?? usage?.available;
    return {
      name: m.names.agent(id),
      value: `${m.names.agentAddress(id)} · available ${available ? `cpus ${available.cpus}, mem ${available.mem}` : 'unknown'}`,
      children: () => [
        leaf('id', id),
        values('total', usage?.total),
        values('used', usage?.allocated),
        values('offered', usage?.offered),
        values('available', available),
        ...(atStart ? [values('available at cycle start', resourceValues(atStart.available))] : []),
        resources('reserved', reserved),
      ],
    };
  });
}

function roles(m: Moment): VarNode[] {
  const shares = m.cycle?.shares.after.roles ?? {};
  const quota = m.snapshot?.quota ?? [];
  const names = [...new Set([...Object.keys(shares), ...Object.keys(m.snapshot?.weights ?? {}), ...quota.map((q) => q.role)])].sort();
  const scalars = (q?: Record<string, { value: number }>) => (q && Object.keys(q).length ? Object.entries(q).map(([n, v]) => `${n} ${v.value}`).join(', ') : '(none)');
  return names.map((role) => {
    const q = quota.find((x) => x.role === role);
    const allocated = (m.snapshot?.state.get_frameworks.frameworks ?? []).flatMap((f) => f.allocated_resources.filter((r) => r.allocation_info?.role === role));
    return {
      name: role,
      value: `share ${+(shares[role] ?? 0).toFixed(4)} · weight ${m.snapshot?.weights[role] ?? 1}`,
      children: () => [
        leaf('weight', m.snapshot?.weights[role] ?? 1),
        leaf('quota guarantee', scalars(q?.guarantees)),
        leaf('quota limit', scalars(q?.limits)),
        leaf('dominant share', +(shares[role] ?? 0).toFixed(4)),
        m.snapshot ? resources('allocated', allocated) : leaf('allocated', 'not recorded at this cycle'),
      ],
    };
  });
}

function frameworks(m: Moment, why: (frameworkId: string) => string): VarNode[] {
  const decisions = m.cycle?.decisions ?? [];
  return [...m.mirror.frameworks.entries()].filter(([, f]) => !f.removed).map(([id, f]) => {
    const share = m.cycle?.shares.after.frameworks[id] ?? 0;
    const mine = decisions.filter((d) => d.framework_id === id);
    const filters = mine.filter((d): d is Extract<CycleDecision, { decision: 'filtered' }> => d.decision === 'filtered');
    // A cycle from the history says what the master held then; a live stop what the stream and the trace say.
    const recorded = m.recorded?.frameworks.find((x) => x.framework_id === id);
    const suppressed = recorded?.suppressed_roles ?? [...new Set(mine.filter((d) => d.decision === 'suppressed').map((d) => d.role))];
    const active = recorded?.active ?? f.active;
    const offered = mine.filter((d) => d.decision === 'offered').length;
    return {
      name: m.names.framework(id),
      value: `share ${+share.toFixed(4)} · ${offered} offer${offered === 1 ? '' : 's'} this cycle${active ? '' : ' · inactive'}`,
      evaluateName: `share('${f.info.name}')`,
      children: () => [
        leaf('id', id),
        leaf('roles', (recorded?.roles ?? f.info.roles ?? [f.info.role ?? '*']).join(', ')),
        leaf('suppressed roles', suppressed.join(', ') || '(none)'),
        leaf('capabilities', (f.info.capabilities ?? []).map((c) => c.type).join(', ') || '(none)'),
        leaf('dominant share', +share.toFixed(4)),
        { name: 'active filters', value: filters.length ? filters.map((d) => `${m.names.agent(d.agent_id)} until ${clock(d.until)}`).join(', ') : '(none)' },
        { name: 'why', value: why(id), evaluateName: `why ${f.info.name}` },
      ],
    };
  });
}

function outstanding(m: Moment): VarNode[] {
  return m.outstanding.map((o) => {
    const d = m.cycle && o.cycle === m.cycle.cycle ? m.cycle.decisions.find((x) => x.decision === 'offered' && x.offer_id === o.offer_id) : undefined;
    const what = d?.decision === 'offered' ? ` · ${formatResources(d.resources)}` : '';
    return leaf(m.names.offer(o.offer_id), `${m.names.framework(o.framework_id)} on ${m.names.agent(o.agent_id)} · cycle ${o.cycle || '?'} · role ${o.role}${what}`);
  });
}

function waiting(m: Moment): VarNode[] {
  if (!m.snapshot) return [leaf('(history)', 'waiting work is read live only')];
  return [...m.snapshot.queues.entries()].map(([fwId, queue]) => ({
    name: m.names.framework(fwId),
    value: `${queue.length} app${queue.length === 1 ? '' : 's'} waiting`,
    children: () => queue.map((q) => {
      const rejects = q.processedOffersSummary.rejectSummaryLastOffers.filter((r) => r.declined > 0).map((r) => `${r.reason} (${r.declined})`).join(', ');
      return leaf(q.app.id, `${q.count} to launch · ${q.processedOffersSummary.processedOffersCount} offers processed${rejects ? ` · ${rejects}` : ''}${q.delay.timeLeftSeconds > 0 ? ` · delay ${q.delay.timeLeftSeconds}s` : ''}`);
    }),
  }));
}

/** The scopes of a stop point, in the order the Variables view shows them. */
export function scopeNodes(m: Moment, why: (frameworkId: string) => string): VarNode[] {
  const decisions = m.cycle?.decisions ?? [];
  const group = (name: string, kids: () => VarNode[]): VarNode => ({ name, value: '', children: kids });
  return [
    group('Cluster', () => cluster(m)),
    group('Roles', () => roles(m)),
    group('Frameworks', () => frameworks(m, why)),
    {
      name: m.cycle ? `This cycle (${m.cycle.cycle})` : 'This cycle',
      value: `${decisions.length} decisions`,
      count: decisions.length,
      page: (start, count) => decisions.slice(start, start + count).map((d, i) => decisionNode(start + i, d, m)),
    },
    { ...group('Outstanding offers', () => outstanding(m)), value: String(m.outstanding.length) },
    group('Waiting work', () => waiting(m)),
  ];
}
