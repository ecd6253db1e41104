// The sandbox browser: an executor's sandbox on its agent (listing with mode, size, mtime), and a file
// viewer that follows the file as `tail -f` does (the shared xterm.js log component), with download.
// The agent is reached through the master (/webui/agents/<id>/…), which only forwards to agents it knows.
import { h, link, table, type Child } from '../shared/dom';
import { bytes, time } from '../shared/format';
import type { LogView } from '../shared/log-view';
import type { Page } from './pages';

interface FileInfo { path: string; size: number; mtime: number; mode: string; uid: string; gid: string }

/** The one file being followed; stopped when the page changes. */
let following: { path: string; view?: LogView; timer?: ReturnType<typeof setTimeout>; element: HTMLElement } | undefined;

export function stopFollowing(): void {
  if (following?.timer) clearTimeout(following.timer);
  following?.view?.dispose();
  following = undefined;
}

const base = (agent: string) => `/webui/agents/${encodeURIComponent(agent)}`;

export const sandbox: Page = {
  title: 'Sandbox',
  async load(transport, [agent, query]) {
    const q = new URLSearchParams(query ?? '');
    let dir = q.get('path');
    if (!dir) {
      const state = await transport.json('GET', `${base(agent)}/state`);
      const fw = q.get('framework');
      const ex = q.get('executor');
      const executors = [...state.frameworks, ...state.completed_frameworks].filter((f: any) => !fw || f.id === fw)
        .flatMap((f: any) => [...f.executors, ...f.completed_executors]);
      dir = (executors.find((e: any) => !ex || e.id === ex) ?? executors[0])?.directory ?? '';
    }
    const stat = q.get('file');
    const entries: FileInfo[] = dir ? await transport.json('GET', `${base(agent)}/files/browse?path=${encodeURIComponent(dir)}`) : [];
    return { dir, entries, file: stat };
  },
  reloadOn: ['TASK_UPDATED'],
  render(ctx) {
    const [agent, query] = ctx.params;
    const { dir = '', entries = [], file } = ctx.extra ?? {};
    if (!dir) return h('p', {}, 'No sandbox found for this executor on this agent');
    const here = (params: Record<string, string>) => {
      const next = new URLSearchParams(query ?? '');
      for (const [k, v] of Object.entries(params)) next.set(k, v);
      return `#/agents/${agent}/browse?${next}`;
    };
    const parent = dir.replace(/\/[^/]+\/?$/, '');
    const crumbs: Child = h('p', { class: 'path' }, dir, ' ', link(here({ path: parent, file: '' }), '(up)'));
    const listing = table(`sandbox-${agent}`, [
      { title: 'mode', value: (e: FileInfo) => e.mode },
      { title: 'uid', value: (e) => e.uid },
      { title: 'gid', value: (e) => e.gid },
      { title: 'size', value: (e) => e.size, cell: (e) => bytes(e.size) },
      { title: 'mtime', value: (e) => e.mtime, cell: (e) => time(e.mtime) },
      { title: 'name', value: (e) => e.path.split('/').pop() ?? '', cell: (e) => link(e.mode.startsWith('d') ? here({ path: e.path, file: '' }) : here({ path: dir, file: e.path }), e.path.split('/').pop() ?? '') },
      { title: '', value: () => '', cell: (e) => e.mode.startsWith('d') ? '' : h('a', { href: ctx.transport.href(`${base(agent)}/files/download?path=${encodeURIComponent(e.path)}`), download: '' }, 'Download') },
    ], entries, ctx.rerender);
    return [h('h2', {}, 'Sandbox'), crumbs, listing, file ? viewer(ctx.transport, agent, file) : null];
  },
};

/** The viewer for `file`, kept across re-renders (it is one live terminal): reads from the end onward. */
function viewer(transport: Parameters<NonNullable<Page['load']>>[0], agent: string, file: string): HTMLElement {
  if (following?.path === file) return following.element;
  stopFollowing();
  const screen = h('div', { class: 'log-view' });
  const element = h('div', { class: 'file-viewer' }, h('h3', {}, file.split('/').pop() ?? file), screen);
  const current = { path: file, element } as NonNullable<typeof following>;
  following = current;
  let offset = 0;
  const read = async () => {
    try {
      // xterm.js is a chunk of its own: loaded when a file is first viewed, not with the dashboard.
      current.view ??= (await import('../shared/log-view')).createLogView(screen);
      const view = current.view;
      if (following !== current) return view.dispose(); // the page changed while it loaded
      for (;;) {
        const chunk = await transport.json('GET', `${base(agent)}/files/read?path=${encodeURIComponent(file)}&offset=${offset}`);
        if (following !== current) return;
        if (!chunk.data) break;
        view.write(chunk.data);
        offset = chunk.offset + new TextEncoder().encode(chunk.data).length;
      }
    } catch (e) {
      current.view?.write(`\x1b[31m${(e as Error).message}\x1b[0m\r\n`);
    }
    // /files/read answers at once: following a file is asking again for what comes after `offset`.
    if (following === current) current.timer = setTimeout(read, 500);
  };
  void read();
  return element;
}
