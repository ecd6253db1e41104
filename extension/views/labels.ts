// What the Cluster, Tasks, Apps and Jobs views write in a row, kept short for the default side-bar width, and
// the order rows come in. No vscode import: unit-tested in test/unit/view-labels.test.ts.
import type { AgentV1 } from '../../runtime/client/operator';
import { formatAge } from '../../runtime/common/duration';
import type { ContainerInfo, Task } from '../../runtime/common/protocol/v1';
import type { AppStatus } from '../apps-state';
import type { JobStatus } from '../jobs-feed';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
// Numbers inside names compare as numbers: agent :33002 before :33003, 172.17.0.9 before 172.17.0.10.
const collator = new Intl.Collator('en', { numeric: true });
export const naturalCompare = (a: string, b: string) => collator.compare(a, b);

/** A task id with its UUID cut to 8 digits (Marathon's hello.3184ccb6-137c-… is hello.3184ccb6). */
export const shortTaskId = (id: string) => id.replace(UUID, (uuid) => uuid.slice(0, 8));

/** The short id, preceded by the task's name when the id does not already say it (a user scheduler's "3"). */
export function taskLabel(task: Pick<Task, 'name' | 'task_id'>): string {
  const id = shortTaskId(task.task_id.value);
  // Marathon names a task after its app's path reversed (/shop/web: web.shop) and ids it shop_web.<uuid>.
  const words = task.name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.every((w) => id.includes(w)) ? id : `${task.name} ${id}`;
}

/** The Docker image a task runs, with a registry's long path cut to its last part (docker.io/library/nginx:1.25 is nginx:1.25). */
export function taskImage(task: Pick<Task, 'container'>): string | undefined {
  const image = (task.container as ContainerInfo | undefined)?.docker?.image;
  return image?.split('/').at(-1);
}

export const sortTasks = <T extends Pick<Task, 'name' | 'task_id'>>(tasks: readonly T[]): T[] =>
  [...tasks].sort((a, b) => naturalCompare(taskLabel(a), taskLabel(b)) || naturalCompare(a.task_id.value, b.task_id.value));

export interface TaskGroup<T> { key: string; label: string; kind: 'app' | 'framework'; tasks: T[] }

/**
 * Tasks by the app that runs them, as the app framework says (appOf), else by framework; groups sorted
 * by label, apps first, tasks sorted within.
 */
export function groupTasks<T extends Pick<Task, 'name' | 'task_id' | 'framework_id'>>(tasks: readonly T[], frameworkName: (id: string) => string,
  appOf: (taskId: string) => string | undefined): TaskGroup<T>[] {
  const groups = new Map<string, TaskGroup<T>>();
  for (const t of tasks) {
    const app = appOf(t.task_id.value);
    const key = app ? `app:${app}` : `framework:${t.framework_id.value}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, label: app ?? frameworkName(t.framework_id.value), kind: app ? 'app' : 'framework', tasks: [] }));
    group.tasks.push(t);
  }
  return [...groups.values()]
    .sort((a, b) => (a.kind === b.kind ? naturalCompare(a.label, b.label) : a.kind === 'app' ? -1 : 1))
    .map((g) => ({ ...g, tasks: sortTasks(g.tasks) }));
}

/** Mesos agent ids end in -S<n> after the master's UUID: that end tells agents apart at a glance. */
export function shortAgentId(id: string): string {
  const m = /-(S\d+)$/.exec(id);
  return m ? m[1] : id.slice(0, 8);
}

export const agentAddress = (a: AgentV1) => `${a.agent_info.hostname}:${a.agent_info.port ?? 5051}`;

/** By hostname, then port, numbers compared as numbers. */
export const sortAgents = <T extends AgentV1>(agents: readonly T[]): T[] =>
  [...agents].sort((a, b) => naturalCompare(a.agent_info.hostname, b.agent_info.hostname) || (a.agent_info.port ?? 0) - (b.agent_info.port ?? 0));

/** Tasks running of instances wanted, health when the app checks it, a deployment in progress, the last failure. */
export function appDescription(app: AppStatus, now = Date.now()): string {
  const tasks = [...app.tasks.values()];
  const running = tasks.filter((t) => t.state === 'TASK_RUNNING').length;
  const parts = [`${running}/${app.instances} running`];
  if (app.healthChecked) {
    const healthy = tasks.filter((t) => t.healthy === true).length;
    const unhealthy = tasks.filter((t) => t.healthy === false).length;
    parts.push(`${healthy} healthy${unhealthy ? `, ${unhealthy} unhealthy` : ''}`);
  }
  if (app.deployments.size) parts.push('deploying');
  const failed = app.lastFailure?.timestamp ? Date.parse(app.lastFailure.timestamp) : NaN;
  if (app.lastFailure) parts.push(`last failure ${app.lastFailure.state}${Number.isNaN(failed) ? '' : ` ${formatAge(now - failed)} ago`}`);
  return parts.join(' · ');
}

/** A scheduled job's next run: the start of its schedule (Chronos moves it on at each run), while repetitions are left. */
export function nextRun(schedule: string | undefined): string | undefined {
  const [repeat, start] = schedule?.split('/') ?? [];
  return repeat && repeat !== 'R0' && start ? start : undefined;
}

export function jobDescription({ job, summary }: JobStatus): string {
  const next = nextRun(job.schedule);
  return [
    ...(job.disabled ? ['disabled'] : []),
    summary?.status ?? 'fresh', summary?.state ?? 'idle',
    job.parents?.length ? `after ${job.parents.join(', ')}` : (job.schedule ?? ''),
    ...(next && !job.disabled ? [`next ${next}`] : []),
  ].join(' · ');
}
