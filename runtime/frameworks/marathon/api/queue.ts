// /v2/queue (Marathon's QueueResource): the launches that wait, with their delay and what became of
// the offers matched for them; DELETE /v2/queue/{id}/delay forgets an app's backoff.
import { sendJson, type Router } from '../../../common/http';
import { absoluteId } from '../app';
import type { ApiContext } from './http';
import { appJson } from './views';

export function mountQueue(router: Router, { service }: ApiContext): void {
  router
    .on('GET', '/v2/queue', (_q, res) => sendJson(res, 200, queueJson(service)))
    .on('DELETE', '/v2/queue/{id*}/delay', (_q, res, _u, { id }) => {
      service.scheduler.resetDelay(service.app(absoluteId(id)).id);
      res.writeHead(204);
      res.end();
    });
}

function queueJson(service: ApiContext['service']) {
  const { queue } = service.scheduler;
  return {
    queue: queue.entries().filter(({ appId }) => service.state.apps[appId]).map(({ appId, waiting, stats }) => {
      const left = queue.delayLeftSeconds(appId);
      const rejects = [...(stats?.rejects ?? new Map()).entries()];
      return {
        app: appJson(service, service.state.apps[appId], { tasks: false }),
        count: waiting.count,
        delay: { timeLeftSeconds: Math.ceil(left), overdue: left === 0 },
        since: waiting.since,
        processedOffersSummary: {
          processedOffersCount: stats?.processed ?? 0,
          unusedOffersCount: stats?.unused ?? 0,
          ...(stats?.lastUnusedAt ? { lastUnusedOfferAt: stats.lastUnusedAt } : {}),
          ...(stats?.lastUsedAt ? { lastUsedOfferAt: stats.lastUsedAt } : {}),
          rejectSummaryLastOffers: rejects.map(([reason, declined]) => ({ reason, declined, processed: stats?.processed ?? 0 })),
          rejectSummaryLaunchAttempt: rejects.map(([reason, declined]) => ({ reason, declined, processed: stats?.processed ?? 0 })),
        },
        lastUnusedOffers: (stats?.lastUnused ?? []).map((u) => ({
          offer: { id: u.offer.id.value, agentId: u.offer.agent_id.value, hostname: u.offer.hostname, resources: u.offer.resources, attributes: u.offer.attributes ?? [] },
          timestamp: u.timestamp, reason: u.reason,
        })),
      };
    }),
  };
}
