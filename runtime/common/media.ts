// Media types of Mesos' v1 endpoints, as Mesos negotiates them: a call's body is application/json or
// application/x-protobuf; its answer is whichever of the two the Accept header allows (JSON first);
// streams are RecordIO whose records are in that type, or, when a client accepts application/recordio,
// in the type Message-Accept allows. protocol/codec.ts turns either into the same plain messages.
import type * as http from 'node:http';
import { readBody } from './http';
import { checkLimits, parseJson } from './json';
import { decode, encode, fromJson, type MessageName } from './protocol/codec';
import { frameRecord, type StreamFormat } from './recordio';
import { HttpError } from './router';

export const JSON_TYPE = 'application/json';
export const PROTOBUF = 'application/x-protobuf';
export const RECORDIO = 'application/recordio';

export type Wire = 'json' | 'protobuf';

export const mediaType = (value: string | undefined): string | undefined => value?.split(';')[0].trim().toLowerCase();

/** Whether a request's Accept-like header (absent: anything) allows a media type; q=0 refuses it. */
export function accepts(req: http.IncomingMessage, type: string, header = 'accept'): boolean {
  const accept = req.headers[header];
  if (accept === undefined) return true;
  return String(accept).split(',').some((item) => {
    const [range, ...params] = item.split(';');
    const t = mediaType(range);
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) return false;
    return t === type || t === '*/*' || t === `${type.split('/')[0]}/*`;
  });
}

/** The wire type of a request's body (400 without a Content-Type, 415 for one Mesos does not read). */
function contentWire(req: http.IncomingMessage): Wire {
  const declared = req.headers['content-type'];
  if (declared === undefined) throw new HttpError(400, "Expecting 'Content-Type' to be present");
  const type = mediaType(declared);
  if (type === JSON_TYPE) return 'json';
  if (type === PROTOBUF) return 'protobuf';
  throw new HttpError(415, `Expecting 'Content-Type' of ${JSON_TYPE} or ${PROTOBUF}`);
}

/** A body in either wire type as the plain message `name`. */
export function readMessage(name: MessageName, wire: Wire, body: Uint8Array): Record<string, unknown> {
  if (wire === 'protobuf') {
    try {
      const message = decode(name, body);
      checkLimits(message);
      return message;
    } catch (e) {
      throw new HttpError(400, `Failed to parse body into ${name.split('.').pop()} protobuf: ${(e as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = parseJson(body);
  } catch (e) {
    throw new HttpError(400, `Failed to parse body into JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'Failed to validate call: body must be a JSON object');
  }
  return fromJson(name, parsed as Record<string, unknown>);
}

/** Reads a v1 call: the body, in the type its Content-Type names (others are refused unread). */
export async function readCall(req: http.IncomingMessage, name: MessageName): Promise<Record<string, unknown>> {
  let wire: Wire;
  try {
    wire = contentWire(req);
  } catch (e) {
    req.resume();
    throw e;
  }
  return readMessage(name, wire, await readBody(req));
}

/** How a response's messages are written: its Content-Type and each message's bytes. */
interface Writer {
  readonly contentType: string;
  write(message: unknown): Buffer;
}

const writers = new Map<string, Writer>();

function writer(name: MessageName, wire: Wire): Writer {
  const key = `${name} ${wire}`;
  let w = writers.get(key);
  if (!w) {
    w = wire === 'json'
      ? { contentType: JSON_TYPE, write: (message) => Buffer.from(JSON.stringify(message)) }
      : { contentType: PROTOBUF, write: (message) => Buffer.from(encode(name, message)) };
    writers.set(key, w);
  }
  return w;
}

/** The wire type of a plain answer: JSON when accepted, else protobuf, else 406. */
function acceptWire(req: http.IncomingMessage): Wire {
  if (accepts(req, JSON_TYPE)) return 'json';
  if (accepts(req, PROTOBUF)) return 'protobuf';
  throw new HttpError(406, `Expecting 'Accept' to allow '${PROTOBUF}' or '${JSON_TYPE}'`);
}

export type Answer = (res: http.ServerResponse, status: number, message: unknown) => void;

/** How to answer `req` with a `name` message, decided before the call acts (406 when it accepts neither type). */
export function answerFor(req: http.IncomingMessage, name: MessageName): Answer {
  const w = writer(name, acceptWire(req));
  return (res, status, message) => {
    const body = w.write(message);
    res.writeHead(status, { 'Content-Type': w.contentType, 'Content-Length': body.length });
    res.end(body);
  };
}

/** A v1 stream's format, and the wire type of its records. */
export interface MessageStreamFormat extends StreamFormat {
  wire: Wire;
}

/**
 * The format of an event stream answering `req`: RecordIO records in JSON or protobuf, under that
 * Content-Type; or, for a client that accepts only application/recordio, under that one with the
 * records' type from Message-Accept (named in Message-Content-Type). 406 when none is allowed.
 */
export function streamFormat(req: http.IncomingMessage, name: MessageName): MessageStreamFormat {
  let content: string;
  let wire: Wire;
  if (accepts(req, JSON_TYPE)) [content, wire] = [JSON_TYPE, 'json'];
  else if (accepts(req, PROTOBUF)) [content, wire] = [PROTOBUF, 'protobuf'];
  else if (accepts(req, RECORDIO)) {
    content = RECORDIO;
    if (accepts(req, JSON_TYPE, 'message-accept')) wire = 'json';
    else if (accepts(req, PROTOBUF, 'message-accept')) wire = 'protobuf';
    else throw new HttpError(406, `Expecting 'Message-Accept' to allow ${JSON_TYPE} or ${PROTOBUF}`);
  } else {
    throw new HttpError(406, `Expecting 'Accept' to allow ${JSON_TYPE} or ${PROTOBUF} or ${RECORDIO}`);
  }
  const w = writer(name, wire);
  return {
    wire,
    headers: { 'Content-Type': content, ...(content === RECORDIO ? { 'Message-Content-Type': w.contentType } : {}) },
    record: (message) => frameRecord(w.write(message)),
  };
}
