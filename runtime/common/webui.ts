// The daemons' web UIs: the browser bundles built from webviews/ (dist/webui/<app>.js and .css), served
// as static files under a strict Content-Security-Policy. Nothing is read at start-up: each file is read
// on its first request and kept, so a daemon's start pays nothing for its UI.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { HttpError, type Router } from './router';

/** The master's UI (at `/`) or the app framework's (at `/ui/`, where `/` sends the browser). */
export type WebUiApp = 'dashboard' | 'apps';

// Same-origin only; xterm.js and the pages set styles from script, hence 'unsafe-inline' for styles alone.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
const TITLES: Record<WebUiApp, string> = { dashboard: 'Mesolite master', apps: 'Mesolite apps' };

/** dist/webui beside the bundle (dist/mesolite.js), or under the repository's dist/ when run from sources. */
function assetDir(): string {
  const candidates = [path.join(__dirname, 'webui'), path.resolve(__dirname, '../../dist/webui')];
  return candidates.find((dir) => fs.existsSync(dir)) ?? candidates[0];
}

const cache = new Map<string, Buffer>();

function asset(name: string): Buffer {
  // One flat directory: a name is letters, digits, dots and dashes, never a path.
  if (!/^[\w-]+(\.[\w-]+)*\.(js|css)$/.test(name)) throw new HttpError(404, `No web UI asset '${name}'`);
  let body = cache.get(name);
  if (!body) {
    try {
      body = fs.readFileSync(path.join(assetDir(), name));
    } catch {
      throw new HttpError(404, `No web UI asset '${name}' (is the web UI built? npm run build)`);
    }
    cache.set(name, body);
  }
  return body;
}

function page(app: WebUiApp, base: string): Buffer {
  const key = `${app}.html`;
  let body = cache.get(key);
  if (!body) {
    body = Buffer.from(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
      + `<title>${TITLES[app]}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${base}webui.css"><link rel="stylesheet" href="${base}logs.css"></head>`
      + `<body><div id="app">Loading…</div><script type="module" src="${base}${app}.js"></script></body></html>`);
    cache.set(key, body);
  }
  return body;
}

function send(res: http.ServerResponse, type: string, body: Buffer, immutable: boolean): void {
  res.writeHead(200, {
    'Content-Type': type, 'Content-Length': body.length, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff',
    'Cache-Control': immutable ? 'max-age=300' : 'no-cache',
  });
  res.end(body);
}

const AGENT_PATHS = new Set(['state', 'files/browse', 'files/read', 'files/download']);

/**
 * The master UI reaches agents through its master (they are other origins, and the page's CSP keeps it
 * on its own): GET /webui/agents/<agent id>/<state | files/...> is forwarded to that agent, only to an
 * agent this master lists in /master/slaves (asked of itself, with the caller's credentials).
 */
async function forwardToAgent(req: http.IncomingMessage, res: http.ServerResponse, url: URL, { agent, rest }: Record<string, string>): Promise<void> {
  if (!AGENT_PATHS.has(rest)) throw new HttpError(404, `The web UI does not forward '${rest}' to agents`);
  const self = `http://${req.socket.localAddress}:${req.socket.localPort}`;
  const auth = req.headers.authorization ? { authorization: req.headers.authorization } : undefined;
  const listed = await fetch(`${self}/master/slaves`, { headers: auth, redirect: 'manual' });
  if (!listed.ok) throw new HttpError(503, `This master does not lead (${listed.status}): open the leading master's web UI`);
  const { slaves } = await listed.json() as { slaves: Array<{ id: string; pid: string }> };
  const pid = slaves.find((s) => s.id === agent)?.pid;
  if (!pid) throw new HttpError(404, `No agent ${agent} is registered with this master`);
  const address = pid.slice(pid.indexOf('@') + 1);
  await new Promise<void>((resolve, reject) => {
    const upstream = http.get(`http://${address}/${rest}${url.search}`, { headers: auth }, (answer) => {
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': answer.headers['content-type'] ?? 'application/json' };
      for (const name of ['content-length', 'content-disposition']) if (answer.headers[name]) headers[name] = answer.headers[name];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
      answer.on('end', resolve);
    });
    upstream.on('error', (e) => reject(new HttpError(502, `Agent ${agent} at ${address}: ${e.message}`)));
    res.on('close', () => upstream.destroy());
  });
}

/** Mounts `app`'s page and its assets on `router`: the master's at `/`, the app framework's at `/ui/`. */
export function mountWebUi(router: Router, app: WebUiApp): Router {
  // Relative asset paths: the page also works behind a proxy that serves the daemon under a prefix.
  const base = app === 'dashboard' ? 'webui/' : '';
  const serveAsset: Parameters<Router['on']>[2] = (_req, res, _url, { file }) => send(res, TYPES[path.extname(file)], asset(file), true);
  if (app === 'dashboard') {
    router.on('GET', '/', (_req, res) => send(res, TYPES['.html'], page(app, base), false));
    router.on('GET', '/webui/{file}', serveAsset);
    router.on('GET', '/webui/agents/{agent}/{rest*}', forwardToAgent);
  } else {
    router.on('GET', '/', (_req, res) => { res.writeHead(302, { Location: 'ui/', 'Content-Length': 0 }); res.end(); });
    router.on('GET', '/ui', (req, res) => {
      if (!new URL(req.url ?? '/', 'http://x').pathname.endsWith('/')) { res.writeHead(302, { Location: 'ui/', 'Content-Length': 0 }); return void res.end(); }
      send(res, TYPES['.html'], page(app, base), false);
    });
    router.on('GET', '/ui/{file}', serveAsset);
  }
  return router;
}
