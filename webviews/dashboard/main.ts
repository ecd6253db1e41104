// The master's web UI (and the extension's dashboard panel): pages chosen by the URL's hash, rendered
// from the operator API's SUBSCRIBE stream. A follower sends the browser to the leader; when the stream
// ends (failover), the page finds the leader again and resubscribes.
import { h, link, replace } from '../shared/dom';
import { renderLoop } from '../shared/render-loop';
import { browserTransport, webviewTransport, type Transport } from '../shared/transport';
import { allocation, why } from './allocation';
import { ClusterModel } from './model';
import { agent, agents, dashboard, framework, frameworks, maintenance, offers, roles, type Context, type Page } from './pages';
import { sandbox, stopFollowing } from './sandbox';

const inWebview = typeof (globalThis as any).acquireVsCodeApi === 'function';
const transport: Transport = inWebview ? webviewTransport() : browserTransport(location.pathname.replace(/[^/]*$/, ''));

const ROUTES: Array<[RegExp, Page]> = [
  [/^\/?$/, dashboard], [/^\/frameworks$/, frameworks], [/^\/frameworks\/([^/]+)$/, framework],
  [/^\/agents$/, agents], [/^\/agents\/([^/]+)\/browse\??(.*)$/, sandbox], [/^\/agents\/([^/]+)$/, agent],
  [/^\/roles$/, roles], [/^\/offers$/, offers], [/^\/maintenance$/, maintenance], [/^\/allocation$/, allocation], [/^\/why\/([^/]+)$/, why],
];
const NAV: Array<[string, string]> = [['#/', 'Dashboard'], ['#/frameworks', 'Frameworks'], ['#/agents', 'Agents'], ['#/roles', 'Roles'], ['#/offers', 'Offers'], ['#/maintenance', 'Maintenance'], ['#/allocation', 'Allocation']];

const model = new ClusterModel();
const root = document.getElementById('app')!;
let status = 'Connecting…';
const ctx: Context = { model, master: {}, extra: undefined, params: [], rerender: () => schedule(), transport };
let page: Page = dashboard;
let pageKey = '';

function route(): void {
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  const [re, found] = ROUTES.find(([r]) => r.test(hash)) ?? [/^/, dashboard];
  const params = (re.exec(hash) ?? []).slice(1);
  if (hash !== pageKey) stopFollowing();
  pageKey = hash;
  page = found;
  ctx.params = params;
  ctx.extra = undefined;
  void load();
  schedule();
}

/** The page's own operator calls (roles, offers, …): made on opening and after the events it names. */
let loading: Promise<void> | undefined;
let again = false;
async function load(): Promise<void> {
  if (!page.load) return;
  if (loading) { again = true; return; }
  const asked = { page, key: pageKey };
  loading = page.load(transport, ctx.params).then((extra) => {
    if (asked.page === page && asked.key === pageKey) { ctx.extra = extra; schedule(); }
  }, (e) => { status = `${asked.page.title}: ${(e as Error).message}`; schedule(); }).finally(() => {
    loading = undefined;
    if (again) { again = false; void load(); }
  });
}

const schedule = renderLoop(render);

function render(): void {
  const nav = h('nav', {}, h('strong', {}, 'Mesolite'), NAV.map(([href, title]) => link(href, title)), h('span', { class: 'status', id: 'status' }, status));
  replace(root, h('div', {}, nav, h('main', { 'data-page': page.title }, page.render(ctx))));
}

/**
 * The masters this page came through (`?masters=` carries them across redirects): when the master
 * serving the page dies with the leadership, the browser goes to one of them, which sends it on to the
 * new leader. The page cannot ask other masters itself: its CSP keeps it on its own origin.
 */
const query = new URLSearchParams(location.search);
const knownMasters = [...new Set([...(query.get('masters') ?? '').split(',').filter(Boolean), location.origin])];
/** The master the page left because it died: until ZooKeeper notices, the others still name it leader. */
const gone = query.get('gone');
const goTo = (origin: string, left?: string) => {
  location.href = `${origin}${location.pathname.replace(/[^/]*$/, '')}?masters=${encodeURIComponent(knownMasters.join(','))}${left ? `&gone=${encodeURIComponent(left)}` : ''}${location.hash}`;
};

/** The leading master's details, or a redirect of the whole page when this master does not lead. */
async function findLeader(): Promise<boolean> {
  const state = await transport.json('GET', '/master/state');
  if (!inWebview && state.leader && state.leader !== state.pid && state.leader_info) {
    const leader = state.leader_info;
    const origin = `${location.protocol}//${leader.address?.hostname ?? leader.hostname}:${leader.port}`;
    if (origin === gone) throw new Error('the leader is gone: waiting for the next election');
    goTo(origin);
    return false;
  }
  if (!state.leader) throw new Error('no leading master yet');
  ctx.master = { info: state.leader_info ?? {}, leader: state.leader, version: state.version, startTime: state.start_time, electedTime: state.elected_time };
  return true;
}

async function cycles(): Promise<void> {
  const answer = await transport.json('POST', '/api/v1', { type: 'MESOLITE_GET_ALLOCATION_CYCLES', mesolite_get_allocation_cycles: { since: model.lastCycle, limit: 100 } });
  model.addCycles(answer.mesolite_get_allocation_cycles.cycles);
}

let fetchingCycles: Promise<void> | undefined;
function onEvent(event: any): void {
  if (model.apply(event)) schedule();
  if (event.type === 'MESOLITE_ALLOCATION_CYCLE' && !fetchingCycles) {
    // The stream announces each cycle; its decisions and shares come from the cycle history.
    fetchingCycles = cycles().then(() => { if (page.cycles) schedule(); }, () => undefined).finally(() => { fetchingCycles = undefined; });
  }
  if (page.reloadOn?.includes(event.type)) void load();
}

async function connect(): Promise<void> {
  let unreachable = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      if (!(await findLeader())) return;
      unreachable = 0;
      model.cycles = [];
      await cycles();
      status = 'Live';
      schedule();
      await transport.stream('/api/v1?allocation_cycles=true', { type: 'SUBSCRIBE' }, onEvent);
      status = 'Stream ended: finding the leader…';
      attempt = -1;
    } catch (e) {
      status = `Reconnecting (${(e as Error).message})…`;
      // fetch's TypeError: nothing answers at this origin (the master is gone).
      const other = knownMasters.find((m) => m !== location.origin);
      if (e instanceof TypeError && ++unreachable >= 3 && other && !inWebview) return goTo(other, location.origin);
    }
    schedule();
    await new Promise((r) => setTimeout(r, 500 * 2 ** Math.max(0, Math.min(attempt, 3))));
  }
}

window.addEventListener('hashchange', route);
// VS Code's webview takes clicks on `#…` links for in-page scrolling: the page's own links are routes.
if (inWebview) {
  window.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a');
    const href = a?.getAttribute('href');
    if (!href?.startsWith('#/')) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    location.hash = href;
  }, true);
}
route();
void connect();
