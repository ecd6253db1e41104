// Chronos' REST API on the daemons' Router, with Chronos' error bodies (http.ts). A leader serves it;
// followers proxy to it (runtime/frameworks/follower.ts).
import { Router } from '../../../common/http';
import { chronosErrors, type ApiContext } from './http';
import { mountInfo } from './info';
import { mountJobs } from './jobs';

export type { ApiContext } from './http';
export { chronosErrors } from './http';
export { ping } from './info';

/** The leader's API. */
export function apiRouter(ctx: ApiContext): Router {
  const router = new Router(ctx.log, chronosErrors(ctx.log));
  for (const mount of [mountInfo, mountJobs]) mount(router, ctx);
  return router;
}
