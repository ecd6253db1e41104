// A real `mesolite marathon` process next to a TestCluster, its REST API as raw HTTP (status, headers,
// JSON; every answer checked against Marathon's type for it), and an SSE reader for /v2/events;
// marathonFixture shares one daemon between a file's tests.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { nonConformance } from './marathon-conformance';
import { freePort, onFileEnd, onFileStart, startDaemon, stopDaemon, waitUntil, type Daemon, type TestCluster } from './cluster';

export interface ApiResponse<T = any> { status: number; headers: http.IncomingHttpHeaders; body: T; text: string }

/** A framework API's answer as it came (status, headers, JSON or text). */
export function frameworkApi<T = any>(base: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(`${base}${route}`, { method, headers: { ...(data ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* plain text */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T, text });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Marathon's API: every answer is checked against Marathon's type for it (marathon-conformance.ts); a test that got one that does not fit fails. */
export async function api<T = any>(base: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
  const res = await frameworkApi<T>(base, method, route, body, headers);
  const problem = typeof res.body === 'string' ? undefined : nonConformance(method, route, res.status, res.body, res.headers['content-type']);
  if (problem) throw new Error(problem);
  return res;
}

/** A state directory that outlives restarts of the daemon within a test run, and goes when the run ends. */
function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-marathon-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A framework daemon (`mesolite marathon`, `mesolite chronos`) on a free port, restartable with its state. */
export class FrameworkDaemon {
  daemon?: Daemon;
  port = 0;
  private args: string[] = [];

  constructor(readonly command: string, readonly workDir = stateDir()) {}

  /** Starts a daemon made unstarted, as start and the fixtures do. */
  async boot(master: string, extra: string[] = []): Promise<void> {
    this.args = [`--master=${master}`, '--decline_offer_duration=2000', ...extra];
    this.port = await freePort();
    await this.restart();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const zk = this.args.some((a) => a.startsWith('--zk='));
    this.daemon = startDaemon([this.command, `--http_port=${this.port}`, ...(zk ? [] : [`--work_dir=${this.workDir}`]), ...this.args]);
    await waitUntil(`${this.command} to answer`, async () => (await frameworkApi(this.url, 'GET', '/ping')).status === 200);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopDaemon(this.daemon, signal);
  }

  api<T = any>(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return frameworkApi<T>(this.url, method, route, body, headers);
  }

  logs(): string {
    return (this.daemon?.log ?? []).join('');
  }
}

export class MarathonDaemon extends FrameworkDaemon {
  /** Made unstarted: see start and marathonFixture. */
  constructor(workDir?: string) {
    super('marathon', workDir);
  }

  override api<T = any>(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return api<T>(this.url, method, route, body, headers);
  }

  static async start(master: string, extra: string[] = []): Promise<MarathonDaemon> {
    const m = new MarathonDaemon();
    await m.boot(master, extra);
    return m;
  }

  async app(id: string): Promise<any> {
    return (await this.api('GET', `/v2/apps${id}`)).body.app;
  }

  /** Waits until no deployment is left (or the named one is gone). */
  async deploymentDone(id?: string, timeoutMs = 30_000): Promise<void> {
    await waitUntil(`deployment ${id ?? '(all)'} to finish`, async () => {
      const list = (await this.api<Array<{ id: string }>>('GET', '/v2/deployments')).body;
      return id ? !list.some((d) => d.id === id) : list.length === 0;
    }, timeoutMs);
  }

  /** Waits for `count` running tasks of an app and returns them. */
  async running(id: string, count: number, timeoutMs = 30_000): Promise<any[]> {
    return waitUntil(`${count} running tasks of ${id}`, async () => {
      const tasks = (await this.api('GET', `/v2/apps${id}/tasks`)).body.tasks as Array<{ state: string }>;
      const running = tasks.filter((t) => t.state === 'TASK_RUNNING');
      return running.length === count && tasks.length === count ? running : undefined;
    }, timeoutMs);
  }
}

/**
 * The daemon a file's tests share, framework of `cluster` (a clusterFixture called before this): started
 * once the cluster runs (onFileStart), stopped when the file's tests are done, before the cluster.
 */
export function marathonFixture(cluster: TestCluster, extra: string[] = []): MarathonDaemon {
  const marathon = new MarathonDaemon();
  onFileEnd(() => marathon.stop());
  onFileStart(() => marathon.boot(cluster.masterAddress, extra));
  return marathon;
}

/** Collects Server-Sent Events from /v2/events. */
export class EventReader {
  readonly events: Array<{ type: string; data: any }> = [];
  readonly raw: string[] = [];
  private req?: http.ClientRequest;

  static open(base: string, query = ''): Promise<EventReader> {
    const reader = new EventReader();
    return new Promise((resolve, reject) => {
      reader.req = http.get(`${base}/v2/events${query}`, { headers: { Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          reader.raw.push(`${Date.now()} ${chunk.slice(0, 120)}`);
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!type || !data) continue;
            try {
              reader.events.push({ type, data: JSON.parse(data) });
            } catch (e) {
              reader.events.push({ type: `unparsable ${type}: ${(e as Error).message}`, data: undefined });
            }
          }
        });
        resolve(reader);
      });
      reader.req.on('error', reject);
    });
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  async waitFor(type: string, predicate: (data: any) => boolean = () => true, timeoutMs = 30_000): Promise<any> {
    return waitUntil(`event ${type}`, () => this.events.find((e) => e.type === type && predicate(e.data))?.data, timeoutMs);
  }

  close(): void {
    this.req?.destroy();
  }
}
