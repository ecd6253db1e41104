// Marathon's event bus and its Server-Sent Events endpoint (/v2/events): every event carries
// `eventType` and `timestamp`; subscribers may filter with `event_type` (repeatable).
import { EventEmitter } from 'node:events';
import type * as http from 'node:http';
import { HttpError } from '../../common/http';

export type MarathonEvent = { eventType: string; timestamp: string } & Record<string, unknown>;

export class EventBus extends EventEmitter<{ event: [MarathonEvent] }> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  publish(eventType: string, fields: Record<string, unknown>): void {
    this.emit('event', { ...fields, eventType, timestamp: new Date().toISOString() });
  }
}

const KEEP_ALIVE_MS = 15_000;
/**
 * Events a subscriber has not read are held in memory: past this many bytes it is dropped (it may
 * reconnect), as Marathon drops one past --event_stream_max_outstanding_messages. Bytes, not events:
 * one deployment event carries whole app definitions.
 */
const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

/** Streams the bus as `event: <type>` / `data: <json>` until the client goes away. */
export function serveEvents(bus: EventBus, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
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
