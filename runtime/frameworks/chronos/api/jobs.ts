// /v1/scheduler: adding and replacing jobs (iso8601, dependency), listing, summary, search, one job,
// run now, delete, mark successful, kill its tasks, an async task's report, its stats, and the
// dependency graph (dot, csv).
import type * as http from 'node:http';
import { HttpError, sendEmpty, sendJson, type Router } from '../../../common/http';
import { csvGraph, dotGraph } from '../graph';
import type { JobKind } from '../validation';
import { body, type ApiContext } from './http';

const BASE = '/v1/scheduler';

function sendText(res: http.ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function whole(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `'${name}' must be a whole number, got '${raw}'`);
  return Number(raw);
}

export function mountJobs(router: Router, { jobs }: ApiContext): void {
  const put = (kind: JobKind) => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    await jobs.put(await body(req), kind);
    sendEmpty(res, 204);
  };
  router
    .on(['POST', 'PUT'], `${BASE}/iso8601`, put('scheduled'))
    .on(['POST', 'PUT'], `${BASE}/dependency`, put('dependent'))
    .on('GET', `${BASE}/jobs`, (_q, res) => sendJson(res, 200, jobs.list()))
    .on('GET', `${BASE}/jobs/summary`, (_q, res) => sendJson(res, 200, jobs.summary()))
    .on('GET', `${BASE}/jobs/search`, (_q, res, url) => {
      const q = url.searchParams;
      sendJson(res, 200, jobs.search({
        name: q.get('name') ?? undefined, command: q.get('command') ?? undefined, any: q.get('any') ?? undefined,
        limit: whole(url, 'limit', 10), offset: whole(url, 'offset', 0),
      }));
    })
    .on('GET', `${BASE}/job/{name}`, (_q, res, _u, p) => sendJson(res, 200, jobs.job(p.name)))
    .on('PUT', `${BASE}/job/{name}`, async (_q, res, url, p) => {
      await jobs.runNow(p.name, url.searchParams.get('arguments') ?? undefined);
      sendEmpty(res, 204);
    })
    .on('DELETE', `${BASE}/job/{name}`, async (_q, res, _u, p) => {
      await jobs.delete(p.name);
      sendEmpty(res, 204);
    })
    .on('PUT', `${BASE}/job/success/{name}`, async (_q, res, _u, p) => {
      sendText(res, `marked job ${p.name} as successful: ${await jobs.markSuccess(p.name)}`);
    })
    .on('GET', `${BASE}/job/stat/{name}`, (_q, res, _u, p) => sendJson(res, 200, jobs.stat(p.name)))
    .on('DELETE', `${BASE}/task/kill/{name}`, async (_q, res, _u, p) => {
      await jobs.killTasks(p.name);
      sendEmpty(res, 204);
    })
    .on('PUT', `${BASE}/task/{taskId}`, async (req, res, _u, p) => {
      const code = (await body(req)).statusCode;
      if (typeof code !== 'number' || !Number.isInteger(code)) throw new HttpError(400, "'statusCode' must be an integer (0: success)");
      await jobs.report(p.taskId, code);
      sendEmpty(res, 204);
    })
    .on('GET', `${BASE}/graph/dot`, (_q, res) => sendText(res, dotGraph(jobs.state)))
    .on('GET', `${BASE}/graph/csv`, (_q, res) => sendText(res, csvGraph(jobs.state)));
}
