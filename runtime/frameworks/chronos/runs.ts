// The runs of jobs, on the framework's state (no I/O, `now` given): scheduled occurrences that fall due
// are queued (or skipped when older than the job's epsilon), queued runs wait for offers in order
// (high priority, then due time; a job that is not `concurrent` runs one task at a time), and an ended
// task counts: success (children that are ready run), failure (retried up to `retries` times after
// --failure_retry, then an error), or a kill (neither).
import { DateTime } from 'luxon';
import type { Logger } from '../../common/log';
import type { TaskState } from '../../common/protocol/v1';
import { readyChildren, resetEdges } from './graph';
import { parseTaskId, taskId, type Job } from './job';
import { advance, formatSchedule, isDue, millis, parseDuration, parseSchedule, type Schedule } from './schedule';
import { HISTORY_LENGTH, type ChronosState, type QueuedRun, type RunningTask } from './state';

export interface RunPolicy {
  /** How long a failed run waits before its retry. */
  failureRetryMs: number;
  /** Disable a job after this many errors since its last success (0: never). */
  disableAfterFailures: number;
}

const FAILED: ReadonlySet<TaskState> = new Set<TaskState>(['TASK_FAILED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);

export type Outcome = 'success' | 'failure' | 'killed';

/** How a task's terminal state counts; undefined while it has not ended (TASK_UNREACHABLE may come back). */
export function outcomeOf(task: RunningTask, state: TaskState): Outcome | undefined {
  if (state === 'TASK_FINISHED') return 'success';
  if (state === 'TASK_KILLED') return task.overdue ? 'failure' : 'killed';
  if (FAILED.has(state)) return task.killing && !task.overdue ? 'killed' : 'failure';
  return undefined;
}

/** Epsilons as milliseconds, by their text: every pass looks at every queued run's. */
const epsilons = new Map<string, number>();
function epsilonMs(job: Job): number {
  let ms = epsilons.get(job.epsilon);
  if (ms === undefined) epsilons.set(job.epsilon, (ms = millis(parseDuration(job.epsilon))));
  return ms;
}

export class Runs {
  /** Runs queued so far: offers are revived for new ones (a REVIVE also clears the filters of declined offers). */
  queuedCount = 0;
  /** Each scheduled job's schedule as last read, with the text it was read from: a pass reads only what changed. */
  private readonly schedules = new Map<string, { text: string; schedule: Schedule }>();

  constructor(private readonly state: ChronosState, private readonly policy: RunPolicy, private readonly log: Logger) {}

  /** Queues a run of `job` due at `due` (a dependent job's parents count from zero again). */
  enqueue(job: Job, due: number, attempt = 0, args = job.arguments.join(' '), notBefore = due): QueuedRun {
    const run: QueuedRun = { taskId: taskId(job.name, due, attempt, args), job: job.name, due, notBefore };
    this.state.queue.push(run);
    this.queuedCount++;
    if (job.parents) resetEdges(this.state, job.name);
    return run;
  }

  /**
   * Takes the occurrences of scheduled jobs due at `now`: each is queued, or skipped (and counted) when
   * it is older than the job's epsilon, as after a downtime. Returns how many it took, and when the next one falls due.
   */
  takeDue(now: number): { taken: number; next?: number } {
    let next: number | undefined;
    let taken = 0;
    const at = DateTime.fromMillis(now);
    for (const job of Object.values(this.state.jobs)) {
      if (!job.schedule || job.disabled) continue;
      let s = this.scheduleOf(job);
      if (isDue(s, at)) {
        const due = s.start.toMillis();
        if (now - due > epsilonMs(job)) this.skip(job.name, `its occurrence due at ${s.start.toISO()} was missed by more than ${job.epsilon}`);
        else this.enqueue(job, due);
        s = advance(s, at);
        job.schedule = formatSchedule(s);
        this.schedules.set(job.name, { text: `${job.schedule} ${job.scheduleTimeZone}`, schedule: s });
        taken++;
      }
      if (s.recurrences !== 0) next = Math.min(next ?? Infinity, s.start.toMillis());
    }
    return { taken, next };
  }

  /** Drops queued runs whose job went or was disabled, and those that could not start within their job's epsilon (counted as skipped); returns how many. */
  expire(now: number): number {
    const before = this.state.queue.length;
    this.state.queue = this.state.queue.filter((run) => {
      const job = this.state.jobs[run.job];
      if (!job || job.disabled) return false;
      if (now - run.notBefore <= epsilonMs(job)) return true;
      this.skip(job.name, `${run.taskId} could not start within ${job.epsilon}`);
      return false;
    });
    return before - this.state.queue.length;
  }

  /** The queued runs that may start now, in the order offers go to them. */
  launchable(now: number): QueuedRun[] {
    const busy = new Set(Object.values(this.state.running).map((t) => t.job));
    const order = (r: QueuedRun) => (this.state.jobs[r.job]?.highPriority ? 0 : 1);
    const ready = this.state.queue.filter((r) => r.notBefore <= now && this.state.jobs[r.job])
      .sort((a, b) => order(a) - order(b) || a.due - b.due);
    return ready.filter((r) => {
      if (this.state.jobs[r.job].concurrent) return true;
      if (busy.has(r.job)) return false;
      busy.add(r.job);
      return true;
    });
  }

  /** When the next queued run may start (a retry's delay), if any waits for time rather than offers. */
  nextNotBefore(now: number): number | undefined {
    const later = this.state.queue.map((r) => r.notBefore).filter((t) => t > now);
    return later.length ? Math.min(...later) : undefined;
  }

  launched(run: QueuedRun, agentId: string, host: string, now: number): void {
    this.state.queue = this.state.queue.filter((r) => r !== run);
    this.state.running[run.taskId] = { taskId: run.taskId, job: run.job, agentId, host, state: 'TASK_STAGING', launchedAt: now };
  }

  /** A task ended with `outcome`: counts it, and queues what follows (a retry, ready children). */
  ended(task: RunningTask, outcome: Outcome, now: number): void {
    delete this.state.running[task.taskId];
    const job = this.state.jobs[task.job];
    const history = (this.state.history[task.job] ??= []);
    history.push({ taskId: task.taskId, jobName: task.job, slaveId: task.agentId, startTime: new Date(task.launchedAt).toISOString(), endTime: new Date(now).toISOString(), status: outcome });
    if (history.length > HISTORY_LENGTH) history.shift();
    if (!job || outcome === 'killed') return;
    if (outcome === 'success') return this.succeeded(job, now);
    const { attempt, args } = parseTaskId(task.taskId)!;
    if (attempt < job.retries) {
      const due = now + this.policy.failureRetryMs;
      this.log.info(`${task.taskId} failed; retry ${attempt + 1} of ${job.retries} in ${this.policy.failureRetryMs}ms`);
      this.enqueue(job, due, attempt + 1, args);
      return;
    }
    job.errorCount++;
    job.errorsSinceLastSuccess++;
    job.lastError = new Date(now).toISOString();
    if (this.policy.disableAfterFailures > 0 && job.errorsSinceLastSuccess >= this.policy.disableAfterFailures) {
      this.log.warn(`Disabling job ${job.name} after ${job.errorsSinceLastSuccess} failures since its last success`);
      job.disabled = true;
    }
    if (job.softError) this.runChildren(job, now);
  }

  /** A success, run or marked (PUT /v1/scheduler/job/success/<job>): counted, and the children that are ready run. */
  succeeded(job: Job, now: number): void {
    job.successCount++;
    job.errorsSinceLastSuccess = 0;
    job.lastSuccess = new Date(now).toISOString();
    // As Chronos, a scheduled job whose repetitions are used up is disabled (once no run of it waits).
    const usedUp = job.schedule && this.scheduleOf(job).recurrences === 0;
    if (usedUp && !this.state.queue.some((r) => r.job === job.name)) job.disabled = true;
    this.runChildren(job, now);
  }

  private runChildren(job: Job, now: number): void {
    for (const child of readyChildren(this.state, job.name)) {
      const c = this.state.jobs[child];
      if (!c.disabled) this.enqueue(c, now);
    }
  }

  /** Takes back a run just queued (refused before it was stored). */
  unqueue(run: QueuedRun): void {
    this.state.queue = this.state.queue.filter((r) => r !== run);
  }

  /** A job went: its queued runs and what is known of its schedule. */
  forget(job: string): void {
    this.state.queue = this.state.queue.filter((r) => r.job !== job);
    this.schedules.delete(job);
  }

  private scheduleOf(job: Job): Schedule {
    const text = `${job.schedule} ${job.scheduleTimeZone}`;
    const known = this.schedules.get(job.name);
    if (known?.text === text) return known.schedule;
    const schedule = parseSchedule(job.schedule!, job.scheduleTimeZone);
    this.schedules.set(job.name, { text, schedule });
    return schedule;
  }

  private skip(job: string, why: string): void {
    this.state.skipped[job] = (this.state.skipped[job] ?? 0) + 1;
    this.log.warn(`Skipping a run of ${job}: ${why}`);
  }
}
