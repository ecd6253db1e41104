// Chronos' HTTP conventions for the resources of api/: the context handlers work in, bodies read as a
// JSON object whatever their Content-Type, and the error answers: the one place where the framework's
// refusals become statuses and Chronos' JSON error body (`{status: <reason phrase>, message}`).
import * as http from 'node:http';
import { HttpError, readJsonValue, sendErrorAnswer, type ErrorAnswer } from '../../../common/http';
import type { Logger } from '../../../common/log';
import { asHttpError } from '../../../common/refusal-status';
import type { JobService } from '../jobs';

export interface ApiContext {
  jobs: JobService;
  log: Logger;
  /** Facts for /leader and /metrics. */
  info(): { leader?: string; elected: boolean };
}

export async function body(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const parsed = await readJsonValue(req);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'The body must be a JSON object (a job definition)');
  return parsed as Record<string, unknown>;
}

/** Answers errors as Chronos does: JSON `{status, message}`, logged (as errors when they are ours: 500). */
export function chronosErrors(log: Logger): ErrorAnswer {
  return (e, req, res) => {
    const error = asHttpError(e);
    const status = error instanceof HttpError ? error.status : 500;
    const message = error instanceof Error ? error.message : String(error);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (status >= 500) log.error(`${req.method} ${path}: ${(e as Error).stack ?? String(e)}`);
    else if (status !== 404) log.info(`${req.method} ${path} -> ${status}: ${message}`);
    const payload = JSON.stringify({ status: http.STATUS_CODES[status] ?? String(status), message });
    sendErrorAnswer(req, res, status, 'application/json', payload, error instanceof HttpError ? error.headers : {});
  };
}
