// Reads a job definition as POST /v1/scheduler/iso8601 and /v1/scheduler/dependency take it: Chronos'
// fields with its defaults (cpus, mem and disk from the daemon's --mesos_task_* flags, epsilon from
// --task_epsilon). Anything wrong is a Refusal whose message names the field; api/ answers it 400.
import { Refusal } from '../../common/refusal';
import * as v from '../../common/validate';
import { JOB_NAME, taskId, type ConstraintOperator, type Fetch, type Job, type JobConstraint, type JobContainer } from './job';
import { formatSchedule, isValidTimeZone, parseDuration, parseSchedule, ScheduleError, type Schedule } from './schedule';

export interface JobDefaults { cpus: number; mem: number; disk: number; epsilonSeconds: number }

export type JobKind = 'scheduled' | 'dependent';

const MAX_NAME = 200;

const invalid = (message: string) => new Refusal('invalid', message);

/** A number, or a string holding one (Chronos' own examples send "cpus": "0.5"). */
function amount(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw invalid(`'${field}' must be a number greater than 0, got ${JSON.stringify(value)}`);
  return n;
}

function count(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`'${field}' must be a whole number of 0 or more, got ${JSON.stringify(value)}`);
  return value;
}

const text = (value: unknown, field: string): string => (value === undefined || value === null ? '' : v.string(value, field));
const flag = (value: unknown, field: string, fallback: boolean): boolean => v.boolean(value === null ? undefined : value, field) ?? fallback;
const strings = (value: unknown, field: string): string[] => v.optionalArray(value ?? undefined, field).map((s, i) => v.string(s, `${field}[${i}]`));

const OPERATORS: ConstraintOperator[] = ['EQUALS', 'LIKE', 'UNLIKE'];

function constraints(value: unknown): JobConstraint[] {
  return v.optionalArray(value ?? undefined, 'constraints').map((c, i) => {
    const field = `constraints[${i}]`;
    const parts = v.array(c, field);
    if (parts.length !== 3) throw invalid(`'${field}' must be [attribute, operator, value]`);
    const attribute = v.string(parts[0], `${field}[0]`);
    const operator = v.oneOf(parts[1], OPERATORS, `${field}[1]`);
    const param = v.string(parts[2], `${field}[2]`);
    if (operator !== 'EQUALS') {
      try {
        new RegExp(param);
      } catch (e) {
        throw invalid(`'${field}[2]' is not a regular expression: ${(e as Error).message}`);
      }
    }
    return [attribute, operator, param];
  });
}

function container(value: unknown): JobContainer | undefined {
  const c = v.optionalObject(value ?? undefined, 'container');
  if (!c) return undefined;
  const image = v.string(c.image, 'container.image');
  if (!image) throw invalid("'container.image' must not be empty");
  return {
    type: c.type === undefined ? 'DOCKER' : v.oneOf(c.type, ['DOCKER', 'MESOS'] as const, 'container.type'),
    image,
    ...(c.network !== undefined ? { network: v.string(c.network, 'container.network') } : {}),
    forcePullImage: flag(c.forcePullImage, 'container.forcePullImage', false),
    volumes: v.optionalArray(c.volumes, 'container.volumes').map((vol, i) => {
      const o = v.object(vol, `container.volumes[${i}]`);
      return {
        containerPath: v.string(o.containerPath, `container.volumes[${i}].containerPath`),
        ...(o.hostPath !== undefined ? { hostPath: v.string(o.hostPath, `container.volumes[${i}].hostPath`) } : {}),
        ...(o.mode !== undefined ? { mode: v.oneOf(o.mode, ['RO', 'RW'] as const, `container.volumes[${i}].mode`) } : {}),
      };
    }),
    parameters: v.optionalArray(c.parameters, 'container.parameters').map((p, i) => {
      const o = v.object(p, `container.parameters[${i}]`);
      return { key: v.string(o.key, `container.parameters[${i}].key`), value: v.string(o.value, `container.parameters[${i}].value`) };
    }),
  };
}

function fetches(value: unknown): Fetch[] {
  return v.optionalArray(value ?? undefined, 'fetch').map((f, i) => {
    const o = v.object(f, `fetch[${i}]`);
    return {
      uri: v.string(o.uri, `fetch[${i}].uri`),
      executable: flag(o.executable, `fetch[${i}].executable`, false),
      cache: flag(o.cache, `fetch[${i}].cache`, false),
      extract: flag(o.extract, `fetch[${i}].extract`, true),
      ...(o.output_file !== undefined ? { output_file: v.string(o.output_file, `fetch[${i}].output_file`) } : {}),
    };
  });
}

/** The job a request body defines (counters zero: the caller keeps a replaced job's). Parents are checked against the graph by the caller. */
export function parseJob(body: Record<string, unknown>, kind: JobKind, defaults: JobDefaults): Job {
  try {
    return readJob(body, kind, defaults);
  } catch (e) {
    if (e instanceof v.ValidationError) throw invalid(e.message);
    throw e;
  }
}

function readJob(b: Record<string, unknown>, kind: JobKind, defaults: JobDefaults): Job {
  const name = v.string(b.name, 'name');
  if (!JOB_NAME.test(name)) throw invalid(`'name' must match ${JOB_NAME.source} (letters, digits, '_', '.', '-'), got ${JSON.stringify(name)}`);
  // Task ids (`ct:<millis>:<attempt>:<name>:<arguments>`) name sandbox directories: at most 255 bytes.
  if (name.length > MAX_NAME) throw invalid(`'name' must be at most ${MAX_NAME} characters, got ${name.length}`);
  const image = container(b.container);
  const command = text(b.command, 'command');
  if (!command && !image) throw invalid("'command' must not be empty (only a job with a 'container' may leave it out)");
  const fetch = fetches(b.fetch);
  const uris = strings(b.uris, 'uris');
  if (fetch.length && uris.length) throw invalid("'uris' (deprecated) and 'fetch' must not both be given");
  const epsilon = b.epsilon === undefined || b.epsilon === null || b.epsilon === '' ? `PT${defaults.epsilonSeconds}S` : v.string(b.epsilon, 'epsilon');
  try {
    parseDuration(epsilon);
  } catch (e) {
    throw invalid(`'epsilon': ${(e as Error).message}`);
  }
  const job: Job = {
    name, command,
    shell: flag(b.shell, 'shell', true),
    executor: text(b.executor, 'executor'),
    executorFlags: text(b.executorFlags, 'executorFlags'),
    taskInfoData: text(b.taskInfoData, 'taskInfoData'),
    retries: count(b.retries, 'retries', 2),
    owner: text(b.owner, 'owner'),
    ownerName: text(b.ownerName, 'ownerName'),
    description: text(b.description, 'description'),
    successCount: 0, errorCount: 0, lastSuccess: '', lastError: '',
    cpus: amount(b.cpus, 'cpus', defaults.cpus),
    disk: amount(b.disk, 'disk', defaults.disk),
    mem: amount(b.mem, 'mem', defaults.mem),
    disabled: flag(b.disabled, 'disabled', false),
    softError: flag(b.softError, 'softError', false),
    dataProcessingJobType: flag(b.dataProcessingJobType, 'dataProcessingJobType', false),
    errorsSinceLastSuccess: 0,
    fetch, uris,
    environmentVariables: v.optionalArray(b.environmentVariables ?? undefined, 'environmentVariables').map((e, i) => {
      const o = v.object(e, `environmentVariables[${i}]`);
      return { name: v.string(o.name, `environmentVariables[${i}].name`), value: v.string(o.value, `environmentVariables[${i}].value`) };
    }),
    arguments: strings(b.arguments, 'arguments'),
    highPriority: flag(b.highPriority, 'highPriority', false),
    runAsUser: text(b.runAsUser, 'runAsUser'),
    concurrent: flag(b.concurrent, 'concurrent', false),
    async: flag(b.async, 'async', false),
    maxCompletionTime: count(b.maxCompletionTime, 'maxCompletionTime', 0),
    ...(image ? { container: image } : {}),
    constraints: constraints(b.constraints),
    epsilon,
  };
  if (Buffer.byteLength(taskId(name, Date.now(), job.retries, job.arguments.join(' '))) > 255) throw invalid("'arguments': with the job's name they make task ids longer than 255 bytes (task ids name sandbox directories)");
  if (kind === 'dependent') {
    if (b.schedule !== undefined && b.schedule !== null && b.schedule !== '') throw invalid("'schedule' must not be given to a dependent job (POST it to /v1/scheduler/iso8601 instead)");
    const parents = strings(b.parents, 'parents');
    if (parents.length === 0) throw invalid("'parents' must name at least one job");
    return { ...job, parents: [...new Set(parents)] };
  }
  if (b.parents !== undefined && b.parents !== null && (!Array.isArray(b.parents) || b.parents.length)) throw invalid("'parents' must not be given to a scheduled job (POST it to /v1/scheduler/dependency instead)");
  const schedule = v.string(b.schedule, 'schedule');
  const scheduleTimeZone = text(b.scheduleTimeZone, 'scheduleTimeZone');
  if (scheduleTimeZone && !isValidTimeZone(scheduleTimeZone)) throw invalid(`'scheduleTimeZone': '${scheduleTimeZone}' is not a tz database time zone such as Europe/Berlin`);
  let parsed: Schedule;
  try {
    parsed = parseSchedule(schedule, scheduleTimeZone);
    if (parsed.start.toMillis() < 1000) throw new ScheduleError(`the start '${parsed.start.toISO()}' is before 1970`);
  } catch (e) {
    if (e instanceof ScheduleError) throw invalid(`'schedule': cannot parse '${schedule}': ${e.message}`);
    throw e;
  }
  // An empty start means now: the time of this request, not of each later reading.
  return { ...job, schedule: schedule.split('/')[1] === '' ? formatSchedule(parsed) : schedule, scheduleTimeZone };
}
