// Reads the operator stream (SUBSCRIBE with allocation cycles) into the Story, and mirrors what names
// and stepping need: frameworks, agents, tasks and the outstanding offers with the cycle that made them.
import type { CycleSummary, OfferRemoved } from '../../../runtime/client/allocation';
import type { GetState, OperatorEvent } from '../../../runtime/client/operator';
import type { AgentInfo, FrameworkInfo, Task, TaskStatus } from '../../../runtime/common/protocol/v1';
import type { Answer, Story, StoryEvent } from './story';

export interface MirroredOffer { offer_id: string; framework_id: string; agent_id: string; role: string; cycle: number; at: number }
export interface MirroredFramework { info: FrameworkInfo; active: boolean; removed: boolean }
export interface MirroredAgent { info: AgentInfo; active: boolean; removed: boolean }
export interface MirroredTask { task_id: string; name: string; framework_id: string; agent_id: string; state: string }

export class StreamMirror {
  readonly frameworks = new Map<string, MirroredFramework>();
  readonly agents = new Map<string, MirroredAgent>();
  readonly tasks = new Map<string, MirroredTask>();
  readonly offers = new Map<string, MirroredOffer>();

  constructor(private readonly story: Story, private readonly appended: (e: StoryEvent) => void) {}

  /** Applies one event of the stream (others, such as HEARTBEAT, change nothing). */
  handle(event: OperatorEvent): void {
    const at = Date.now();
    const emit = (e: Parameters<Story['append']>[0]) => this.appended(this.story.append(e));
    switch (event.type) {
      case 'SUBSCRIBED':
        this.reset((event.subscribed as { get_state: GetState }).get_state);
        return;
      case 'MESOLITE_ALLOCATION_CYCLE': {
        const c = event.mesolite_allocation_cycle as CycleSummary;
        for (const o of c.offers) {
          if (o.offer_id) this.offers.set(o.offer_id, { offer_id: o.offer_id, framework_id: o.framework_id, agent_id: o.agent_id, role: o.role, cycle: c.cycle, at: c.started_at });
        }
        this.appended(this.story.appendCycle(c.cycle, c.started_at, c.trigger, [...new Set(c.offers.map((o) => o.framework_id))], c.held));
        return;
      }
      case 'MESOLITE_OFFER_REMOVED': {
        const r = event.mesolite_offer_removed as OfferRemoved;
        this.offers.delete(r.offer_id.value);
        emit({
          kind: 'answered', answer: r.reason.toLowerCase() as Answer, offer_id: r.offer_id.value, framework_id: r.framework_id.value, agent_id: r.agent_id.value,
          tasks: (r.task_ids ?? []).map((t) => t.value), cause: r.cause, refuse_seconds: r.refuse_seconds, at,
        });
        return;
      }
      case 'TASK_ADDED': {
        const t = (event.task_added as { task: Task }).task;
        const task = { task_id: t.task_id.value, name: t.name, framework_id: t.framework_id.value, agent_id: t.agent_id.value, state: t.state };
        this.tasks.set(task.task_id, task);
        emit({ kind: 'launched', task_id: task.task_id, name: task.name, framework_id: task.framework_id, agent_id: task.agent_id, at });
        return;
      }
      case 'TASK_UPDATED': {
        const u = event.task_updated as { framework_id: { value: string }; status: TaskStatus; state: string };
        const id = u.status.task_id.value;
        const task = this.tasks.get(id);
        if (task) task.state = u.state;
        emit({ kind: 'status', task_id: id, framework_id: u.framework_id.value, agent_id: u.status.agent_id?.value ?? task?.agent_id ?? '', state: u.status.state, message: u.status.message, at });
        return;
      }
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED': {
        const f = (event.framework_added ?? event.framework_updated) as { framework: { framework_info: FrameworkInfo; active: boolean } };
        const id = f.framework.framework_info.id!.value;
        this.frameworks.set(id, { info: f.framework.framework_info, active: f.framework.active, removed: false });
        emit({ kind: 'framework', framework_id: id, change: event.type === 'FRAMEWORK_ADDED' ? 'added' : 'updated', active: f.framework.active, at });
        return;
      }
      case 'FRAMEWORK_REMOVED': {
        const info = (event.framework_removed as { framework_info: FrameworkInfo }).framework_info;
        const id = info.id!.value;
        this.frameworks.set(id, { info, active: false, removed: true });
        emit({ kind: 'framework', framework_id: id, change: 'removed', active: false, at });
        return;
      }
      case 'AGENT_ADDED': {
        const a = (event.agent_added as { agent: { agent_info: AgentInfo; active: boolean } }).agent;
        this.agents.set(a.agent_info.id!.value, { info: a.agent_info, active: a.active, removed: false });
        emit({ kind: 'agent', agent_id: a.agent_info.id!.value, change: 'added', at });
        return;
      }
      case 'AGENT_REMOVED': {
        const id = (event.agent_removed as { agent_id: { value: string } }).agent_id.value;
        const agent = this.agents.get(id);
        if (agent) Object.assign(agent, { removed: true, active: false });
        emit({ kind: 'agent', agent_id: id, change: 'removed', at });
        return;
      }
    }
  }

  /** A (re)subscription's GET_STATE replaces the mirror: after a failover the new leader is the truth. */
  private reset(state: GetState): void {
    this.frameworks.clear();
    this.agents.clear();
    this.tasks.clear();
    this.offers.clear();
    for (const f of [...state.get_frameworks.frameworks, ...(state.get_frameworks.completed_frameworks ?? [])]) {
      const id = f.framework_info.id!.value;
      const removed = !state.get_frameworks.frameworks.includes(f);
      this.frameworks.set(id, { info: f.framework_info, active: f.active && !removed, removed });
      for (const o of f.offers ?? []) {
        this.offers.set(o.id.value, { offer_id: o.id.value, framework_id: id, agent_id: o.agent_id.value, role: o.allocation_info?.role ?? '*', cycle: 0, at: Date.now() });
      }
    }
    for (const a of state.get_agents.agents) this.agents.set(a.agent_info.id!.value, { info: a.agent_info, active: a.active, removed: false });
    for (const t of [...state.get_tasks.tasks, ...state.get_tasks.completed_tasks]) {
      this.tasks.set(t.task_id.value, { task_id: t.task_id.value, name: t.name, framework_id: t.framework_id.value, agent_id: t.agent_id.value, state: t.state });
    }
  }
}
