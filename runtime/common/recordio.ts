// RecordIO framing as Mesos streams it: "<decimal length>\n<record bytes>" (docs/recordio.md).

/** One record: its bytes behind their length. */
export function frameRecord(body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

/** A message as a JSON record. */
export const encodeRecord = (message: unknown): Buffer => frameRecord(Buffer.from(JSON.stringify(message)));

/** A RecordIO stream's format: the headers of its response and how each message becomes a record. */
export interface StreamFormat {
  headers: Record<string, string>;
  record(message: unknown): Buffer;
}

/** JSON records under application/json (as Mesos answers a JSON client; Mesolite's own streams too). */
export const JSON_RECORDS: StreamFormat = { headers: { 'Content-Type': 'application/json' }, record: encodeRecord };

export class RecordIOError extends Error {}

/** Incremental decoder: feed chunks, get whole records back. Throws RecordIOError on a malformed header. */
export class RecordIODecoder {
  private pending: Buffer = Buffer.alloc(0);
  private expected = -1;

  constructor(private readonly maxRecordBytes = 64 * 1024 * 1024) {}

  decode(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const records: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        const newline = this.pending.indexOf(0x0a);
        if (newline < 0) {
          if (this.pending.length > 20) throw new RecordIOError('RecordIO header is not a length');
          return records;
        }
        const header = this.pending.subarray(0, newline).toString('ascii');
        if (!/^\d{1,19}$/.test(header)) throw new RecordIOError(`Invalid RecordIO length '${header.slice(0, 20)}'`);
        this.expected = Number(header);
        if (this.expected > this.maxRecordBytes) throw new RecordIOError(`RecordIO record of ${this.expected} bytes exceeds the limit`);
        this.pending = this.pending.subarray(newline + 1);
      }
      if (this.pending.length < this.expected) return records;
      records.push(this.pending.subarray(0, this.expected));
      this.pending = this.pending.subarray(this.expected);
      this.expected = -1;
    }
  }
}
