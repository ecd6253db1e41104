// A Chronos job as the REST API shows it and the store keeps it: Chronos' field names, in the order its
// serializer writes them, with their defaults. A scheduled job has `schedule`, a dependent job `parents`.
// Task ids are Chronos': `ct:<due millis>:<attempt>:<job>:<arguments>`.

export interface EnvironmentVariable { name: string; value: string }
export interface Fetch { uri: string; executable: boolean; cache: boolean; extract: boolean; output_file?: string }
export type ConstraintOperator = 'EQUALS' | 'LIKE' | 'UNLIKE';
export type JobConstraint = [attribute: string, operator: ConstraintOperator, value: string];
export interface JobContainer {
  type: 'DOCKER' | 'MESOS';
  image: string;
  network?: string;
  forcePullImage: boolean;
  volumes: Array<{ containerPath: string; hostPath?: string; mode?: string }>;
  parameters: Array<{ key: string; value: string }>;
}

export interface Job {
  name: string;
  command: string;
  shell: boolean;
  executor: string;
  executorFlags: string;
  taskInfoData: string;
  retries: number;
  owner: string;
  ownerName: string;
  description: string;
  successCount: number;
  errorCount: number;
  lastSuccess: string;
  lastError: string;
  cpus: number;
  disk: number;
  mem: number;
  disabled: boolean;
  softError: boolean;
  dataProcessingJobType: boolean;
  errorsSinceLastSuccess: number;
  fetch: Fetch[];
  uris: string[];
  environmentVariables: EnvironmentVariable[];
  arguments: string[];
  highPriority: boolean;
  runAsUser: string;
  concurrent: boolean;
  async: boolean;
  maxCompletionTime: number;
  container?: JobContainer;
  constraints: JobConstraint[];
  parents?: string[];
  schedule?: string;
  scheduleTimeZone?: string;
  /** How late a run may start (ISO 8601 duration); a run that cannot start by then is skipped. */
  epsilon: string;
}

/** Fields a client never sets: kept from the stored job when it is replaced. */
export const COUNTERS = ['successCount', 'errorCount', 'lastSuccess', 'lastError', 'errorsSinceLastSuccess'] as const;

/** Chronos' job names: word characters, dots and dashes. */
export const JOB_NAME = /^[\w.-]+$/;

/** What a run was, as its last result says: Chronos' summary `status` (and the csv graph's). */
export function lastStatus(job: Job): 'success' | 'failure' | 'fresh' {
  if (!job.lastSuccess && !job.lastError) return 'fresh';
  if (!job.lastSuccess) return 'failure';
  if (!job.lastError) return 'success';
  return Date.parse(job.lastSuccess) > Date.parse(job.lastError) ? 'success' : 'failure';
}

export interface TaskIdParts { due: number; attempt: number; job: string; args: string }

/** Chronos' task id; `;` is left out of the arguments, as Chronos filters it against command injection. */
export function taskId(job: string, due: number, attempt: number, args: string): string {
  return `ct:${due}:${attempt}:${job}:${args.replace(/;/g, '')}`;
}

export function parseTaskId(id: string): TaskIdParts | undefined {
  const m = /^ct:(\d+):(\d+):([\w.-]+):?(.*)$/s.exec(id);
  return m ? { due: Number(m[1]), attempt: Number(m[2]), job: m[3], args: m[4] } : undefined;
}
