// The cluster as the views show it: SUBSCRIBED's get_state kept current by the operator stream's events
// (Mesos' master.proto Event), so that an idle cluster costs no reads. An event whose consequences the
// stream does not carry asks for a re-read instead: an agent or framework removed (its tasks' fate), an
// agent re-registered (the tasks it brought back), offers made (a cycle names them, without resources).
// No vscode import: unit-tested in test/unit/cluster-state.test.ts.
import type { FrameworkV1, GetFrameworks, GetState, OperatorEvent } from '../runtime/client/operator';
import { isTerminalState, type FrameworkID, type Offer, type Task, type TaskState, type TaskStatus } from '../runtime/common/protocol/v1';
import * as res from '../runtime/common/resources';

/** What the views are drawn from; each view re-renders only when a part it draws changed. */
export type Part = 'agents' | 'frameworks' | 'tasks' | 'offers';
export const ALL_PARTS: readonly Part[] = ['agents', 'frameworks', 'tasks', 'offers'];

/** GET_STATE for anything; GET_FRAMEWORKS when only offers are unknown. */
export type Reread = 'state' | 'offers';

export interface Applied { changed: readonly Part[]; reread?: Reread }

const NOTHING: Applied = { changed: [] };
const REREAD: Applied = { changed: [], reread: 'state' };

// As the master (Mesos' --max_completed_tasks_per_framework): completed tasks are kept, not forever.
const COMPLETED_KEPT = 1000;
// As the master: a task keeps its last statuses, without their data.
const STATUSES_KEPT = 10;

type Agent = GetState['get_agents']['agents'][number];
const agentKey = (a: Agent) => a.agent_info.id?.value;
const frameworkKey = (f: FrameworkV1) => f.framework_info.id?.value;
const taskKey = (t: Pick<Task, 'framework_id' | 'task_id'>) => `${t.framework_id.value}/${t.task_id.value}`;

/** Puts item in place of the list's entry with the same key, or at its end. */
function upsert<T>(list: T[], item: T, key: (x: T) => string | undefined): void {
  const i = list.findIndex((x) => key(x) === key(item));
  if (i < 0) list.push(item); else list[i] = item;
}

export class ClusterState {
  /** state: SUBSCRIBED's get_state or GET_STATE's answer. */
  constructor(readonly state: GetState) {
    this.retireTerminalTasks();
  }

  /**
   * Applies one event. Applying an event twice, or an older event before the newer ones again, ends in
   * the same state: events that came while a re-read was in flight are applied again over its answer.
   */
  apply(event: OperatorEvent): Applied {
    // A copy: the state changes what it holds, and the event may be applied again.
    const payload = structuredClone(event[event.type.toLowerCase()]) as Record<string, any> | undefined;
    switch (event.type) {
      case 'HEARTBEAT':
        return NOTHING;
      case 'TASK_ADDED':
        return this.addTask(payload!.task as Task);
      case 'TASK_UPDATED':
        return this.updateTask(payload!.framework_id as FrameworkID, payload!.status as TaskStatus, payload!.state as TaskState);
      case 'AGENT_ADDED': {
        const agent = payload!.agent as Agent & { reregistered_time?: unknown };
        if (agent.reregistered_time !== undefined) return REREAD;
        upsert(this.state.get_agents.agents, agent, agentKey);
        return { changed: ['agents'] };
      }
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED':
        upsert(this.state.get_frameworks.frameworks, payload!.framework as FrameworkV1, frameworkKey);
        return { changed: ['frameworks', 'offers'] };
      case 'AGENT_REMOVED':
      case 'FRAMEWORK_REMOVED':
        return REREAD;
      case 'MESOLITE_ALLOCATION_CYCLE': {
        const known = new Set(this.state.get_frameworks.frameworks.flatMap((f) => (f.offers ?? []).map((o) => o.id.value)));
        const offers = (payload!.offers ?? []) as Array<{ offer_id?: string }>;
        return offers.some((o) => o.offer_id && !known.has(o.offer_id)) ? { changed: [], reread: 'offers' } : NOTHING;
      }
      case 'MESOLITE_OFFER_REMOVED': {
        const framework = this.framework(payload!.framework_id as FrameworkID);
        const offers = framework?.offers ?? [];
        const kept = offers.filter((o) => o.id.value !== payload!.offer_id.value);
        if (!framework || kept.length === offers.length) return NOTHING;
        setOffers(framework, kept);
        return { changed: ['offers'] };
      }
      default:
        // Mesolite's other opt-in events are about allocation, not cluster state; anything else is unknown.
        return event.type.startsWith('MESOLITE_') ? NOTHING : REREAD;
    }
  }

  /** GET_FRAMEWORKS' answer to an 'offers' re-read: only the offers are taken (events keep the rest). */
  takeOffers(answer: GetFrameworks): void {
    for (const f of answer.frameworks) {
      const local = this.framework(f.framework_info.id!);
      if (local) setOffers(local, f.offers ?? []);
    }
  }

  private framework(id: FrameworkID): FrameworkV1 | undefined {
    return this.state.get_frameworks.frameworks.find((f) => frameworkKey(f) === id.value);
  }

  private addTask(task: Task): Applied {
    const { tasks, completed_tasks } = this.state.get_tasks;
    upsert(tasks, task, taskKey);
    const j = completed_tasks.findIndex((t) => taskKey(t) === taskKey(task));
    if (j >= 0) completed_tasks.splice(j, 1);
    this.recomputeAllocated(task);
    return { changed: ['tasks', 'frameworks', 'agents'] };
  }

  private updateTask(frameworkId: FrameworkID, status: TaskStatus, state: TaskState): Applied {
    const { tasks, completed_tasks } = this.state.get_tasks;
    const key = taskKey({ framework_id: frameworkId, task_id: status.task_id });
    const task = tasks.find((t) => taskKey(t) === key);
    if (!task) {
      // A terminal task is retired at its terminal update; a later one (a retry) has nothing to change.
      return completed_tasks.some((t) => taskKey(t) === key) ? NOTHING : REREAD;
    }
    task.state = state;
    task.status_update_state = status.state;
    if (!task.statuses.some((s) => s.state === status.state && s.timestamp === status.timestamp)) {
      task.statuses.push({ ...status, data: undefined });
      task.statuses.splice(0, task.statuses.length - STATUSES_KEPT);
    }
    if (!isTerminalState(state)) return { changed: ['tasks', 'frameworks'] };
    this.retireTerminalTasks();
    this.recomputeAllocated(task);
    return { changed: ['tasks', 'frameworks', 'agents'] };
  }

  /**
   * Live tasks only in get_tasks.tasks: the master moves a terminal task to completed_tasks once its
   * framework acknowledges the update, which no event announces; here it moves at the update.
   */
  private retireTerminalTasks(): void {
    const t = this.state.get_tasks;
    const terminal = t.tasks.filter((task) => isTerminalState(task.state));
    if (!terminal.length) return;
    t.tasks = t.tasks.filter((task) => !isTerminalState(task.state));
    t.completed_tasks.push(...terminal);
    t.completed_tasks.splice(0, t.completed_tasks.length - COMPLETED_KEPT);
  }

  /** The allocation of the task's agent and framework, as the master counts it: their live tasks' resources. */
  private recomputeAllocated(task: Task): void {
    const live = this.state.get_tasks.tasks;
    const agent = this.state.get_agents.agents.find((a) => agentKey(a) === task.agent_id.value);
    if (agent) agent.allocated_resources = res.add(...live.filter((t) => t.agent_id.value === task.agent_id.value).map((t) => t.resources));
    const framework = this.framework(task.framework_id);
    if (framework) framework.allocated_resources = res.add(...live.filter((t) => t.framework_id.value === task.framework_id.value).map((t) => t.resources));
  }
}

function setOffers(framework: FrameworkV1, offers: Offer[]): void {
  framework.offers = offers;
  framework.offered_resources = res.add(...offers.map((o) => o.resources));
}
