// The master UI's pages, in Mesos' terms and column names. Each page renders from the model (the
// operator stream) and, where the stream does not carry it, from `extra`: operator calls the page makes
// when it opens and again when the stream says what they answer changed (see Page.reloadOn).
import type { Task } from '../../runtime/common/protocol/v1';
import { facts, h, link, table, type Child, type Column } from '../shared/dom';
import { cpus, megabytes, resources, scalar, time } from '../shared/format';
import type { Transport } from '../shared/transport';
import type { AgentView, ClusterModel, FrameworkView } from './model';

export interface Context {
  model: ClusterModel;
  master: { info?: any; startTime?: number; electedTime?: number; version?: string; leader?: string };
  extra: any;
  params: string[];
  rerender: () => void;
  transport: Transport;
}

export interface Page {
  title: string;
  render(ctx: Context): Child;
  /** Operator calls the page needs beyond the stream, and the stream events after which to make them again. */
  load?(transport: Transport, params: string[]): Promise<unknown>;
  reloadOn?: string[];
  /** Re-rendered after each allocation cycle. */
  cycles?: boolean;
}

const sandboxLink = (t: Task) => link(`#/agents/${t.agent_id.value}/browse?framework=${encodeURIComponent(t.framework_id.value)}&executor=${encodeURIComponent(t.executor_id?.value ?? t.task_id.value)}`, 'Sandbox');
const stateTime = (t: Task) => t.statuses.at(-1)?.timestamp ?? 0;

function taskColumns(ctx: Context): Column<Task>[] {
  return [
    { title: 'ID', value: (t) => t.task_id.value },
    { title: 'Name', value: (t) => t.name },
    { title: 'State', value: (t) => t.state, cell: (t) => h('span', { class: `state ${t.state}` }, t.state) },
    { title: 'Framework', value: (t) => ctx.model.frameworkName(t.framework_id.value), cell: (t) => link(`#/frameworks/${t.framework_id.value}`, ctx.model.frameworkName(t.framework_id.value)) },
    { title: 'Agent', value: (t) => ctx.model.agentHost(t.agent_id.value), cell: (t) => link(`#/agents/${t.agent_id.value}`, ctx.model.agentHost(t.agent_id.value)) },
    { title: 'CPUs', value: (t) => scalar(t.resources, 'cpus') },
    { title: 'Mem', value: (t) => scalar(t.resources, 'mem'), cell: (t) => megabytes(scalar(t.resources, 'mem')) },
    { title: 'Started', value: stateTime, cell: (t) => time(stateTime(t)) },
    { title: '', value: () => '', cell: sandboxLink },
  ];
}

function taskTables(ctx: Context, prefix: string, active: Task[], unreachable: Task[], completed: Task[]): Child {
  const cols = taskColumns(ctx);
  return [
    h('h3', {}, `Active Tasks (${active.length})`), table(`${prefix}-active`, cols, active, ctx.rerender),
    h('h3', {}, `Unreachable Tasks (${unreachable.length})`), table(`${prefix}-unreachable`, cols, unreachable, ctx.rerender),
    h('h3', {}, `Completed Tasks (${completed.length})`), table(`${prefix}-completed`, cols, completed.slice(-1000).reverse(), ctx.rerender),
  ];
}

function sum(list: Array<{ [k: string]: any }>, field: string, name: string): number {
  return list.reduce((s, x) => s + scalar(x[field], name), 0);
}

function resourceTable(rows: Array<[string, number, number, number]>): HTMLElement {
  return h('table', { class: 'resources' }, h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'CPUs'), h('th', {}, 'GPUs'), h('th', {}, 'Mem'), h('th', {}, 'Disk'))),
    h('tbody', {}, rows.map(([name, c, m, d]) => h('tr', {}, h('th', {}, name), h('td', {}, cpus(c)), h('td', {}, '0'), h('td', {}, megabytes(m)), h('td', {}, megabytes(d))))));
}

const triple = (list: any[], field: string): [number, number, number] => [sum(list, field, 'cpus'), sum(list, field, 'mem'), sum(list, field, 'disk')];

export const dashboard: Page = {
  title: 'Dashboard',
  render(ctx) {
    const { model, master } = ctx;
    const agents = [...model.agents.values()];
    const byState = new Map<string, number>();
    for (const t of model.allTasks()) byState.set(t.state, (byState.get(t.state) ?? 0) + 1);
    const total = triple(agents, 'total_resources');
    const allocated = triple(agents, 'allocated_resources');
    const offered = triple(agents, 'offered_resources');
    const idle = total.map((v, i) => v - allocated[i] - offered[i]) as [number, number, number];
    return h('div', { class: 'dashboard' },
      h('div', { class: 'columns' },
        h('section', {}, h('h3', {}, 'Cluster'), facts([
          ['Cluster', master.info?.hostname ?? ''], ['Leader', master.leader ?? ''], ['Version', master.version ?? ''],
          ['Started', time(master.startTime)], ['Elected', time(master.electedTime)],
        ])),
        h('section', {}, h('h3', {}, 'Agents'), facts([
          ['Activated', agents.filter((a) => a.active).length], ['Deactivated', agents.filter((a) => !a.active || a.deactivated).length],
          ['Unreachable', model.unreachableTasks.size ? new Set([...model.unreachableTasks.values()].map((t) => t.agent_id.value)).size : 0],
        ])),
        h('section', {}, h('h3', {}, 'Tasks'), facts(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST']
          .map((s) => [s.replace('TASK_', '').toLowerCase().replace(/^./, (c) => c.toUpperCase()), h('span', { 'data-state': s }, byState.get(s) ?? 0)] as [string, Child]))),
        h('section', {}, h('h3', {}, 'Resources'), resourceTable([['Total', ...total], ['Allocated', ...allocated], ['Offered', ...offered], ['Idle', ...idle]])),
      ),
      taskTables(ctx, 'dash', [...model.tasks.values()], [...model.unreachableTasks.values()], model.completedTasks));
  },
};

function frameworkColumns(ctx: Context): Column<FrameworkView>[] {
  return [
    { title: 'ID', value: (f) => f.framework_info.id.value, cell: (f) => link(`#/frameworks/${f.framework_info.id.value}`, f.framework_info.id.value) },
    { title: 'Host', value: (f) => f.framework_info.hostname ?? '' },
    { title: 'User', value: (f) => f.framework_info.user },
    { title: 'Name', value: (f) => f.framework_info.name, cell: (f) => f.framework_info.webui_url ? link(f.framework_info.webui_url, f.framework_info.name) : f.framework_info.name },
    { title: 'Roles', value: (f) => (f.framework_info.roles ?? [f.framework_info.role ?? '*']).join(', ') },
    { title: 'Active Tasks', value: (f) => [...ctx.model.tasks.values()].filter((t) => t.framework_id.value === f.framework_info.id.value).length },
    { title: 'CPUs', value: (f) => scalar(f.allocated_resources, 'cpus') },
    { title: 'Mem', value: (f) => scalar(f.allocated_resources, 'mem'), cell: (f) => megabytes(scalar(f.allocated_resources, 'mem')) },
    { title: 'Registered', value: (f) => f.registered_time?.nanoseconds ?? 0, cell: (f) => time(f.registered_time) },
  ];
}

export const frameworks: Page = {
  title: 'Frameworks',
  render(ctx) {
    const all = [...ctx.model.frameworks.values()];
    const cols = frameworkColumns(ctx);
    return [
      h('h3', {}, 'Active Frameworks'), table('fw-active', cols, all.filter((f) => f.active), ctx.rerender),
      h('h3', {}, 'Inactive Frameworks'), table('fw-inactive', cols, all.filter((f) => !f.active), ctx.rerender),
      h('h3', {}, 'Completed Frameworks'), table('fw-completed', cols, ctx.model.completedFrameworks, ctx.rerender),
    ];
  },
};

export const framework: Page = {
  title: 'Framework',
  render(ctx) {
    const id = ctx.params[0];
    const f = ctx.model.frameworks.get(id) ?? ctx.model.completedFrameworks.find((c) => c.framework_info.id.value === id);
    if (!f) return h('p', {}, `No framework ${id}`);
    const mine = (t: Task) => t.framework_id.value === id;
    const info = f.framework_info;
    return [
      h('h2', {}, `Framework ${info.name}`),
      facts([
        ['ID', id], ['Name', info.name], ['User', info.user], ['Roles', (info.roles ?? [info.role ?? '*']).join(', ')], ['Principal', info.principal ?? ''],
        ['Active', String(f.active)], ['Connected', String(f.connected)], ['Registered', time(f.registered_time)],
        ['Failover timeout', `${info.failover_timeout ?? 0} s`], ['Checkpoint', String(info.checkpoint ?? false)],
        ['Capabilities', (info.capabilities ?? []).map((c) => c.type).join(', ')],
        ['Web UI', info.webui_url ? link(info.webui_url, info.webui_url) : ''],
        ['Resources', `allocated ${resources(f.allocated_resources)}; offered ${resources(f.offered_resources)}`],
        ['Waiting?', link(`#/why/${id}`, 'Why is this framework waiting?')],
      ]),
      taskTables(ctx, `fw-${id}`, [...ctx.model.tasks.values()].filter(mine), [...ctx.model.unreachableTasks.values()].filter(mine), ctx.model.completedTasks.filter(mine)),
    ];
  },
};

function agentColumns(): Column<AgentView>[] {
  return [
    { title: 'ID', value: (a) => a.agent_info.id.value, cell: (a) => link(`#/agents/${a.agent_info.id.value}`, a.agent_info.id.value) },
    { title: 'Host', value: (a) => a.agent_info.hostname },
    { title: 'CPUs', value: (a) => scalar(a.total_resources, 'cpus') },
    { title: 'Mem', value: (a) => scalar(a.total_resources, 'mem'), cell: (a) => megabytes(scalar(a.total_resources, 'mem')) },
    { title: 'Disk', value: (a) => scalar(a.total_resources, 'disk'), cell: (a) => megabytes(scalar(a.total_resources, 'disk')) },
    { title: 'Allocated CPUs', value: (a) => scalar(a.allocated_resources, 'cpus') },
    { title: 'State', value: (a) => (a.draining_info ? 'draining' : a.deactivated || !a.active ? 'deactivated' : 'active') },
    { title: 'Registered', value: (a) => a.registered_time?.nanoseconds ?? 0, cell: (a) => time(a.registered_time) },
  ];
}

export const agents: Page = {
  title: 'Agents',
  render: (ctx) => [h('h3', {}, 'Agents'), table('agents', agentColumns(), [...ctx.model.agents.values()], ctx.rerender)],
};

export const agent: Page = {
  title: 'Agent',
  render(ctx) {
    const id = ctx.params[0];
    const a = ctx.model.agents.get(id);
    if (!a) return h('p', {}, `No agent ${id}`);
    const reserved = (a.total_resources ?? []).filter((r: any) => (r.reservations ?? []).length > 0 || (r.role && r.role !== '*'));
    const onAgent = (t: Task) => t.agent_id.value === id;
    const frameworksHere = new Set([...ctx.model.tasks.values()].filter(onAgent).map((t) => t.framework_id.value));
    const executors = ctx.model.executors.filter((e) => e.agent_id.value === id);
    return [
      h('h2', {}, `Agent ${a.agent_info.hostname}`),
      facts([
        ['ID', id], ['PID', a.pid ?? ''], ['Version', a.version ?? ''], ['Registered', time(a.registered_time)],
        ['State', a.draining_info ? 'draining' : a.deactivated || !a.active ? 'deactivated' : 'active'],
        ['Attributes', (a.agent_info.attributes ?? []).map((x: any) => `${x.name}:${x.text?.value ?? x.scalar?.value ?? ''}`).join('; ')],
        ['Sandboxes', link(`#/agents/${id}/browse`, 'Browse')],
      ]),
      resourceTable([
        ['Total', ...triple([a], 'total_resources')], ['Allocated', ...triple([a], 'allocated_resources')],
        ['Reserved', scalar(reserved, 'cpus'), scalar(reserved, 'mem'), scalar(reserved, 'disk')], ['Offered', ...triple([a], 'offered_resources')],
      ]),
      h('h3', {}, 'Frameworks'), table(`agent-${id}-fw`, [{ title: 'Framework', value: (f: string) => ctx.model.frameworkName(f), cell: (f: string) => link(`#/frameworks/${f}`, ctx.model.frameworkName(f)) }], [...frameworksHere], ctx.rerender, { filter: false }),
      h('h3', {}, 'Executors'), table(`agent-${id}-ex`, [
        { title: 'ID', value: (e: any) => e.executor_info.executor_id.value },
        { title: 'Framework', value: (e: any) => ctx.model.frameworkName(e.executor_info.framework_id?.value ?? '') },
        { title: '', value: () => '', cell: (e: any) => link(`#/agents/${id}/browse?framework=${encodeURIComponent(e.executor_info.framework_id?.value ?? '')}&executor=${encodeURIComponent(e.executor_info.executor_id.value)}`, 'Sandbox') },
      ], executors, ctx.rerender, { filter: false }),
      taskTables(ctx, `agent-${id}`, [...ctx.model.tasks.values()].filter(onAgent), [...ctx.model.unreachableTasks.values()].filter(onAgent), ctx.model.completedTasks.filter(onAgent)),
    ];
  },
};

export const roles: Page = {
  title: 'Roles',
  async load(transport) {
    const [weights, quota] = await Promise.all([transport.json('POST', '/api/v1', { type: 'GET_WEIGHTS' }), transport.json('POST', '/api/v1', { type: 'GET_QUOTA' })]);
    return { weights: weights.get_weights.weight_infos ?? [], quota: quota.get_quota.status?.infos ?? [], configs: quota.get_quota.status?.configs ?? [] };
  },
  reloadOn: ['FRAMEWORK_ADDED', 'FRAMEWORK_UPDATED'],
  render(ctx) {
    const extra = ctx.extra ?? { weights: [], configs: [] };
    const names = new Set<string>(['*']);
    for (const f of ctx.model.frameworks.values()) for (const r of f.framework_info.roles ?? [f.framework_info.role ?? '*']) names.add(r);
    for (const w of extra.weights) names.add(w.role);
    for (const c of extra.configs) names.add(c.role);
    const roleOf = (r: any) => r.allocation_info?.role ?? '*';
    const rows = [...names].map((role) => {
      const fws = [...ctx.model.frameworks.values()].filter((f) => (f.framework_info.roles ?? [f.framework_info.role ?? '*']).includes(role));
      const allocated = [...ctx.model.tasks.values()].flatMap((t) => t.resources).filter((r) => roleOf(r) === role);
      const offered = fws.flatMap((f) => f.offered_resources ?? []).filter((r) => roleOf(r) === role);
      const reserved = [...ctx.model.agents.values()].flatMap((a) => a.total_resources ?? []).filter((r: any) => (r.reservations ?? []).at(-1)?.role === role);
      const config = extra.configs.find((c: any) => c.role === role);
      const q = (kind: 'guarantees' | 'limits') => config?.[kind] ? Object.entries(config[kind]).map(([n, v]: [string, any]) => `${n}:${v.value}`).join(', ') : '';
      return { role, weight: extra.weights.find((w: any) => w.role === role)?.weight ?? 1, frameworks: fws.length, guarantee: q('guarantees'), limit: q('limits'), allocated, offered, reserved };
    });
    return [h('h3', {}, 'Roles'), table('roles', [
      { title: 'Role', value: (r: typeof rows[0]) => r.role },
      { title: 'Weight', value: (r) => r.weight },
      { title: 'Frameworks', value: (r) => r.frameworks },
      { title: 'Quota guarantee', value: (r) => r.guarantee },
      { title: 'Quota limit', value: (r) => r.limit },
      { title: 'Consumed (allocated)', value: (r) => resources(r.allocated) },
      { title: 'Offered', value: (r) => resources(r.offered) },
      { title: 'Reserved', value: (r) => resources(r.reserved) },
    ], rows, ctx.rerender)];
  },
};

export const offers: Page = {
  title: 'Offers',
  load: async (transport) => (await transport.json('POST', '/api/v1', { type: 'GET_FRAMEWORKS' })).get_frameworks.frameworks,
  reloadOn: ['MESOLITE_ALLOCATION_CYCLE', 'MESOLITE_OFFER_REMOVED'],
  render(ctx) {
    const list = ((ctx.extra ?? []) as FrameworkView[]).flatMap((f) => f.offers ?? []);
    return [h('h3', {}, `Offers (${list.length})`), table('offers', [
      { title: 'ID', value: (o: any) => o.id.value },
      { title: 'Framework', value: (o: any) => ctx.model.frameworkName(o.framework_id.value), cell: (o: any) => link(`#/frameworks/${o.framework_id.value}`, ctx.model.frameworkName(o.framework_id.value)) },
      { title: 'Agent', value: (o: any) => o.hostname, cell: (o: any) => link(`#/agents/${o.agent_id.value}`, o.hostname) },
      { title: 'Role', value: (o: any) => o.allocation_info?.role ?? '' },
      { title: 'CPUs', value: (o: any) => scalar(o.resources, 'cpus') },
      { title: 'Mem', value: (o: any) => scalar(o.resources, 'mem'), cell: (o: any) => megabytes(scalar(o.resources, 'mem')) },
      { title: 'Disk', value: (o: any) => scalar(o.resources, 'disk'), cell: (o: any) => megabytes(scalar(o.resources, 'disk')) },
    ], list, ctx.rerender)];
  },
};

export const maintenance: Page = {
  title: 'Maintenance',
  async load(transport) {
    const [schedule, status] = await Promise.all([transport.json('POST', '/api/v1', { type: 'GET_MAINTENANCE_SCHEDULE' }), transport.json('POST', '/api/v1', { type: 'GET_MAINTENANCE_STATUS' })]);
    return { windows: schedule.get_maintenance_schedule.schedule?.windows ?? [], status: status.get_maintenance_status.status ?? {} };
  },
  reloadOn: ['AGENT_ADDED', 'AGENT_REMOVED'],
  render(ctx) {
    const { windows = [], status = {} } = ctx.extra ?? {};
    const machine = (m: any) => `${m.hostname ?? ''}${m.ip ? ` (${m.ip})` : ''}`;
    const modes = [...(status.draining_machines ?? []).map((m: any) => ({ machine: machine(m.id), mode: 'DRAINING' })), ...(status.down_machines ?? []).map((m: any) => ({ machine: machine(m), mode: 'DOWN' }))];
    return [
      h('h3', {}, 'Schedule'), table('maint-windows', [
        { title: 'Machines', value: (w: any) => (w.machine_ids ?? []).map(machine).join(', ') },
        { title: 'Start', value: (w: any) => Number(w.unavailability?.start?.nanoseconds ?? 0), cell: (w: any) => time({ nanoseconds: Number(w.unavailability?.start?.nanoseconds ?? 0) }) },
        { title: 'Duration', value: (w: any) => Number(w.unavailability?.duration?.nanoseconds ?? 0) / 1e9, cell: (w: any) => w.unavailability?.duration ? `${Number(w.unavailability.duration.nanoseconds) / 1e9} s` : 'forever' },
      ], windows, ctx.rerender, { filter: false }),
      h('h3', {}, 'Machine modes'), table('maint-modes', [{ title: 'Machine', value: (m: any) => m.machine }, { title: 'Mode', value: (m: any) => m.mode }], modes, ctx.rerender, { filter: false }),
    ];
  },
};
