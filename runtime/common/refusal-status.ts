// Domain refusals (common/refusal.ts) as HTTP answers: the one place where a refusal's kind becomes a
// status code, for the http/ modules of the master and the agent.
import { HttpError } from './http';
import { Refusal, type RefusalKind } from './refusal';

const STATUS: Record<RefusalKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, unavailable: 503 };

/** A Refusal as the HttpError its kind stands for; anything else unchanged (to be rethrown). */
export function asHttpError(e: unknown, headers?: Record<string, string>): unknown {
  return e instanceof Refusal ? new HttpError(STATUS[e.kind], e.message, headers) : e;
}
