// Marathon's REST API: one file per resource, mounted on the daemons' Router (pattern routes: app ids
// contain slashes) with Marathon's error bodies (http.ts). A leader serves it; a follower proxies every
// call to the leader as Marathon's followers do, or answers 503 while no leader is known.
import * as http from 'node:http';
import { Router } from '../../../common/http';
import { mountApps } from './apps';
import { mountDeployments } from './deployments';
import { mountEvents } from './events';
import { mountGroups } from './groups';
import { marathonErrors, type ApiContext } from './http';
import { mountInfo } from './info';
import { mountQueue } from './queue';
import { mountTasks } from './tasks';

export type { ApiContext } from './http';
export { ping } from './info';

/** The leader's API. */
export function apiRouter(ctx: ApiContext): Router {
  const router = new Router(ctx.log, marathonErrors(ctx.log));
  for (const mount of [mountInfo, mountEvents, mountApps, mountTasks, mountDeployments, mountQueue, mountGroups]) mount(router, ctx);
  return router;
}

/** A follower's answer: the leader's, through a proxy that marks the hop in X-Marathon-Via; 503 while none is known. */
export function serveFollower(leader: string | undefined, via: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (!leader) {
    res.writeHead(503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'Could not determine the current leader' }));
    return;
  }
  const [host, port] = leader.split(':');
  const upstream = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: { ...req.headers, host: leader, 'x-marathon-via': via } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-marathon-leader': `http://${leader}` });
    answer.pipe(res);
  });
  upstream.on('error', (e) => {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `Proxying to the leader ${leader} failed: ${e.message}` }));
  });
  req.pipe(upstream);
  res.on('close', () => upstream.destroy());
}
