// Client of Chronos' REST API (/v1/scheduler/...), as Chronos documents it, so it works against
// Mesolite's job framework and a real Chronos alike.
import { request } from '../common/http';

/** A job as GET /v1/scheduler/jobs lists it (the fields the views read; the rest passes through). */
export interface ChronosJob {
  name: string;
  command: string;
  schedule?: string;
  parents?: string[];
  disabled: boolean;
  successCount: number;
  errorCount: number;
  lastSuccess: string;
  lastError: string;
  [field: string]: unknown;
}

export interface JobSummary { name: string; status: 'success' | 'failure' | 'fresh'; state: string; schedule: string; parents: string[]; disabled: boolean }

/** A non-2xx answer; `reason` is the framework's own message. */
export class ChronosError extends Error {
  constructor(readonly status: number, message: string, readonly reason = message) {
    super(message);
  }

  /** The JSON path of the field a 400 names first (Mesolite's `'constraints[0][1]': ...`): constraints, 0, 1. */
  get field(): Array<string | number> {
    const field = /^'([^']+)'/.exec(this.reason)?.[1];
    if (!field) return [];
    return field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  }
}

const jobPath = (name: string) => `/v1/scheduler/job/${encodeURIComponent(name)}`;

export class ChronosClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request(method, `${this.baseUrl}${path}`, body);
    if (res.status < 200 || res.status >= 300) {
      let reason = res.body;
      try { reason = (JSON.parse(res.body) as { message?: string }).message ?? res.body; } catch { /* plain text */ }
      throw new ChronosError(res.status, `${method} ${path}: ${res.status} ${reason}`, reason);
    }
    const json = res.headers['content-type']?.startsWith('application/json');
    return (res.body && json ? JSON.parse(res.body) : res.body) as T;
  }

  jobs(): Promise<ChronosJob[]> {
    return this.send('GET', '/v1/scheduler/jobs');
  }

  async summary(): Promise<JobSummary[]> {
    return (await this.send<{ jobs: JobSummary[] }>('GET', '/v1/scheduler/jobs/summary')).jobs;
  }

  /** Adds or replaces a job: a dependent job (with parents) or a scheduled one. */
  putJob(job: Record<string, unknown>): Promise<void> {
    return this.send('POST', Array.isArray(job.parents) && job.parents.length ? '/v1/scheduler/dependency' : '/v1/scheduler/iso8601', job);
  }

  runNow(name: string): Promise<void> {
    return this.send('PUT', jobPath(name));
  }

  deleteJob(name: string): Promise<void> {
    return this.send('DELETE', jobPath(name));
  }

  /** Disables or enables a job: Chronos has no call for it, the job is put back with `disabled` set. */
  async setDisabled(name: string, disabled: boolean): Promise<void> {
    const job = await this.send<ChronosJob>('GET', jobPath(name));
    await this.putJob({ ...job, disabled });
  }
}
