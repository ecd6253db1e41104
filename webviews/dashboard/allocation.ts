// Beyond Mesos' UI: each allocation cycle's decisions (as the extension's trace shows them), a plot of
// every role's and framework's dominant share over the cycles, and why a framework is waiting.
import type { Decision } from '../../runtime/common/protocol/allocation';
import { h, table, type Child } from '../shared/dom';
import { resources, time } from '../shared/format';
import type { CycleView } from './model';
import type { Context, Page } from './pages';

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function svg(tag: string, attrs: Record<string, string | number>, ...children: Node[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** One polyline per series: its dominant share (0..1) at each cycle. */
function sharePlot(cycles: CycleView[], series: (c: CycleView) => Record<string, number>, label: (name: string) => string): Child {
  const names = [...new Set(cycles.flatMap((c) => Object.keys(series(c))))];
  if (cycles.length === 0 || names.length === 0) return h('p', { class: 'empty' }, 'No cycle yet');
  const [w, height, pad] = [640, 160, 24];
  const x = (i: number) => pad + (cycles.length === 1 ? 0 : (i * (w - 2 * pad)) / (cycles.length - 1));
  const y = (share: number) => height - pad - share * (height - 2 * pad);
  const lines = names.map((name, n) => svg('polyline', {
    fill: 'none', stroke: PALETTE[n % PALETTE.length], 'stroke-width': 2, 'data-series': name,
    points: cycles.map((c, i) => `${x(i).toFixed(1)},${y(series(c)[name] ?? 0).toFixed(1)}`).join(' '),
  }));
  const axis = svg('polyline', { fill: 'none', stroke: 'currentColor', 'stroke-width': 1, points: `${pad},${pad} ${pad},${height - pad} ${w - pad},${height - pad}` });
  const labels = [svg('text', { x: 2, y: pad + 4, 'font-size': 10, fill: 'currentColor' }, document.createTextNode('1')), svg('text', { x: 2, y: height - pad, 'font-size': 10, fill: 'currentColor' }, document.createTextNode('0'))];
  const plot = svg('svg', { viewBox: `0 0 ${w} ${height}`, width: w, height, class: 'plot' }, axis, ...labels, ...lines);
  const legend = h('ul', { class: 'legend' }, names.map((name, n) => h('li', { style: `color:${PALETTE[n % PALETTE.length]}` }, `${label(name)}: ${((series(cycles.at(-1)!)[name] ?? 0) * 100).toFixed(1)}%`)));
  return h('div', { class: 'share-plot' }, plot, legend);
}

export function describe(d: Decision): string {
  switch (d.decision) {
    case 'offered': return `offered ${resources(d.resources)} (${d.stage === 'quota' ? 'quota stage' : 'fair share'})`;
    case 'filtered': return `filtered until ${time(d.until)} (it declined these resources with refuse_seconds)`;
    case 'quota_limit': return `held back by the role's quota limit: ${d.detail}`;
    case 'suppressed': return 'suppressed: the framework asked for no offers';
    case 'gpu_filtered': return 'GPU agent withheld from a framework without the GPU_RESOURCES capability';
    case 'reserved_for_other_role': return "only resources reserved for another role were left";
    case 'nothing_left': return 'nothing left on the agent';
    case 'inactive': return 'the framework is inactive';
  }
}

export const allocation: Page = {
  title: 'Allocation',
  cycles: true,
  render(ctx) {
    const { cycles } = ctx.model;
    const last = cycles.at(-1);
    return [
      h('h3', {}, 'Dominant share of each role'), sharePlot(cycles, (c) => c.shares?.after.roles ?? {}, (r) => r),
      h('h3', {}, 'Dominant share of each framework'), sharePlot(cycles, (c) => c.shares?.after.frameworks ?? {}, (f) => ctx.model.frameworkName(f)),
      h('h3', {}, 'Cycles'), table('cycles', [
        { title: 'Cycle', value: (c: CycleView) => c.cycle },
        { title: 'Trigger', value: (c) => c.trigger },
        { title: 'Started', value: (c) => c.started_at, cell: (c) => time(c.started_at) },
        { title: 'Duration (ms)', value: (c) => c.duration_ms },
        { title: 'Decisions', value: (c) => counts(c.decisions) },
      ], [...cycles].reverse().slice(0, 50), ctx.rerender),
      last ? [h('h3', {}, `Decisions of cycle ${last.cycle}`), decisionTable(ctx, 'last-cycle', last.decisions)] : null,
    ];
  },
};

function counts(decisions: Decision[]): string {
  const by = new Map<string, number>();
  for (const d of decisions) by.set(d.decision, (by.get(d.decision) ?? 0) + 1);
  return [...by].map(([k, n]) => `${k} ${n}`).join(', ');
}

function decisionTable(ctx: Context, id: string, decisions: Decision[]): Child {
  return table(id, [
    { title: 'Agent', value: (d: Decision) => ctx.model.agentHost(d.agent_id) },
    { title: 'Framework', value: (d) => ctx.model.frameworkName(d.framework_id) },
    { title: 'Role', value: (d) => d.role },
    { title: 'Decision', value: (d) => d.decision },
    { title: 'Why', value: describe },
  ], decisions, ctx.rerender);
}

/** "Why is X waiting": the framework's decisions in the newest cycles that visited it, explained. */
export const why: Page = {
  title: 'Why is it waiting?',
  cycles: true,
  render(ctx) {
    const id = ctx.params[0];
    const f = ctx.model.frameworks.get(id);
    const recent = ctx.model.cycles.slice(-20).flatMap((c) => c.decisions.filter((d) => d.framework_id === id).map((d) => ({ ...d, cycle: c.cycle })));
    const lastOffer = [...ctx.model.cycles].reverse().find((c) => c.decisions.some((d) => d.framework_id === id && d.decision === 'offered'));
    const verdict = !f ? `No active framework ${id}.`
      : !f.active ? 'The framework is inactive (disconnected or failed over): it gets no offers until it subscribes again.'
      : recent.length === 0 ? 'No recent allocation cycle considered this framework: its roles may be capped by quota, or no agent has free resources.'
      : recent.every((d) => d.decision !== 'offered') ? `In the last ${Math.min(20, ctx.model.cycles.length)} cycles it got no offer: ${counts(recent)}.`
      : `It was offered resources in cycle ${lastOffer?.cycle}: it is waiting for its own scheduler to accept them.`;
    return [h('h2', {}, `Why is ${f?.framework_info.name ?? id} waiting?`), h('p', { class: 'verdict' }, verdict), decisionTable(ctx, `why-${id}`, recent.reverse())];
  },
};
