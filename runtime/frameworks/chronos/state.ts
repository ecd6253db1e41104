// What the job framework knows and persists (runtime/frameworks/store.ts keeps it durable): the jobs
// with their counters, the dependency graph's edge counts (Chronos held these in memory only and lost
// them on a leader change), the runs waiting for an offer, the tasks running, recent task history and
// skipped runs per job, and the framework id.
import type { TaskState } from '../../common/protocol/v1';
import type { StateShape } from '../store';
import type { Job } from './job';

/** A run waiting for an offer. */
export interface QueuedRun {
  taskId: string;
  job: string;
  /** When it was due (also in its task id): it is skipped once older than the job's epsilon. */
  due: number;
  /** Not offered before this (a retry's delay). */
  notBefore: number;
}

export interface RunningTask {
  taskId: string;
  job: string;
  agentId: string;
  host: string;
  state: TaskState;
  launchedAt: number;
  /** Killed on purpose: its end counts neither as a success nor as a failure. */
  killing?: boolean;
  /** Killed for running longer than the job's maxCompletionTime: its end counts as a failure. */
  overdue?: boolean;
  /** An async job's task that finished: the run ends when the job reports (PUT /v1/scheduler/task/<id>). */
  awaitingReport?: boolean;
}

/** One ended task, as GET /v1/scheduler/job/stat/<job> lists them. */
export interface TaskStat {
  taskId: string;
  jobName: string;
  slaveId: string;
  startTime: string;
  endTime: string;
  status: 'success' | 'failure' | 'killed';
}

export interface ChronosState {
  frameworkId?: string;
  jobs: Record<string, Job>;
  /** Parent successes counted per edge (`<parent> <child>`) since the child last ran: a child with several parents runs when each edge has counted. */
  edges: Record<string, number>;
  queue: QueuedRun[];
  running: Record<string, RunningTask>;
  history: Record<string, TaskStat[]>;
  skipped: Record<string, number>;
}

export const HISTORY_LENGTH = 20;

export const CHRONOS_STATE: StateShape<ChronosState> = {
  empty: () => ({ jobs: {}, edges: {}, queue: [], running: {}, history: {}, skipped: {} }),
  summary: (s) => `${Object.keys(s.jobs).length} jobs, ${s.queue.length} queued runs, ${Object.keys(s.running).length} running tasks`,
};

/** Chronos' summary `state` of every job: `idle`, `queued`, or `N running` (one walk over the runs, for views of many jobs). */
export function runStates(state: ChronosState): (job: string) => string {
  const running = new Map<string, number>();
  for (const t of Object.values(state.running)) running.set(t.job, (running.get(t.job) ?? 0) + 1);
  const queued = new Set(state.queue.map((r) => r.job));
  return (job) => (running.has(job) ? `${running.get(job)} running` : queued.has(job) ? 'queued' : 'idle');
}
