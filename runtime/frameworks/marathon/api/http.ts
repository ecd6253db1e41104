// Marathon's HTTP conventions for every resource of api/: the context handlers work in, bodies read
// as JSON whatever their Content-Type, boolean query flags, the Marathon-Deployment-Id header, and
// the error answers: the one place where the framework's refusals become statuses and Marathon's
// JSON bodies (`{message}`, 422 and 400 with `details`).
import type * as http from 'node:http';
import { HttpError, readBody, sendErrorAnswer, sendJson, type ErrorAnswer } from '../../../common/http';
import { JsonError, parseJson } from '../../../common/json';
import type { Logger } from '../../../common/log';
import { Refusal, type RefusalKind } from '../../../common/refusal';
import { absoluteId } from '../app';
import { AppLockedError, type DeploymentRef, type MarathonService } from '../service';
import { AppValidationError, type ViolationDetail } from '../validation';

export interface ApiContext {
  service: MarathonService;
  log: Logger;
  /** Facts for /v2/info and /v2/leader. */
  info(): { leader?: string; elected: boolean; config: MarathonConfigSections };
  abdicate(): void;
}

/** /v2/info's marathon_config, zookeeper_config and http_config: Marathon's keys, numbers as numbers. */
export interface MarathonConfigSections {
  marathon: Record<string, string | number | boolean | string[]> & { features: string[]; task_lost_expunge_initial_delay: number; task_lost_expunge_interval: number };
  zookeeper: { zk: string; zk_connection_timeout: number; zk_max_versions: number; zk_session_timeout: number; zk_timeout: number };
  http: { http_port: number; https_port: number };
}

/** A body that is not a JSON object: 400 with the reader's complaint at its path. */
class InvalidJsonError extends Error {
  constructor(readonly details: ViolationDetail[]) {
    super('Invalid JSON');
  }
}

/** A body as Marathon reads it: JSON whatever the Content-Type says (`curl -d` sends form encoding). */
export async function body(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const bytes = await readBody(req);
  try {
    const parsed = parseJson(bytes);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    throw new JsonError('expected a JSON object');
  } catch (e) {
    const { path, message } = e as JsonError;
    // The reader's `apps[0].mem` as Marathon writes paths: `/apps(0)/mem`.
    throw new InvalidJsonError([{ path: `/${path.replace(/^\/$/, '').replace(/\[(\d+)\]/g, '($1)').replace(/\./g, '/')}`, errors: [message] }]);
  }
}

/**
 * A boolean query parameter as Marathon's JAX-RS resources read one (Java's Boolean.valueOf): `true` in
 * any case is true, anything else false, never an error; absent or blank, the resource's default.
 */
export function flag(url: URL, name: string, byDefault = false): boolean {
  const value = url.searchParams.get(name);
  return value === null || value.trim() === '' ? byDefault : value.toLowerCase() === 'true';
}

/** The group of an app path `<group>/*` (Marathon's ListApps and GroupTasks forms); undefined for an app id. */
export function groupOf(id: string): string | undefined {
  return id === '*' || id.endsWith('/*') ? absoluteId(id.slice(0, -1)) : undefined;
}

export function sendDeployment(res: http.ServerResponse, status: number, ref: DeploymentRef, headers: Record<string, string> = {}): void {
  sendJson(res, status, ref, { ...headers, 'Marathon-Deployment-Id': ref.deploymentId });
}

/** Marathon's statuses for the framework's refusals (an invalid app definition is 422, below). */
const STATUS: Record<RefusalKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, unavailable: 503 };

/** The status, body and headers Marathon answers an error with. */
function answer(e: unknown): [number, Record<string, unknown>, Record<string, string>] {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof AppValidationError) return [422, e.body, {}];
  if (e instanceof InvalidJsonError) return [400, { message, details: e.details }, {}];
  if (e instanceof AppLockedError) return [409, { message, deployments: e.deploymentIds.map((id) => ({ id })) }, {}];
  // A StorageError ('unavailable') was logged by the store, and its change undone: the client may retry.
  if (e instanceof Refusal) return [STATUS[e.kind], { message }, {}];
  // The router's 404 / 405, a body's limits (413, 503) and the API's own refusals.
  if (e instanceof HttpError) return [e.status, { message }, e.headers];
  return [500, { message }, {}];
}

/** Answers errors as Marathon does: JSON, logged (as errors when they are ours: 500). */
export function marathonErrors(log: Logger): ErrorAnswer {
  return (e, req, res) => {
    const [status, payload, headers] = answer(e);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (status === 500) log.error(`${req.method} ${path}: ${(e as Error).stack ?? String(e)}`);
    else if (status >= 400 && status < 500 && status !== 404 && status !== 422) log.info(`${req.method} ${path} -> ${status}`);
    sendErrorAnswer(req, res, status, 'application/json', JSON.stringify(payload), headers);
  };
}
