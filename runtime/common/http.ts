// Small HTTP layer shared by every daemon and client: the router (router.ts), bodies with limits and
// clear 4xx errors, RecordIO event streams (server side) and keep-alive JSON / stream requests (client side).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JSON_RECORDS, RecordIODecoder, type StreamFormat } from './recordio';
import { parseJson } from './json';
import { HttpError, LINGER_MS, type Router } from './router';

export { HttpError, plainTextError, Router, sendErrorAnswer, type ErrorAnswer, type Handler } from './router';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Bytes of request bodies all requests of this process may hold at once: a flood of large unfinished
 * bodies gets 503 (retry later) instead of pinning memory. */
const BODY_BUDGET_BYTES = 4 * MAX_BODY_BYTES;
let bodyBytesHeld = 0;

const tooLarge = (message: string) => new HttpError(413, message, { Connection: 'close' });

/**
 * Reads a request body within `limit` bytes. What a request held is released when it ends, fails or is
 * abandoned by its client; a 413 closes the connection instead of reading the rest.
 */
export function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(tooLarge(`Request body of ${declared} bytes exceeds the limit of ${limit} bytes`));
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      bodyBytesHeld -= size;
      const body = error ? undefined : Buffer.concat(chunks);
      chunks = [];
      req.off('data', onData);
      if (body) resolve(body);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      bodyBytesHeld += chunk.length;
      if (size > limit) return settle(tooLarge(`Request body exceeds the limit of ${limit} bytes`));
      if (bodyBytesHeld > BODY_BUDGET_BYTES) return settle(new HttpError(503, 'Too many request bodies in flight; retry later', { Connection: 'close' }));
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => settle());
    req.on('error', settle);
    req.on('close', () => settle(new HttpError(400, 'The request was abandoned before its body ended')));
  });
}

/** Reads a JSON object body of Mesolite's own endpoints (v1 calls: media.ts's readCall); 415 for other media types, 400 naming the parse problem. */
export async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  if (req.headers['content-type'] === undefined) {
    req.resume();
    throw new HttpError(400, "Expecting 'Content-Type' to be present");
  }
  const type = req.headers['content-type'].split(';')[0].trim();
  if (type !== 'application/json') {
    req.resume();
    throw new HttpError(415, `Expecting 'Content-Type' of application/json, got '${type}'`);
  }
  const parsed = await readJsonValue(req);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'Failed to validate call: body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Any JSON body, whatever its Content-Type (Mesos' v0 endpoints such as /machine/down take a JSON array). */
export async function readJsonValue(req: http.IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  try {
    return parseJson(body);
  } catch (e) {
    throw new HttpError(400, `Failed to parse body into JSON: ${(e as Error).message}`);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/** A server-side RecordIO stream of events over a chunked 200 response, in `format` (media.ts's streamFormat for v1 clients). */
export class EventStream {
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    private readonly res: http.ServerResponse, req: http.IncomingMessage, headers: Record<string, string> = {},
    private readonly format: StreamFormat = JSON_RECORDS,
  ) {
    res.writeHead(200, {
      ...format.headers,
      'Cache-Control': 'no-cache',
      ...headers,
    });
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true, 10_000);
    const onGone = () => this.markClosed();
    res.on('close', onGone);
    req.on('aborted', onGone);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(event: unknown): void {
    if (!this.closed) this.res.write(this.format.record(event));
  }

  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }

  /** Sends HEARTBEAT events every intervalMs until the stream closes (as Mesos does per connection). */
  heartbeat(intervalMs: number): void {
    const timer = setInterval(() => this.send({ type: 'HEARTBEAT' }), intervalMs);
    timer.unref();
    this.onClose(() => clearInterval(timer));
  }

  close(): void {
    if (this.closed) return;
    this.res.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.closeHandlers.splice(0)) h();
  }
}

export interface Listening {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/**
 * What one client may hold of a daemon: headers must arrive within 10 s and a whole request (headers
 * and body) within 30 s, whatever trickles in (slowloris); long-lived streams are responses, so they
 * are not cut by this, and their heartbeats find dead peers. Connections beyond the cap are refused.
 * The one long-lived request body (the agent's ATTACH_CONTAINER_INPUT) is let through by streamBody().
 */
export const SERVER_LIMITS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 4096 };

const requestDeadlines = new WeakMap<http.IncomingMessage, NodeJS.Timeout>();

/** Node's requestTimeout, but per request (Node's is server-wide and cannot spare one): 408 for a body not ended in time. */
function limitRequestTime(req: http.IncomingMessage, res: http.ServerResponse): void {
  const deadline = setTimeout(() => {
    if (req.complete) return;
    // The request itself is destroyed: once answered, Node no longer aborts it, and its handler would hold what it read.
    if (res.headersSent) return void req.destroy();
    res.writeHead(408, { Connection: 'close', 'Content-Length': 0 }).end(() => req.destroy());
    setTimeout(() => req.destroy(), LINGER_MS).unref();
  }, SERVER_LIMITS.requestTimeoutMs).unref();
  requestDeadlines.set(req, deadline);
  res.once('close', () => clearTimeout(deadline));
}

/** Lets a request's body stream as long as its handler reads it; only for an authenticated caller whose stream is wanted. */
export function streamBody(req: http.IncomingMessage): void {
  clearTimeout(requestDeadlines.get(req));
}

export function listen(router: Router, host: string, port: number): Promise<Listening> {
  const server = http.createServer({
    keepAliveTimeout: 65_000,
    headersTimeout: SERVER_LIMITS.headersTimeoutMs,
    requestTimeout: 0, // limitRequestTime() instead
    connectionsCheckingInterval: 1_000,
  }, (req, res) => {
    limitRequestTime(req, res);
    router.handle(req, res);
  });
  server.maxConnections = SERVER_LIMITS.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

// ---- client side ----

export const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(url, {
      method,
      agent: keepAlive,
      headers: {
        ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        Accept: 'application/json',
        ...headers,
      },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request('POST', url, body, headers);
}

/**
 * POSTs calls in order, one request at a time (as Mesos' libraries send calls over one connection, so
 * e.g. TASK_RUNNING can never overtake TASK_STARTING); the calls that queue up while a request is in
 * flight go out together in the next one (combined by `batch`): under load one request carries many
 * calls instead of each paying its own round trip. `answer` turns a request's response (or the error
 * that kept it from one) into each call's result. `url()` is asked at each request.
 */
export class BatchingPoster<T, R = void> {
  private queued: Array<{ call: T; done: (result: R) => void }> = [];
  private busy = false;

  constructor(
    private readonly url: () => string,
    private readonly batch: (calls: T[]) => unknown,
    private readonly answer: (calls: T[], response: Response | Error) => R[],
  ) {}

  /** Resolves with the call's result once its request is answered. */
  post(call: T): Promise<R> {
    return new Promise((done) => {
      this.queued.push({ call, done });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queued.length) {
      const queued = this.queued.splice(0);
      const calls = queued.map((q) => q.call);
      let response: Response | Error;
      try {
        response = await postJson(this.url(), this.batch(calls));
      } catch (e) {
        response = e as Error;
      }
      const results = this.answer(calls, response);
      queued.forEach((q, i) => q.done(results[i]));
    }
    this.busy = false;
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await request('GET', url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

export interface OpenStream {
  headers: http.IncomingHttpHeaders;
  /** Resolves when the stream ends, for whatever reason. */
  ended: Promise<void>;
  close(): void;
}

/**
 * POSTs a call whose answer is a RecordIO stream (SUBSCRIBE). Resolves once the 200 headers arrive;
 * rejects with the status and body otherwise. Each record is parsed and handed to onEvent. onOpen runs
 * before the first event (records can arrive before the returned promise's callbacks run). Aborting
 * `signal` gives up the attempt, or closes the stream once open.
 */
export function openStream(
  url: string, body: unknown, onEvent: (event: Record<string, unknown>) => void, headers: Record<string, string> = {},
  onOpen?: (headers: http.IncomingHttpHeaders) => void, signal?: AbortSignal,
): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    // A dedicated socket per stream: a long-lived response must not hold a pooled keep-alive socket.
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      signal,
      // JSON records under application/json: what every Mesos v1 stream answers (the agent's also speak application/recordio).
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers },
    }, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new HttpError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        return;
      }
      res.socket.setNoDelay(true);
      onOpen?.(res.headers);
      const decoder = new RecordIODecoder();
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      res.on('data', (chunk: Buffer) => {
        try {
          for (const record of decoder.decode(chunk)) onEvent(JSON.parse(record.toString('utf8')) as Record<string, unknown>);
        } catch (e) {
          res.destroy(e as Error);
        }
      });
      res.on('close', endedResolve);
      res.on('error', endedResolve);
      resolve({ headers: res.headers, ended, close: () => { req.destroy(); res.destroy(); } });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
