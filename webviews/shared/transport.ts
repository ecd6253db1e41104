// How a page reaches its daemon: in a browser, fetch on the page's own origin; in a VS Code webview,
// the same calls through the extension host (typed messages in messages.ts), which holds the connection.
import type { HostToPage, PageToHost } from './messages';

export interface Transport {
  /** A JSON request; rejects with the daemon's message on a non-2xx status. */
  json<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** A RecordIO stream (Mesos' event streams): each record parsed; resolves when the stream ends. */
  stream(path: string, body: unknown, onRecord: (record: any) => void, signal?: AbortSignal): Promise<void>;
  /** Where the browser goes for a link that leaves the page (a download). */
  href(path: string): string;
}

/**
 * In a browser: `base` is where the daemon's root is as the browser sees it (`/`, or `/proxy/5050/`
 * behind code-server's port forwarding), so pages call `base + path` and work behind such a proxy.
 */
export const browserTransport = (base: string): Transport => ({
  async json(method, path, body) {
    const r = await fetch(base + path.slice(1), { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${r.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  },
  async stream(path, body, onRecord, signal) {
    const r = await fetch(base + path.slice(1), { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body), signal });
    if (!r.ok || !r.body) throw new Error(`${r.status}: ${await r.text()}`);
    const reader = r.body.getReader();
    const records = new RecordIOReader(onRecord);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      records.push(value);
    }
  },
  href: (path) => base + path.slice(1),
});

/** RecordIO (`<length>\n<record>`), lengths in bytes. */
export class RecordIOReader {
  private buffer = new Uint8Array(0);
  private readonly decoder = new TextDecoder();
  constructor(private readonly onRecord: (record: any) => void) {}

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    let at = 0;
    for (;;) {
      const newline = joined.indexOf(10, at);
      if (newline < 0) break;
      const length = Number(this.decoder.decode(joined.subarray(at, newline)));
      if (joined.length < newline + 1 + length) break;
      this.onRecord(JSON.parse(this.decoder.decode(joined.subarray(newline + 1, newline + 1 + length))));
      at = newline + 1 + length;
    }
    this.buffer = joined.slice(at);
  }
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

declare function acquireVsCodeApi(): { postMessage(message: PageToHost): void };

/** In a webview: each call is a message to the host, answered by id; streams send records until their end. */
export function webviewTransport(): Transport {
  const vscode = acquireVsCodeApi();
  let next = 0;
  const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void; onRecord?: (r: any) => void }>();
  window.addEventListener('message', (event: MessageEvent<HostToPage>) => {
    const m = event.data;
    const call = pending.get(m.id);
    if (!call) return;
    if (m.type === 'record') return call.onRecord?.(m.record);
    pending.delete(m.id);
    if (m.type === 'error') call.reject(new Error(m.message));
    else call.resolve(m.body);
  });
  const ask = (message: WithoutId<PageToHost>, onRecord?: (r: any) => void) => new Promise<any>((resolve, reject) => {
    const id = ++next;
    pending.set(id, { resolve, reject, onRecord });
    vscode.postMessage({ ...message, id } as PageToHost);
  });
  return {
    json: (method, path, body) => ask({ type: 'request', method, path, body }),
    stream: (path, body, onRecord) => ask({ type: 'stream', path, body }, onRecord),
    href: (path) => path,
  };
}
