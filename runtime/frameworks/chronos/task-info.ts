// A job's run as Mesos' TaskInfo (Chronos' task name, command or argv, its environment, fetch URIs,
// container), and whether an offer's agent and resources can take it (EQUALS / LIKE / UNLIKE
// constraints on attributes and the hostname, cpus / mem / disk).
import type { CommandInfo, Offer, Resource, TaskInfo } from '../../common/protocol/v1';
import { fieldValue, fullMatch, takeScalar, type Placement } from '../placement';
import { parseTaskId, type Job, type JobConstraint } from './job';

/** Chronos applies LIKE and UNLIKE to each element of a set attribute, too. */
function meets([attribute, operator, param]: JobConstraint, at: Placement): boolean {
  const value = fieldValue(attribute, at);
  const values = value?.startsWith('{') && value.endsWith('}') ? value.slice(1, -1).split(',') : value === undefined ? [] : [value];
  switch (operator) {
    case 'EQUALS': return value === param;
    case 'LIKE': return values.some((x) => fullMatch(param, x));
    case 'UNLIKE': return !values.some((x) => fullMatch(param, x));
  }
}

/** What a run of `job` takes from `pool` on `offer`'s agent, or undefined when it cannot go there. */
export function matchOffer(job: Job, offer: Offer, pool: Resource[]): Resource[] | undefined {
  if (!job.constraints.every((c) => meets(c, { hostname: offer.hostname, attributes: offer.attributes }))) return undefined;
  const taken: Resource[] = [];
  for (const name of ['cpus', 'mem', 'disk'] as const) {
    const part = takeScalar(pool, name, job[name]);
    if (!part) return undefined;
    taken.push(...part);
  }
  return taken;
}

export function taskInfo(job: Job, id: string, offer: Offer, resources: Resource[]): TaskInfo {
  const { due, attempt, args } = parseTaskId(id)!;
  const variables: Record<string, string> = {
    mesos_task_id: id, MESOS_TASK_ID: id, CHRONOS_JOB_OWNER: job.owner, CHRONOS_JOB_NAME: job.name, HOST: offer.hostname,
    CHRONOS_RESOURCE_MEM: String(job.mem), CHRONOS_RESOURCE_CPU: String(job.cpus), CHRONOS_RESOURCE_DISK: String(job.disk),
    CHRONOS_JOB_RUN_TIME: new Date(due).toISOString(), CHRONOS_JOB_RUN_ATTEMPT: String(attempt),
  };
  for (const { name, value } of job.environmentVariables) variables[name] = value;
  const uris = [...job.fetch.map((f) => ({ value: f.uri, executable: f.executable, extract: f.extract, cache: f.cache, ...(f.output_file ? { output_file: f.output_file } : {}) })),
    ...job.uris.map((value) => ({ value }))];
  // The run's arguments, as its task id carries them (the job's, or those of PUT /v1/scheduler/job/<name>?arguments=),
  // follow the command, as Chronos appends them.
  const argv = args ? args.split(' ') : [];
  const command: CommandInfo = {
    ...(job.shell ? { shell: true, value: args ? `${job.command} ${args}` : job.command } : { shell: false, value: job.command, arguments: [job.command, ...argv] }),
    environment: { variables: Object.entries(variables).map(([name, value]) => ({ name, value })) },
    ...(uris.length ? { uris } : {}),
    ...(job.runAsUser ? { user: job.runAsUser } : {}),
  };
  return {
    name: `ChronosTask:${job.name}`,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources,
    command,
    ...(job.container ? { container: mesosContainer(job.container) } : {}),
    ...(job.taskInfoData ? { data: Buffer.from(job.taskInfoData).toString('base64') } : {}),
  };
}

function mesosContainer(c: NonNullable<Job['container']>) {
  const volumes = c.volumes.map((v) => ({ container_path: v.containerPath, ...(v.hostPath ? { host_path: v.hostPath } : {}), mode: v.mode ?? 'RW' }));
  if (c.type === 'MESOS') return { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: c.image } } }, volumes };
  return {
    type: 'DOCKER', volumes,
    docker: { image: c.image, force_pull_image: c.forcePullImage, ...(c.network ? { network: c.network } : {}), parameters: c.parameters },
  };
}
