// /v2/events (Marathon's EventsResource): the event bus as Server-Sent Events, `event: <type>` /
// `data: <json>`, filtered by `event_type` (repeatable), until the client goes away.
import type * as http from 'node:http';
import { HttpError, type Router } from '../../../common/http';
import type { EventBus, MarathonEvent } from '../events';
import type { ApiContext } from './http';

export function mountEvents(router: Router, ctx: ApiContext): void {
  router.on('GET', '/v2/events', (req, res, url) => serveEvents(ctx.service.bus, req, res, url));
}

const KEEP_ALIVE_MS = 15_000;
/**
 * Events a subscriber has not read are held in memory: past this many bytes it is dropped (it may
 * reconnect), as Marathon drops one past --event_stream_max_outstanding_messages. Bytes, not events:
 * one deployment event carries whole app definitions.
 */
const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

function serveEvents(bus: EventBus, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
    throw new HttpError(405, 'The event stream answers only requests that accept text/event-stream', { Allow: 'GET' });
  }
  const wanted = new Set(url.searchParams.getAll('event_type'));
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  res.flushHeaders();
  const send = (e: MarathonEvent) => {
    if (wanted.size > 0 && !wanted.has(e.eventType)) return;
    res.write(`event: ${e.eventType}\ndata: ${JSON.stringify(e)}\n\n`);
    if (res.writableLength > MAX_UNREAD_BYTES) res.destroy();
  };
  bus.on('event', send);
  // Comment lines keep proxies (and idle clients) from closing a quiet stream.
  const keepAlive = setInterval(() => res.write(':\n\n'), KEEP_ALIVE_MS);
  keepAlive.unref();
  res.on('close', () => {
    bus.off('event', send);
    clearInterval(keepAlive);
  });
  bus.publish('event_stream_attached', { remoteAddress: req.socket.remoteAddress ?? '' });
}
