// What the REST API asks of the job framework: add or replace jobs (checked against the dependency
// graph), delete them (their children rewired as Chronos does), run one now, mark one successful, kill
// its tasks, and the views (summary, search, stat). Each change is stored before it is answered.
import { Refusal } from '../../common/refusal';
import { checkParents, childrenOf, rewireEdges } from './graph';
import { COUNTERS, lastStatus, type Job } from './job';
import type { ChronosScheduler } from './scheduler';
import { runStates, type ChronosState } from './state';
import { parseJob, type JobDefaults, type JobKind } from './validation';

const MAX_TASK_ID_BYTES = 255;

export class JobService {
  constructor(readonly scheduler: ChronosScheduler, private readonly defaults: JobDefaults) {}

  get state(): ChronosState {
    return this.scheduler.state;
  }

  job(name: string): Job {
    const job = this.state.jobs[name];
    if (!job) throw new Refusal('not_found', `Job '${name}' not found`);
    return job;
  }

  /** Adds a job, or replaces the one of that name (keeping its counters). */
  async put(body: Record<string, unknown>, kind: JobKind): Promise<void> {
    const job = parseJob(body, kind, this.defaults);
    const old = this.state.jobs[job.name];
    if (job.parents) checkParents(this.state, job.name, job.parents);
    if (old) for (const field of COUNTERS) (job as unknown as Record<string, unknown>)[field] = old[field];
    const edges = { ...this.state.edges };
    this.state.jobs[job.name] = job;
    rewireEdges(this.state, job.name, job.parents ?? []);
    try {
      await this.changed();
    } catch (e) {
      // Not stored (a StorageError, answered 503): undone, so that the store's retry does not store it later.
      if (old) this.state.jobs[job.name] = old;
      else delete this.state.jobs[job.name];
      this.state.edges = edges;
      throw e;
    }
  }

  /** Deletes a job: its children take its parents (or, having none left, its schedule), its tasks are killed. */
  async delete(name: string): Promise<void> {
    const job = this.job(name);
    for (const childName of childrenOf(this.state, name)) {
      const child = this.state.jobs[childName];
      const parents = [...new Set([...child.parents!.filter((p) => p !== name), ...(job.parents ?? [])])];
      if (parents.length) child.parents = parents;
      else {
        delete child.parents;
        Object.assign(child, { schedule: job.schedule, scheduleTimeZone: job.scheduleTimeZone ?? '' });
      }
      rewireEdges(this.state, childName, child.parents ?? []);
    }
    this.scheduler.killTasksOf(name);
    this.scheduler.runs.forget(name);
    rewireEdges(this.state, name, []);
    delete this.state.jobs[name];
    delete this.state.history[name];
    delete this.state.skipped[name];
    await this.changed();
  }

  /** PUT /v1/scheduler/job/<name>: a run now, with the job's arguments or the ones given. */
  async runNow(name: string, args?: string): Promise<void> {
    const job = this.job(name);
    const run = this.scheduler.runs.enqueue(job, Date.now(), 0, args?.trim() ? args : undefined);
    // Task ids name sandbox directories on the agents.
    if (Buffer.byteLength(run.taskId) > MAX_TASK_ID_BYTES) {
      this.scheduler.runs.unqueue(run);
      throw new Refusal('invalid', `'arguments': the task id ${run.taskId.slice(0, 60)}… would be longer than ${MAX_TASK_ID_BYTES} bytes`);
    }
    await this.changed();
  }

  /** PUT /v1/scheduler/job/success/<name>: counted as a successful run; its ready children run. */
  async markSuccess(name: string): Promise<boolean> {
    const job = this.state.jobs[name];
    if (!job) return false;
    this.scheduler.runs.succeeded(job, Date.now());
    await this.changed();
    return true;
  }

  /** PUT /v1/scheduler/task/<taskId>: an async job's run reports how it ended (statusCode 0: success). */
  async report(taskId: string, statusCode: number): Promise<void> {
    const task = this.state.running[taskId];
    if (!task) throw new Refusal('not_found', `Task '${taskId}' is not running`);
    this.scheduler.runs.ended(task, statusCode === 0 ? 'success' : 'failure', Date.now());
    await this.changed();
  }

  /** DELETE /v1/scheduler/task/kill/<name>: kills its tasks and forgets its queued runs. */
  async killTasks(name: string): Promise<void> {
    this.job(name);
    this.scheduler.killTasksOf(name);
    this.state.queue = this.state.queue.filter((r) => r.job !== name);
    await this.changed();
  }

  list(): Job[] {
    return Object.values(this.state.jobs);
  }

  summary() {
    const runState = runStates(this.state);
    return {
      jobs: this.list().map((j) => ({
        name: j.name, status: lastStatus(j), state: runState(j.name), schedule: j.schedule ?? '', parents: j.parents ?? [], disabled: j.disabled,
      })),
    };
  }

  /** Chronos' search: name and command contain the terms (case-insensitive), or `any` is in either; `limit` (10) from `offset` (0). */
  search(q: { name?: string; command?: string; any?: string; limit: number; offset: number }): Job[] {
    const has = (text: string, term?: string) => !term || text.toLowerCase().includes(term.toLowerCase());
    return this.list()
      .filter((j) => (has(j.name, q.name) && has(j.command, q.command)) || (!!q.any && (has(j.name, q.any) || has(j.command, q.any))))
      .slice(q.offset, q.offset + q.limit);
  }

  /** GET /v1/scheduler/job/stat/<name>: run-time percentiles of its recent tasks and their history. */
  stat(name: string) {
    this.job(name);
    const history = this.state.history[name] ?? [];
    const seconds = history.filter((t) => t.status === 'success').map((t) => (Date.parse(t.endTime) - Date.parse(t.startTime)) / 1000).sort((a, b) => a - b);
    const at = (q: number) => (seconds.length ? seconds[Math.min(seconds.length - 1, Math.floor(q * seconds.length))] : 0);
    return {
      histogram: {
        '75thPercentile': at(0.75), '95thPercentile': at(0.95), '98thPercentile': at(0.98), '99thPercentile': at(0.99),
        median: at(0.5), mean: seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : 0, count: seconds.length,
      },
      taskStatHistory: [...history].reverse().map((t) => ({ ...t, duration: (Date.parse(t.endTime) - Date.parse(t.startTime)) / 1000 })),
    };
  }

  private async changed(): Promise<void> {
    await this.scheduler.store.save();
    this.scheduler.requestPass();
  }
}
