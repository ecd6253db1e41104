// The master's state as the page holds it: the SUBSCRIBED snapshot of the operator API's event stream,
// kept current by its events (TASK_ADDED, TASK_UPDATED, FRAMEWORK_*, AGENT_*), plus the allocation
// cycles the stream announces (a Mesolite extension, ?allocation_cycles=true).
import type { AgentInfo, ExecutorInfo, FrameworkInfo, Offer, Resource, Task } from '../../runtime/common/protocol/v1';
import type { Decision } from '../../runtime/common/protocol/allocation';

export interface FrameworkView {
  framework_info: FrameworkInfo & { id: { value: string } };
  active: boolean;
  connected: boolean;
  registered_time?: { nanoseconds: number };
  offers?: Offer[];
  allocated_resources?: Resource[];
  offered_resources?: Resource[];
}

export interface AgentView {
  agent_info: AgentInfo & { id: { value: string } };
  active: boolean;
  deactivated?: boolean;
  draining_info?: unknown;
  pid?: string;
  version?: string;
  registered_time?: { nanoseconds: number };
  total_resources?: Resource[];
  allocated_resources?: Resource[];
  offered_resources?: Resource[];
}

export interface CycleView {
  cycle: number;
  trigger: string;
  started_at: number;
  duration_ms: number;
  shares?: { after: { roles: Record<string, number>; frameworks: Record<string, number> } };
  decisions: Decision[];
}

export const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);

export class ClusterModel {
  frameworks = new Map<string, FrameworkView>();
  completedFrameworks: FrameworkView[] = [];
  agents = new Map<string, AgentView>();
  tasks = new Map<string, Task>();
  unreachableTasks = new Map<string, Task>();
  completedTasks: Task[] = [];
  executors: Array<{ executor_info: ExecutorInfo; agent_id: { value: string } }> = [];
  /** The newest cycles, oldest first (bounded). */
  cycles: CycleView[] = [];

  static readonly MAX_CYCLES = 300;

  /** Applies one event of the stream; true when the state the pages show changed. */
  apply(event: any): boolean {
    switch (event.type) {
      case 'SUBSCRIBED': {
        const s = event.subscribed.get_state;
        this.frameworks = new Map(s.get_frameworks.frameworks.map((f: FrameworkView) => [f.framework_info.id.value, f]));
        this.completedFrameworks = s.get_frameworks.completed_frameworks ?? [];
        this.agents = new Map(s.get_agents.agents.map((a: AgentView) => [a.agent_info.id.value, a]));
        this.tasks = new Map(s.get_tasks.tasks.map((t: Task) => [key(t), t]));
        this.unreachableTasks = new Map((s.get_tasks.unreachable_tasks ?? []).map((t: Task) => [key(t), t]));
        this.completedTasks = s.get_tasks.completed_tasks ?? [];
        this.executors = s.get_executors.executors ?? [];
        return true;
      }
      case 'TASK_ADDED':
        this.tasks.set(key(event.task_added.task), event.task_added.task);
        return true;
      case 'TASK_UPDATED': {
        const { status, state, framework_id } = event.task_updated;
        const id = `${framework_id.value}/${status.task_id.value}`;
        const task = this.tasks.get(id) ?? this.unreachableTasks.get(id);
        if (!task) return false;
        const updated = { ...task, state, statuses: [...task.statuses, status] };
        this.tasks.delete(id);
        this.unreachableTasks.delete(id);
        if (TERMINAL.has(state)) this.completedTasks.push(updated);
        else if (state === 'TASK_UNREACHABLE') this.unreachableTasks.set(id, updated);
        else this.tasks.set(id, updated);
        return true;
      }
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED': {
        const f: FrameworkView = event[event.type.toLowerCase()].framework;
        this.frameworks.set(f.framework_info.id.value, f);
        return true;
      }
      case 'FRAMEWORK_REMOVED': {
        const id = event.framework_removed.framework_info.id.value;
        const f = this.frameworks.get(id);
        this.frameworks.delete(id);
        if (f) this.completedFrameworks.push({ ...f, active: false, connected: false });
        return true;
      }
      case 'AGENT_ADDED':
        this.agents.set(event.agent_added.agent.agent_info.id.value, event.agent_added.agent);
        return true;
      case 'AGENT_REMOVED':
        this.agents.delete(event.agent_removed.agent_id.value);
        return true;
      default:
        return false;
    }
  }

  addCycles(cycles: CycleView[]): void {
    const known = new Set(this.cycles.map((c) => c.cycle));
    this.cycles.push(...cycles.filter((c) => !known.has(c.cycle)));
    this.cycles.sort((a, b) => a.cycle - b.cycle);
    if (this.cycles.length > ClusterModel.MAX_CYCLES) this.cycles.splice(0, this.cycles.length - ClusterModel.MAX_CYCLES);
  }

  get lastCycle(): number {
    return this.cycles.at(-1)?.cycle ?? 0;
  }

  frameworkName(id: string): string {
    return (this.frameworks.get(id) ?? this.completedFrameworks.find((f) => f.framework_info.id.value === id))?.framework_info.name ?? id;
  }

  agentHost(id: string): string {
    return this.agents.get(id)?.agent_info.hostname ?? id;
  }

  allTasks(): Task[] {
    return [...this.tasks.values(), ...this.unreachableTasks.values(), ...this.completedTasks];
  }
}

const key = (t: Task) => `${t.framework_id.value}/${t.task_id.value}`;
