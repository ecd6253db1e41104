// Marathon's event bus: every event carries `eventType` and `timestamp`. api/events.ts streams it
// to subscribers (/v2/events).
import { EventEmitter } from 'node:events';

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
