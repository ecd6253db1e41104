// The job framework itself: subscribes through the scheduler SDK (PARTITION_AWARE, failover_timeout,
// checkpointed), wakes when a scheduled run falls due (a timer at the next due time), wants offers only
// while a run waits for one (REVIVE then, SUPPRESS once none waits), launches queued runs on offers and
// declines the rest with a filter, follows status updates into the jobs' counters (acknowledging each
// once the change it made is stored), kills runs past maxCompletionTime, and reconciles.
import type { Logger } from '../../common/log';
import { isTerminalState, type Offer, type TaskInfo, type TaskStatus } from '../../common/protocol/v1';
import { subtract } from '../../common/resources';
import { FrameworkScheduler, type FrameworkOptions } from '../framework-scheduler';
import type { StateStore } from '../store';
import { parseTaskId } from './job';
import { outcomeOf, Runs, type RunPolicy } from './runs';
import type { ChronosState, QueuedRun } from './state';
import { matchOffer, taskInfo } from './task-info';

const KILL_RETRY_MS = 10_000;
/** The longest a due-time timer waits: a clock that jumps is noticed by then. */
const MAX_WAIT_MS = 60_000;

export class ChronosScheduler extends FrameworkScheduler<ChronosState> {
  readonly runs: Runs;
  /** Runs.queuedCount when offers were last revived. */
  private revivedFor = 0;
  private dueTimer?: NodeJS.Timeout;
  private readonly killsSent = new Map<string, number>();

  constructor(store: StateStore<ChronosState>, options: FrameworkOptions & RunPolicy, log: Logger) {
    super(store, options, log, []);
    this.runs = new Runs(store.state, options, log);
  }

  override stop(): void {
    clearTimeout(this.dueTimer);
    super.stop();
  }

  /** Kills the running tasks of a job (DELETE /v1/scheduler/task/kill/<job>, or a job deleted); their end counts as neither success nor failure. */
  killTasksOf(job: string): void {
    for (const t of Object.values(this.state.running)) {
      if (t.job !== job) continue;
      // Ended at Mesos already: only the async job's report was awaited.
      if (t.awaitingReport) this.runs.ended(t, 'killed', Date.now());
      else {
        t.killing = true;
        this.sendKill(t.taskId, t.agentId);
      }
    }
  }

  /** Queues what fell due, drops what waited too long, wants offers or not, and sets the timer for the next due time. */
  protected pass(): void {
    const now = Date.now();
    const due = this.runs.takeDue(now);
    if (due.taken + this.runs.expire(now) > 0) this.store.persist();
    const next = Math.min(due.next ?? Infinity, this.runs.nextNotBefore(now) ?? Infinity, now + MAX_WAIT_MS);
    clearTimeout(this.dueTimer);
    this.dueTimer = setTimeout(() => this.requestPass(), Math.max(0, next - Date.now()));
    this.dueTimer.unref();
    // A REVIVE for each new run also clears the filters its declined offers left.
    this.wantOffers(this.runs.launchable(now).length > 0, this.runs.queuedCount > this.revivedFor);
    this.revivedFor = this.runs.queuedCount;
  }

  protected knownTasks() {
    return Object.values(this.state.running).filter((t) => !t.awaitingReport).map((t) => ({ taskId: t.taskId, agentId: t.agentId }));
  }

  protected tick(now: number): void {
    for (const t of Object.values(this.state.running)) {
      const job = this.state.jobs[t.job];
      if (!t.killing && job?.maxCompletionTime && now - t.launchedAt > job.maxCompletionTime) {
        this.log.warn(`${t.taskId} ran longer than maxCompletionTime (${job.maxCompletionTime}ms): killing it`);
        t.killing = true;
        t.overdue = true;
      }
      if (t.killing && now - (this.killsSent.get(t.taskId) ?? 0) > KILL_RETRY_MS) this.sendKill(t.taskId, t.agentId);
    }
    // Queued runs expire with time alone.
    if (this.state.queue.length) this.requestPass();
  }

  private sendKill(taskId: string, agentId: string): void {
    this.killsSent.set(taskId, Date.now());
    // Sent again every KILL_RETRY_MS until the task ends (tick).
    this.driver.kill(taskId, agentId).catch((e: Error) => this.log.warn(`Killing ${taskId} failed (retried): ${e.message}`));
  }

  protected async onUpdate(status: TaskStatus): Promise<void> {
    const id = status.task_id.value;
    const task = this.state.running[id];
    if (task?.awaitingReport) {
      // Its task ended already; only the job's report ends the run.
    } else if (!task) {
      // A task of ours we no longer know (found by implicit reconciliation, or of a deleted job): Chronos kills it.
      if (parseTaskId(id) && !isTerminalState(status.state) && status.state !== 'TASK_UNKNOWN' && status.agent_id) {
        this.log.warn(`Killing unknown task ${id}`);
        this.sendKill(id, status.agent_id.value);
      }
    } else {
      const outcome = outcomeOf(task, status.state);
      if (outcome === 'success' && this.state.jobs[task.job]?.async) {
        // An async job says itself how its run ended.
        task.state = status.state;
        task.awaitingReport = true;
      } else if (outcome) {
        this.killsSent.delete(id);
        this.runs.ended(task, outcome, Date.now());
        this.log.info(`${id} ended ${status.state} (${outcome})`);
      } else {
        task.state = status.state;
      }
      this.requestPass();
    }
    // Acknowledged once what it changed is stored: unacknowledged, the agent sends it again after a crash.
    await this.store.save().catch(() => undefined);
    this.driver.acknowledge(status).catch(() => undefined);
  }

  protected async onOffers(offers: Offer[]): Promise<void> {
    const now = Date.now();
    const waiting = this.runs.launchable(now);
    const declined: string[] = [];
    for (const offer of offers) {
      let pool = offer.resources;
      const tasks: TaskInfo[] = [];
      const placed: QueuedRun[] = [];
      for (const run of waiting) {
        const job = this.state.jobs[run.job];
        const taken = job && matchOffer(job, offer, pool);
        if (!taken) continue;
        pool = subtract(pool, taken);
        tasks.push(taskInfo(job, run.taskId, offer, taken));
        placed.push(run);
      }
      if (tasks.length === 0) { declined.push(offer.id.value); continue; }
      waiting.splice(0, waiting.length, ...waiting.filter((r) => !placed.includes(r)));
      for (const run of placed) this.runs.launched(run, offer.agent_id.value, offer.hostname, now);
      this.driver.launch(offer, tasks).catch((e: Error) => {
        this.log.warn(`Launching on offer ${offer.id.value} failed: ${e.message}`);
        for (const t of tasks) this.guarded(`Dropping ${t.task_id.value}`, () => this.onUpdate({ task_id: t.task_id, state: 'TASK_DROPPED', message: e.message, agent_id: t.agent_id }));
      });
    }
    await this.decline(declined);
    this.store.persist();
    this.requestPass();
  }
}
