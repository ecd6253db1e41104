// Client of Marathon's REST API (/v2/apps, /v2/deployments, /v2/events), as Marathon documents it, so
// it works against Mesolite's app framework and a real Marathon alike.
import * as http from 'node:http';
import { request, type Response } from '../common/http';

export interface MarathonApp {
  id: string;
  instances?: number;
  cmd?: string;
  cpus?: number;
  mem?: number;
  tasksRunning?: number;
  tasksStaged?: number;
  deployments?: Array<{ id: string }>;
  tasks?: MarathonTask[];
  [field: string]: unknown;
}

export interface MarathonTask { id: string; appId: string; host: string; slaveId?: string; state?: string; startedAt?: string }
export interface DeploymentRef { deploymentId: string; version: string }
export interface Deployment { id: string; affectedApps: string[]; currentStep: number; totalSteps: number; currentActions?: Array<{ action: string; app: string }> }
export interface ErrorDetail { path: string; errors: string[] }

/** A non-2xx answer; 422 carries Marathon's validation details (JSON paths such as /cpus). */
export class MarathonError extends Error {
  constructor(readonly status: number, message: string, readonly details: ErrorDetail[] = []) {
    super(message);
  }
}

export type MarathonEvent = { eventType: string; timestamp?: string } & Record<string, unknown>;

const appPath = (id: string) => `/v2/apps/${id.replace(/^\/+/, '')}`;

export class MarathonClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res: Response = await request(method, `${this.baseUrl}${path}`, body);
    if (res.status < 200 || res.status >= 300) {
      let parsed: { message?: string; details?: ErrorDetail[] } = {};
      try { parsed = JSON.parse(res.body); } catch { parsed = { message: res.body }; }
      throw new MarathonError(res.status, `${method} ${path}: ${res.status} ${parsed.message ?? res.body}`, parsed.details ?? []);
    }
    return (res.body ? JSON.parse(res.body) : undefined) as T;
  }

  /** embed: what Marathon adds to each app (apps.tasks, apps.lastTaskFailure, apps.counts...). */
  async listApps(embed: string[] = ['apps.tasks']): Promise<MarathonApp[]> {
    return (await this.send<{ apps: MarathonApp[] }>('GET', `/v2/apps?${embed.map((e) => `embed=${e}`).join('&')}`)).apps;
  }

  /** The app, or undefined when Marathon does not know it (404). */
  async getApp(id: string): Promise<MarathonApp | undefined> {
    try {
      return (await this.send<{ app: MarathonApp }>('GET', appPath(id))).app;
    } catch (e) {
      if (e instanceof MarathonError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** POST /v2/apps: 201 with the app; its first deployment is in app.deployments. */
  createApp(app: Record<string, unknown>): Promise<MarathonApp> {
    return this.send('POST', '/v2/apps', app);
  }

  /** PUT /v2/apps/{id}: creates or replaces the app, answering the deployment. */
  updateApp(id: string, app: Record<string, unknown>, force = false): Promise<DeploymentRef> {
    return this.send('PUT', `${appPath(id)}${force ? '?force=true' : ''}`, app);
  }

  scaleApp(id: string, instances: number): Promise<DeploymentRef> {
    return this.send('PUT', appPath(id), { instances });
  }

  restartApp(id: string): Promise<DeploymentRef> {
    return this.send('POST', `${appPath(id)}/restart`, {});
  }

  deleteApp(id: string): Promise<DeploymentRef> {
    return this.send('DELETE', appPath(id));
  }

  /** Kills one task; with scale the app's instances drop by one instead of a replacement starting. */
  killTask(appId: string, taskId: string, scale = false): Promise<unknown> {
    return this.send('DELETE', `${appPath(appId)}/tasks/${encodeURIComponent(taskId)}${scale ? '?scale=true' : ''}`);
  }

  deployments(): Promise<Deployment[]> {
    return this.send('GET', '/v2/deployments');
  }

  /** /v2/events as server-sent events, reopened after drops until close(). */
  events(onEvent: (event: MarathonEvent) => void, retryMs = 1000): { close(): void } {
    let closed = false;
    let current: http.ClientRequest | undefined;
    const open = () => {
      if (closed) return;
      current = http.get(`${this.baseUrl}/v2/events`, { headers: { Accept: 'text/event-stream' }, agent: false }, (res) => {
        if (res.statusCode !== 200) { res.resume(); return; }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (data) {
              try { onEvent(JSON.parse(data) as MarathonEvent); } catch { /* a comment or keep-alive */ }
            }
          }
        });
      });
      current.on('close', () => { if (!closed) setTimeout(open, retryMs); });
      current.on('error', () => undefined);
    };
    open();
    return { close: () => { closed = true; current?.destroy(); } };
  }
}
