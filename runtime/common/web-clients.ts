// Mesos' HTTP endpoints as web clients reach them (Mesos' own UI and tools): `?jsonp=<callback>` on a
// JSON GET answers `callback(<json>);` as text/javascript, as libprocess does, and every route also
// answers under the process's name (`/master/roles` and `/roles`, `/slave(1)/state` and `/state`), as
// libprocess registers routes under its process id.
import type * as http from 'node:http';
import { HttpError, type Router } from './router';

/** A JavaScript name or a dotted path of names (`angular.callbacks._1`): nothing that could run code. */
const CALLBACK = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const MAX_CALLBACK = 128;

/**
 * Wraps the JSON answer of a GET that asks `?jsonp=`. Throws 400 for a callback that is not a plain
 * (dotted) JavaScript name. Answers that are not JSON (errors in plain text, files) pass unchanged.
 */
export function answerJsonp(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  const callback = url.searchParams.get('jsonp');
  if (callback === null || req.method !== 'GET') return;
  if (callback.length > MAX_CALLBACK || !CALLBACK.test(callback)) throw new HttpError(400, `Invalid 'jsonp' callback name: it must be a JavaScript identifier or dotted path of at most ${MAX_CALLBACK} characters`);
  const prefix = `${callback}(`;
  const suffix = ');';
  let wrapping = false;
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: http.OutgoingHttpHeaders) => http.ServerResponse;
  res.writeHead = ((status: number, headers: http.OutgoingHttpHeaders = {}) => {
    const type = String(Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? res.getHeader('content-type') ?? '');
    wrapping = type.startsWith('application/json');
    if (!wrapping) return writeHead(status, headers);
    const rest = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-(type|length)$/i.test(k)));
    const length = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-length')?.[1];
    return writeHead(status, {
      ...rest, 'Content-Type': 'text/javascript; charset=utf-8',
      ...(length !== undefined ? { 'Content-Length': Number(length) + Buffer.byteLength(prefix) + suffix.length } : {}),
    });
  }) as typeof res.writeHead;
  const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
  res.end = ((chunk?: string | Buffer) => {
    if (!wrapping) return end(chunk);
    return end(Buffer.concat([Buffer.from(prefix), chunk === undefined ? Buffer.alloc(0) : Buffer.from(chunk), Buffer.from(suffix)]));
  }) as typeof res.end;
}

/** Adds `<prefix><path>` for every exact route `path`, and `path` for every `<prefix><path>`, where missing. */
export function mountProcessAliases(router: Router, prefix: string): void {
  for (const [path, byMethod] of [...router.exactRoutes()]) {
    if (path === '/') continue;
    const alias = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : `${prefix}${path}`;
    if (router.exactRoutes().has(alias)) continue;
    for (const [method, handler] of byMethod) router.on(method, alias, handler);
  }
}
