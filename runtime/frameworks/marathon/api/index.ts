// Marathon's REST API: one file per resource, mounted on the daemons' Router (pattern routes: app ids
// contain slashes) with Marathon's error bodies (http.ts). A leader serves it; followers proxy to it
// (runtime/frameworks/follower.ts).
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
