import { randomUUID } from 'node:crypto';

export const newUUID = (): string => randomUUID();

/** Status update uuids are bytes on the wire: the 16 raw bytes of a UUID, base64 encoded. */
export function newStatusUUID(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64');
}

/** Monotonic ids with a common prefix, as the Mesos master numbers frameworks, agents and offers. */
export class IdSequence {
  private next = 0;
  constructor(private readonly prefix: string, private readonly width = 4) {}
  take(): string {
    return `${this.prefix}${String(this.next++).padStart(this.width, '0')}`;
  }
}
