// A raw Mesos v1 client speaking JSON or protobuf (RecordIO streams both ways too), as third-party clients do, that reads every answer
// and every event strictly (v1-strict.ts) and keeps what a strict client would refuse in `problems`.
import * as http from 'node:http';
import { encode, type MessageName } from '../../runtime/common/protocol/codec';
import { frameRecord, RecordIODecoder } from '../../runtime/common/recordio';
import type { Wire } from '../../runtime/common/media';
import { strictJsonProblems, strictProtobuf } from './v1-strict';
import { waitUntil } from './cluster';

type Json = Record<string, unknown>;

const MEDIA: Record<Wire, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

export interface Answer { status: number; headers: http.IncomingHttpHeaders; message?: Json; text: string }

export interface EventStream {
  headers: http.IncomingHttpHeaders;
  events: Json[];
  /** The first event of `type` (after the `from`th) that `match` accepts, waited for. */
  next(type: string, match?: (event: Json) => boolean, from?: number): Promise<Json>;
  close(): void;
}

export class WireClient {
  readonly problems: string[] = [];

  constructor(readonly wire: Wire) {}

  private read(name: MessageName, body: Buffer, label: string): Json | undefined {
    if (this.wire === 'json') {
      const message = JSON.parse(body.toString('utf8')) as Json;
      this.problems.push(...strictJsonProblems(name, message).map((p) => `${label}: ${p}`));
      return message;
    }
    const { message, problems } = strictProtobuf(name, body);
    this.problems.push(...problems.map((p) => `${label}: ${p}`));
    return message;
  }

  private payload(name: MessageName, call: Json): Buffer {
    return this.wire === 'json' ? Buffer.from(JSON.stringify(call)) : Buffer.from(encode(name, call));
  }

  /** POSTs a call in this client's wire type, accepting that type. */
  private post(url: string, name: MessageName, call: Json, headers: Record<string, string>, onResponse: (res: http.IncomingMessage, req: http.ClientRequest) => void): http.ClientRequest {
    const body = this.payload(name, call);
    const req = http.request(url, {
      method: 'POST', agent: false,
      headers: { 'Content-Type': MEDIA[this.wire], Accept: MEDIA[this.wire], 'Content-Length': body.length, ...headers },
    }, (res) => onResponse(res, req));
    req.end(body);
    return req;
  }

  /** POSTs a call; a 200 with a body is read as `answer`. */
  call(url: string, name: MessageName, call: Json, answer?: MessageName, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.post(url, name, call, headers, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          const label = `${String(call.type)} answer`;
          let message: Json | undefined;
          if (res.statusCode === 200 && data.length && answer) {
            if (res.headers['content-type'] !== MEDIA[this.wire]) this.problems.push(`${label}: Content-Type ${res.headers['content-type']}`);
            message = this.read(answer, data, label);
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, message, text: this.wire === 'json' || res.statusCode !== 200 ? data.toString('utf8') : '' });
        });
        res.on('error', reject);
      }).on('error', reject);
    });
  }

  /** POSTs a RecordIO stream of calls (ATTACH_CONTAINER_INPUT), each in this client's wire type; resolves with the answer's status. */
  input(url: string, name: MessageName, calls: Json[]): Promise<number> {
    const body = Buffer.concat(calls.map((c) => frameRecord(this.payload(name, c))));
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST', agent: false, headers: { 'Content-Type': 'application/recordio', 'Message-Content-Type': MEDIA[this.wire], 'Content-Length': body.length },
      }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POSTs a call answered by a RecordIO stream whose records are `event` messages (each also given to onEvent). */
  stream(url: string, name: MessageName, call: Json, event: MessageName, headers: Record<string, string> = {}, onEvent?: (event: Json) => void): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      this.post(url, name, call, headers, (res, req) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(new Error(`${String(call.type)}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`)));
          return;
        }
        if (res.headers['content-type'] !== MEDIA[this.wire]) this.problems.push(`${String(call.type)} stream: Content-Type ${res.headers['content-type']}`);
        const events: Json[] = [];
        const decoder = new RecordIODecoder();
        res.on('data', (chunk: Buffer) => {
          for (const record of decoder.decode(chunk)) {
            const message = this.read(event, record, `${event} record ${events.length}`);
            if (!message) continue;
            events.push(message);
            onEvent?.(message);
          }
        });
        res.on('error', () => undefined); // closed by close(), or by the daemon at the end
        resolve({
          headers: res.headers,
          events,
          next: (type, match = () => true, from = 0) => waitUntil(`a ${type} event`, () => events.slice(from).find((e) => e.type === type && match(e)))
            .catch((e: Error) => { throw new Error(`${e.message}; got ${JSON.stringify(events.slice(from)).slice(-3000)}`); }),
          close: () => { req.destroy(); res.destroy(); },
        });
      }).on('error', reject);
    });
  }
}
