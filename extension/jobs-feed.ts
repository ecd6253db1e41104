// The job framework's jobs with their summaries (status, state), read when something may have changed
// them: the session starting, a task event at the master (a run started or ended), a command of ours, a
// refresh; debounced, one read at a time. Chronos has no event stream of its own; the master's is it.
import type { ChronosClient, ChronosJob, JobSummary } from '../runtime/client/chronos';

export interface JobStatus { job: ChronosJob; summary?: JobSummary }

export class JobsFeed {
  jobs?: Map<string, JobStatus>;
  private timer?: NodeJS.Timeout;
  private reading = false;
  private wanted = false;
  private closed = false;

  constructor(private readonly chronos: ChronosClient, private readonly onChange: () => void,
    private readonly warn: (message: string) => void, private readonly debounceMs = 100) {
    this.refresh();
  }

  refresh(): void {
    if (this.closed) return;
    this.wanted = true;
    this.timer ??= setTimeout(() => { this.timer = undefined; void this.read(); }, this.debounceMs);
  }

  private async read(): Promise<void> {
    if (this.reading || !this.wanted || this.closed) return;
    this.wanted = false;
    this.reading = true;
    try {
      const [jobs, summaries] = await Promise.all([this.chronos.jobs(), this.chronos.summary()]);
      const byName = new Map(summaries.map((s) => [s.name, s]));
      this.jobs = new Map(jobs.map((job) => [job.name, { job, summary: byName.get(job.name) }]));
      if (!this.closed) this.onChange();
    } catch (e) {
      // The next task event or refresh asks again.
      this.warn(`Reading the jobs failed: ${(e as Error).message}`);
    } finally {
      this.reading = false;
      if (this.wanted) this.refresh();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
