// The master's rules (Mesos' master/validation.cpp), checked once a call's JSON shape is known good
// (http/scheduler.ts parses it): FrameworkInfo on SUBSCRIBE and UPDATE_FRAMEWORK, the offers of an
// ACCEPT, and the tasks, executors and task groups it launches. Each returns a message naming the
// problem, or undefined when valid.
import { validateCheckInfo, validateHealthCheck } from '../common/checks';
import * as res from '../common/resources';
import type { ExecutorInfo, FrameworkInfo, Resource, TaskInfo } from '../common/protocol/v1';
import type { FrameworkRecord, OfferRecord } from './state';

// Mesos' validateID: ids become path components, so no separators, no control characters, at most NAME_MAX.
const ID_FORBIDDEN = /[/\\\u0000-\u001f\u007f]/;
const NAME_MAX = 255;

function validId(value: unknown): value is { value: string } {
  const v = (value as { value?: unknown } | undefined)?.value;
  return typeof v === 'string' && v.length > 0 && v.length <= NAME_MAX && v !== '.' && v !== '..' && !ID_FORBIDDEN.test(v);
}

const ID_RULE = "a non-empty string of at most 255 characters without '/', '\\' or control characters";

/** The master keeps these fields of every task (completed ones too), so one framework cannot grow it without bound. */
const MAX_RETAINED_TASK_BYTES = 64 * 1024;

export function validateTaskInfo(task: TaskInfo, inGroup: boolean): string | undefined {
  if (typeof task !== 'object' || task === null) return 'TaskInfo must be an object';
  if (!validId(task.task_id)) return `'task_id.value' must be ${ID_RULE}`;
  if (typeof task.name !== 'string') return `Task ${task.task_id.value}: 'name' must be a string`;
  if (!validId(task.agent_id)) return `Task ${task.task_id.value}: 'agent_id.value' is required`;
  const retained = JSON.stringify([task.name, task.labels, task.discovery, task.container, task.health_check, task.kill_policy]).length;
  if (retained > MAX_RETAINED_TASK_BYTES) return `Task ${task.task_id.value}: 'name', 'labels', 'discovery', 'container' and 'health_check' together exceed ${MAX_RETAINED_TASK_BYTES} bytes`;
  try {
    res.validateResources(task.resources ?? [], 'resources');
  } catch (e) {
    return `Task ${task.task_id.value}: ${(e as Error).message}`;
  }
  if (inGroup) {
    if (!task.command) return `Task ${task.task_id.value} in a task group must have 'command'`;
  } else if (!!task.command === !!task.executor) {
    return `Task ${task.task_id.value} should have at least one (but not both) of CommandInfo or ExecutorInfo present`;
  }
  const command = task.command;
  if (command) {
    if (command.shell !== false && typeof command.value !== 'string') return `Task ${task.task_id.value}: 'command.value' is required for a shell command`;
    // A Docker container without a command value runs its image's entrypoint (with the arguments).
    const docker = (task.container as { type?: string } | undefined)?.type === 'DOCKER';
    if (command.shell === false && typeof command.value !== 'string' && !docker) return `Task ${task.task_id.value}: 'command.value' must name the program when 'command.shell' is false`;
  }
  const healthCheckError = task.health_check !== undefined ? validateHealthCheck(task.health_check) : undefined;
  if (healthCheckError) return `Task ${task.task_id.value} uses invalid health check: ${healthCheckError}`;
  const checkError = task.check !== undefined ? validateCheckInfo(task.check) : undefined;
  if (checkError) return `Task ${task.task_id.value} uses invalid check: ${checkError}`;
  const container = unsupportedContainer(task.container ?? task.executor?.container);
  if (container) return `Task ${task.task_id.value}: ${container}`;
  return undefined;
}

/**
 * As Mesos checks a ContainerInfo: a DOCKER one names its image (the agent's docker containerizer runs
 * it, or fails the task when it has none); the mesos containerizer runs no images here (yet).
 */
function unsupportedContainer(container: unknown): string | undefined {
  const c = container as { type?: string; docker?: { image?: unknown }; mesos?: { image?: unknown } } | undefined;
  if (!c) return undefined;
  if (c.type === 'DOCKER' && typeof c.docker?.image !== 'string') return "DockerInfo 'docker' with an 'image' is required for a DOCKER typed ContainerInfo";
  if (c.mesos?.image) return 'container images are not supported yet by the mesos containerizer: use a DOCKER ContainerInfo (agents with --containerizers=docker,mesos)';
  return undefined;
}

export function validateExecutorInfo(executor: ExecutorInfo, frameworkId: string, forTaskGroup: boolean): string | undefined {
  if (typeof executor !== 'object' || executor === null) return 'ExecutorInfo must be an object';
  if (!validId(executor.executor_id)) return `'executor.executor_id.value' must be ${ID_RULE}`;
  if (executor.framework_id && executor.framework_id.value !== frameworkId) return `ExecutorInfo has an invalid FrameworkID ${executor.framework_id.value}`;
  try {
    res.validateResources(executor.resources ?? [], 'executor.resources');
  } catch (e) {
    return (e as Error).message;
  }
  if (forTaskGroup) {
    if (executor.type !== 'DEFAULT') return "'executor.type' must be DEFAULT for LAUNCH_GROUP";
    if (executor.command) return "'executor.command' must not be set for a DEFAULT executor";
  } else {
    if (executor.type === 'DEFAULT') return "A DEFAULT executor can only run task groups (use LAUNCH_GROUP)";
    if (typeof executor.command?.value !== 'string') return "'executor.command.value' is required for a custom executor";
  }
  return undefined;
}

/** FrameworkInfo rules Mesos checks on SUBSCRIBE and UPDATE_FRAMEWORK (its shape is http/scheduler.ts's parseFrameworkInfo). */
export function validateFrameworkInfo(info: FrameworkInfo, suppressedRoles: string[]): string | undefined {
  const multiRole = (info.capabilities ?? []).some((c) => c.type === 'MULTI_ROLE');
  if (multiRole && info.role !== undefined) return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
  if (!multiRole && info.roles !== undefined && info.roles.length > 0) return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
  const roles = multiRole ? info.roles ?? [] : [info.role ?? '*'];
  if (new Set(roles).size !== roles.length) return "'FrameworkInfo.roles' contains duplicate items";
  const outside = suppressedRoles.filter((r) => !roles.includes(r));
  if (outside.length) return `Suppressed roles { ${outside.join(', ')} } are not contained in the set of roles`;
  return undefined;
}

/**
 * The offers of an ACCEPT: outstanding, the framework's own, each named once, and (when several are
 * aggregated) of one agent and one role. Returns the offers found, and why they cannot be used if so.
 */
export function validateOffers(fw: FrameworkRecord, offerIds: string[], outstanding: ReadonlyMap<string, OfferRecord>): { offers: OfferRecord[]; error?: string } {
  const offers: OfferRecord[] = [];
  let error: string | undefined;
  for (const id of offerIds) {
    const record = outstanding.get(id);
    if (!record) error ??= `Offer ${id} is no longer valid`;
    else if (record.offer.framework_id.value !== fw.id) error ??= `Offer ${id} has invalid framework ${record.offer.framework_id.value} while framework ${fw.id} is expected`;
    else if (offers.includes(record)) error ??= `Duplicate offer ${id} in offer list`;
    else offers.push(record);
  }
  if (!error && offers.length === 0) error = 'No offers specified';
  if (!error && new Set(offers.map((o) => o.offer.agent_id.value)).size > 1) error = 'Aggregated offers must belong to one agent';
  if (!error && new Set(offers.map((o) => o.role)).size > 1) error = 'Aggregated offers must be allocated to the same role';
  return { offers, error };
}

/** What a task needs: its own resources and its executor's. */
export function taskResources(task: TaskInfo): Resource[] {
  return res.add(task.resources ?? [], task.executor?.resources ?? []);
}

/**
 * A task of a LAUNCH (or, inGroup, of a LAUNCH_GROUP) for the framework on the offers' agent: valid in
 * itself, new, on that agent, with an executor consistent with the one already running there, and
 * within `available` when given.
 */
export function validateTask(fw: FrameworkRecord, task: TaskInfo, agentId: string, available: Resource[] | undefined, inGroup = false): string | undefined {
  const error = validateTaskInfo(task, inGroup);
  if (error) return error;
  if (fw.tasks.has(task.task_id.value)) return `Task ${task.task_id.value} already exists`;
  if (task.agent_id.value !== agentId) return `Task uses agent ${task.agent_id.value} but the offer is for agent ${agentId}`;
  if (task.executor && !inGroup) {
    const err = validateExecutorInfo(task.executor, fw.id, false);
    if (err) return err;
    const known = fw.executors.get(agentId)?.get(task.executor.executor_id.value);
    if (known && JSON.stringify(known.command) !== JSON.stringify(task.executor.command)) {
      return `ExecutorInfo for ${task.executor.executor_id.value} differs from the one already running`;
    }
  }
  if (available && !res.contains(res.unallocate(available), res.unallocate(taskResources(task)))) {
    return `Task ${task.task_id.value} uses more resources ${res.formatResources(taskResources(task))} than available ${res.formatResources(available)}`;
  }
  return undefined;
}

/** A LAUNCH_GROUP: a DEFAULT executor, at least one task, each valid in a group, all of it within `available`. */
export function validateTaskGroup(fw: FrameworkRecord, executor: ExecutorInfo, tasks: TaskInfo[], agentId: string, available: Resource[], needed: Resource[]): string | undefined {
  return validateExecutorInfo(executor, fw.id, true)
    ?? (tasks.length === 0 ? "'task_group.tasks' must not be empty" : undefined)
    ?? tasks.map((t) => validateTask(fw, { ...t, executor }, agentId, undefined, true)).find(Boolean)
    ?? (res.contains(res.unallocate(available), res.unallocate(needed)) ? undefined : `Task group uses more resources ${res.formatResources(needed)} than available ${res.formatResources(available)}`);
}
