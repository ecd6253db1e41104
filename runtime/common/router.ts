// The daemons' router and how a failed request is answered: HttpError (a status, a message, headers),
// exact and pattern routes, 404 / 405 with Allow, Mesos' plain-text answers or the owner's own (the app
// framework answers JSON), and refusals of a body still being sent that linger so the client reads them.
import type * as http from 'node:http';
import type { Logger } from './log';

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** `params`: what a pattern route's `{name}` placeholders matched, percent-decoded (empty for exact paths). */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, params: Record<string, string>) => unknown;

/** Answers a request whose handler failed (or that no route takes: HttpError 404 / 405). */
export type ErrorAnswer = (error: unknown, req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * A route path with placeholders: `{name}` takes one path segment, `{name*}` one or more (as few as
 * possible). `literal`: how many characters are not placeholders (the more, the more specific).
 */
interface Pattern { regex: RegExp; names: string[]; literal: number; byMethod: Map<string, Handler> }

function compilePattern(path: string): Omit<Pattern, 'byMethod'> {
  const names: string[] = [];
  const literal = path.replace(/\{\w+\*?\}/g, '').length;
  const source = path.split(/(\{\w+\*?\})/).map((part) => {
    const placeholder = /^\{(\w+)(\*?)\}$/.exec(part);
    if (!placeholder) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    names.push(placeholder[1]);
    return placeholder[2] ? '(.+?)' : '([^/]+)';
  }).join('');
  return { regex: new RegExp(`^${source}$`), names, literal };
}

/** Mesos' plain-text error answer: the message as the body, logged (a warning below 500). */
export function plainTextError(log: Logger): ErrorAnswer {
  return (error, req, res) => {
    const status = error instanceof HttpError ? error.status : 500;
    const message = error instanceof Error ? error.message : String(error);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (status >= 500) log.error(`${req.method} ${path}: ${error instanceof Error ? error.stack : message}`);
    else log.warn(`${req.method} ${path} -> ${status}: ${message}`);
    sendErrorAnswer(req, res, status, 'text/plain; charset=utf-8', message, error instanceof HttpError ? error.headers : {});
  };
}

/** Writes an error answer; one that refuses a body the client is still sending (`Connection: close`) lingers (lingeringEnd). */
export function sendErrorAnswer(req: http.IncomingMessage, res: http.ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  lingeringEnd(req, res, body, headers.Connection === 'close');
}

/**
 * Routes by exact path, or by pattern (`/v2/apps/{id*}/tasks`: ids with slashes), then by method. A path
 * no route takes goes to the fallback, or gets 404; a known path with another method gets 405 with Allow.
 * Exact paths go first, then the patterns that match, the most specific (most literal characters)
 * first: `/v2/apps/{id*}/tasks` before `/v2/apps/{id*}`, whatever the order they were added in. How
 * errors are answered is the router owner's (`answerError`; Mesos' plain text by default).
 */
export class Router {
  private readonly routes = new Map<string, Map<string, Handler>>();
  private readonly patterns: Pattern[] = [];
  private fallbackHandler?: Handler;
  private readonly answerError: ErrorAnswer;
  /** Run on every request before routing (see before()). */
  private beforeRoute?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

  constructor(private readonly log: Logger, answerError?: ErrorAnswer) {
    this.answerError = answerError ?? plainTextError(log);
  }

  on(methods: string | string[], path: string, handler: Handler): this {
    let byMethod: Map<string, Handler>;
    if (path.includes('{')) {
      const compiled = compilePattern(path);
      const existing = this.patterns.find((p) => p.regex.source === compiled.regex.source);
      byMethod = existing?.byMethod ?? new Map();
      if (!existing) {
        const at = this.patterns.findIndex((p) => p.literal < compiled.literal);
        this.patterns.splice(at < 0 ? this.patterns.length : at, 0, { ...compiled, byMethod });
      }
    } else {
      byMethod = this.routes.get(path) ?? new Map();
      this.routes.set(path, byMethod);
    }
    for (const m of ([] as string[]).concat(methods)) byMethod.set(m, handler);
    return this;
  }

  /** Runs `hook` on every request before it is routed (e.g. web-clients.ts's JSONP wrapping); it may throw an HttpError. */
  before(hook: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void): this {
    this.beforeRoute = hook;
    return this;
  }

  /** The exact (placeholder-free) routes: path -> method -> handler. */
  exactRoutes(): ReadonlyMap<string, ReadonlyMap<string, Handler>> {
    return this.routes;
  }

  /** Answers every path no route matches (e.g. delegating to the leading master's router). */
  fallback(handler: Handler): this {
    this.fallbackHandler = handler;
    return this;
  }

  handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fail = (error: unknown) => {
      if (!res.headersSent) return this.answerError(error, req, res);
      this.log.warn(`${req.method} ${url.pathname} failed after its answer began: ${error instanceof Error ? error.stack : String(error)}`);
      res.destroy();
    };
    try {
      this.beforeRoute?.(req, res, url);
      const [handler, params] = this.route(req.method ?? 'GET', url.pathname);
      const result = handler(req, res, url, params);
      if (result instanceof Promise) result.catch(fail);
    } catch (e) {
      fail(e);
    }
  };

  /** The handler for `method` on `path` with its parameters; throws 404 / 405 when there is none. */
  private route(method: string, pathname: string): [Handler, Record<string, string>] {
    const path = pathname.replace(/\/+$/, '') || '/';
    const matches: Array<[Map<string, Handler>, Record<string, string>]> = [];
    const exact = this.routes.get(path);
    if (exact) matches.push([exact, {}]);
    for (const p of this.patterns) {
      const m = p.regex.exec(path);
      if (m) matches.push([p.byMethod, Object.fromEntries(p.names.map((name, i) => [name, decodeSegment(m[i + 1])]))]);
    }
    for (const [byMethod, params] of matches) {
      const handler = byMethod.get(method);
      if (handler) return [handler, params];
    }
    if (matches.length === 0) {
      if (this.fallbackHandler) return [this.fallbackHandler, {}];
      throw new HttpError(404, `No endpoint at ${pathname}`);
    }
    const allowed = [...new Set(matches.flatMap(([byMethod]) => [...byMethod.keys()]))];
    throw new HttpError(405, `Expecting one of { '${allowed.join("', '")}' }, but received '${method}'`, { Allow: allowed.join(', ') });
  }
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, `Malformed percent-encoding in the path: '${text}'`);
  }
}

export const LINGER_MS = 2_000;

/**
 * Ends a response. One that refuses a body the client is still sending (413, 503: `Connection: close`)
 * reads and drops the rest for up to LINGER_MS first, as nginx lingers, so the client gets to read the
 * answer instead of a reset; then the connection closes.
 */
function lingeringEnd(req: http.IncomingMessage, res: http.ServerResponse, body: string, closing: boolean): void {
  if (req.complete || !closing) return void res.end(body);
  res.write(body);
  req.resume();
  const end = () => { clearTimeout(timer); res.end(); };
  const timer = setTimeout(end, LINGER_MS);
  req.once('end', end).once('close', end);
}
