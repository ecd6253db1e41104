// /leader (who leads), /ping (every instance answers), and /metrics (Dropwizard-shaped, as Chronos').
import type * as http from 'node:http';
import { sendJson, type Router } from '../../../common/http';
import type { ApiContext } from './http';

export function ping(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('pong\n');
}

export function mountInfo(router: Router, ctx: ApiContext): void {
  router
    .on('GET', '/leader', (_q, res) => sendJson(res, 200, { leader: ctx.info().leader ?? '' }))
    .on('GET', '/metrics', (_q, res) => sendJson(res, 200, metricsJson(ctx)));
}

function metricsJson(ctx: ApiContext) {
  const { state } = ctx.jobs;
  const gauge = (value: number) => ({ value });
  const jobs = Object.values(state.jobs);
  return {
    version: '3.0.0',
    gauges: {
      'jobs.count': gauge(jobs.length),
      'jobs.disabled': gauge(jobs.filter((j) => j.disabled).length),
      'runs.queued': gauge(state.queue.length),
      'tasks.running': gauge(Object.keys(state.running).length),
      'leadership.is-leader': gauge(ctx.info().elected ? 1 : 0),
    },
    counters: {
      ...Object.fromEntries(jobs.map((j) => [`jobs.run.success.${j.name}`, { count: j.successCount }])),
      ...Object.fromEntries(jobs.map((j) => [`jobs.run.failure.${j.name}`, { count: j.errorCount }])),
      ...Object.fromEntries(Object.entries(state.skipped).map(([name, count]) => [`jobs.run.skipped.${name}`, { count }])),
    },
    histograms: {}, meters: {}, timers: {},
  };
}
