// /v2/queue (Marathon's QueueResource): the launches that wait, with their delay and what became of
// the offers matched for them; DELETE /v2/queue/{id}/delay forgets an app's backoff.
import { sendJson, type Router } from '../../../common/http';
import type { Attribute, Resource } from '../../../common/protocol/v1';
import { reservationRole } from '../../../common/resources';
import { absoluteId } from '../app';
import type { ApiContext } from './http';
import { appDefinitionJson } from './views';

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
        app: appDefinitionJson(service.state.apps[appId]),
        role: service.scheduler.role,
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
          offer: { id: u.offer.id.value, agentId: u.offer.agent_id.value, hostname: u.offer.hostname, resources: u.offer.resources.map(offerResource), attributes: (u.offer.attributes ?? []).map(agentAttribute) },
          timestamp: u.timestamp, reason: u.reason,
        })),
      };
    }),
  };
}

/** A value of a resource or attribute as Marathon's Offer types flatten it: `scalar` a number, `ranges` [{begin, end}], `set` a list. */
function values(v: Resource | Attribute) {
  return {
    ...(v.scalar ? { scalar: v.scalar.value } : {}),
    ...(v.ranges ? { ranges: v.ranges.range.map(({ begin, end }) => ({ begin, end })) } : {}),
    ...(v.set ? { set: v.set.item } : {}),
  };
}

/** Marathon's OfferResource. */
const offerResource = (r: Resource) => ({ name: r.name, role: reservationRole(r), ...values(r) });

/** Marathon's AgentAttribute. */
const agentAttribute = (a: Attribute) => ({ name: a.name, ...(a.text ? { text: a.text.value } : {}), ...values(a) });
