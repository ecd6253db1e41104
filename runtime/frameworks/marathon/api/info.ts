// /v2/info, /v2/leader (who leads; DELETE abdicates), /ping and /metrics (Marathon's InfoResource,
// LeaderResource, and its system endpoints).
import type * as http from 'node:http';
import { sendJson, type Router } from '../../../common/http';
import { Refusal } from '../../../common/refusal';
import { MESOLITE_VERSION } from '../../../master/version';
import type { ApiContext } from './http';

/** /ping: answers on every instance, leading or not (the daemon mounts it in front of the API). */
export function ping(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('pong\n');
}

export function mountInfo(router: Router, ctx: ApiContext): void {
  router
    .on('GET', '/metrics', (_q, res) => sendJson(res, 200, metricsJson(ctx)))
    .on('GET', '/v2/info', (_q, res) => {
      const info = ctx.info();
      const frameworkId = ctx.service.scheduler.frameworkId;
      sendJson(res, 200, {
        name: 'marathon', version: MESOLITE_VERSION, buildref: 'mesolite', elected: info.elected,
        ...(info.leader ? { leader: info.leader } : {}), ...(frameworkId ? { frameworkId } : {}),
        marathon_config: info.config.marathon, zookeeper_config: info.config.zookeeper, http_config: info.config.http,
      });
    })
    .on('GET', '/v2/leader', (_q, res) => {
      const { leader } = ctx.info();
      if (!leader) throw new Refusal('not_found', 'There is no leader');
      sendJson(res, 200, { leader });
    })
    .on('DELETE', '/v2/leader', (_q, res) => {
      sendJson(res, 200, { message: 'Leadership abdicated' });
      ctx.abdicate();
    });
}

function metricsJson(ctx: ApiContext) {
  const { state, instances, scheduler } = ctx.service;
  const all = instances.all();
  const gauge = (value: number) => ({ value });
  return {
    version: '4.0.0',
    gauges: {
      'marathon.apps.active.gauge': gauge(Object.keys(state.apps).length),
      'marathon.deployments.active.gauge': gauge(Object.keys(state.deployments).length),
      'marathon.instances.running.gauge': gauge(all.filter((i) => i.state === 'TASK_RUNNING').length),
      'marathon.instances.staged.gauge': gauge(all.filter((i) => i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING').length),
      'marathon.instances.launch-overdue.gauge': gauge(scheduler.queue.launchable().length),
      'marathon.leadership.is-leader.gauge': gauge(ctx.info().elected ? 1 : 0),
      'marathon.uptime.gauge': gauge(Math.round(process.uptime() * 1000)),
    },
    counters: {}, histograms: {}, meters: {}, timers: {},
  };
}
