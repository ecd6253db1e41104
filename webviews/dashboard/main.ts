// The master's web UI (and the extension's dashboard panel): pages chosen by the URL's hash, rendered
// from the operator API's SUBSCRIBE stream. A follower sends the browser to the leader; when the stream
// ends (failover), the page finds the leader again and resubscribes.
import { h, link, replace } from '../shared/dom';
import { browserTransport, webviewTransport, type Transport } from '../shared/transport';
import { allocation, why } from './allocation';
import { ClusterModel } from './model';
import { agent, agents, dashboard, framework, frameworks, maintenance, offers, roles, type Context, type Page } from './pages';
import { sandbox, stopFollowing } from './sandbox';

const inWebview = typeof (globalThis as any).acquireVsCodeApi === 'function';
const transport: Transport = inWebview ? webviewTransport() : browserTransport;

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

// A render between a button's press and release would replace what was pressed and lose the click.
let pressed = false;
let frame = 0;
function schedule(): void {
  if (!frame && !pressed) frame = requestAnimationFrame(render);
}
window.addEventListener('mousedown', () => { pressed = true; }, true);
window.addEventListener('mouseup', () => { pressed = false; setTimeout(schedule); }, true);

function render(): void {
  frame = 0;
  const nav = h('nav', {}, h('strong', {}, 'Mesolite'), NAV.map(([href, title]) => link(href, title)), h('span', { class: 'status', id: 'status' }, status));
  replace(root, h('div', {}, nav, h('main', { 'data-page': page.title }, page.render(ctx))));
}

/** The leading master's details, or a redirect of the whole page when this master does not lead. */
async function findLeader(): Promise<boolean> {
  const state = await transport.json('GET', '/master/state');
  if (!inWebview && state.leader && state.leader !== state.pid && state.leader_info) {
    const leader = state.leader_info;
    location.href = `${location.protocol}//${leader.address?.hostname ?? leader.hostname}:${leader.port}/${location.hash}`;
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
  for (let attempt = 0; ; attempt++) {
    try {
      if (!(await findLeader())) return;
      model.cycles = [];
      await cycles();
      status = 'Live';
      schedule();
      await transport.stream('/api/v1?allocation_cycles=true', { type: 'SUBSCRIBE' }, onEvent);
      status = 'Stream ended: finding the leader…';
      attempt = -1;
    } catch (e) {
      status = `Reconnecting (${(e as Error).message})…`;
    }
    schedule();
    await new Promise((r) => setTimeout(r, 500 * 2 ** Math.max(0, Math.min(attempt, 3))));
  }
}

window.addEventListener('hashchange', route);
route();
void connect();
