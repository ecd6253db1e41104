// Domain refusals (common/refusal.ts) as HTTP answers: the one place where the master's refusals
// become status codes.
import { HttpError } from '../../common/http';
import { Refusal, type RefusalKind } from '../../common/refusal';

const STATUS: Record<RefusalKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, unavailable: 503 };

/** A Refusal as the HttpError its kind stands for; anything else unchanged (to be rethrown). */
export function asHttpError(e: unknown): unknown {
  return e instanceof Refusal ? new HttpError(STATUS[e.kind], e.message) : e;
}
