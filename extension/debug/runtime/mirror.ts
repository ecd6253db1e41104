// Reads the operator stream (SUBSCRIBE with allocation cycles) into the Story, and mirrors what names
// and stepping need: frameworks, agents, tasks and the outstanding offers with the cycle that made them.
import type { CycleSummary } from '../../../runtime/client/allocation';
import type { GetState, OperatorEvent } from '../../../runtime/client/operator';
import type { AgentInfo, FrameworkInfo, Task, TaskStatus } from '../../../runtime/common/protocol/v1';
import type { Answer, Story, StoryEvent } from './story';

export interface MirroredOffer { offer_id: string; framework_id: string; agent_id: string; role: string; cycle: number; at: number }
export interface MirroredFramework { info: FrameworkInfo; active: boolean; removed: boolean }
export interface MirroredAgent { info: AgentInfo; active: boolean; removed: boolean }
export interface MirroredTask { task_id: string; name: string; framework_id: string; agent_id: string; state: string }

interface Removal { offer_id: string; framework_id: string; agent_id: string; at: number }

// How long an offer's removal waits for the TASK_ADDED that marks it accepted: the master sends both
// in one turn of its event loop, so they arrive together; 30 ms covers a busy reader.
const ANSWER_WINDOW_MS = 30;

/** The framework or agent an event says is going away (inactive or removed). */
function leaving(event: OperatorEvent): Set<string> {
  if (event.type === 'FRAMEWORK_UPDATED') {
    const f = (event.framework_updated as { framework: { framework_info: FrameworkInfo; active: boolean } }).framework;
    return new Set(f.active ? [] : [f.framework_info.id!.value]);
  }
  if (event.type === 'FRAMEWORK_REMOVED') return new Set([(event.framework_removed as { framework_info: FrameworkInfo }).framework_info.id!.value]);
  if (event.type === 'AGENT_REMOVED') return new Set([(event.agent_removed as { agent_id: { value: string } }).agent_id.value]);
  return new Set();
}

export class StreamMirror {
  readonly frameworks = new Map<string, MirroredFramework>();
  readonly agents = new Map<string, MirroredAgent>();
  readonly tasks = new Map<string, MirroredTask>();
  readonly offers = new Map<string, MirroredOffer>();
  /** Set from the master's --offer_timeout: a removal at that age is the master's rescind. */
  offerTimeoutMs?: number;
  private pending: Removal[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly story: Story, private readonly appended: (e: StoryEvent) => void) {}

  handle(event: OperatorEvent): void {
    if (event.type === 'MESOLITE_OFFER_REMOVED') {
      const r = event.mesolite_offer_removed as { offer_id: { value: string }; framework_id: { value: string }; agent_id: { value: string } };
      this.pending.push({ offer_id: r.offer_id.value, framework_id: r.framework_id.value, agent_id: r.agent_id.value, at: Date.now() });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.settle(), ANSWER_WINDOW_MS);
      return;
    }
    if (event.type === 'TASK_ADDED') {
      const task = (event.task_added as { task: Task }).task;
      const accepted = this.pending.filter((p) => p.framework_id === task.framework_id.value && p.agent_id === task.agent_id.value);
      this.pending = this.pending.filter((p) => !accepted.includes(p));
      for (const p of accepted) this.answer(p, 'accepted', [task.task_id.value]);
      this.apply(event);
      return;
    }
    if (event.type === 'HEARTBEAT') return;
    // Anything else ends the window, before it is applied so the story keeps the stream's order; a
    // FRAMEWORK_UPDATED (inactive) the master sends right after rescinding a framework's offers
    // explains those removals.
    this.settle(leaving(event));
    this.apply(event);
  }

  close(): void {
    clearTimeout(this.timer);
  }

  /** The removals waiting for a TASK_ADDED become declines or rescinds. */
  private settle(gone: Set<string> = new Set()): void {
    clearTimeout(this.timer);
    for (const p of this.pending.splice(0)) this.answer(p, this.declinedOrRescinded(p, gone), []);
  }

  // MARK(master-side): MESOLITE_OFFER_REMOVED will carry `reason` (ACCEPTED | DECLINED | RESCINDED)
  // and the decline's refuse_seconds; until then a removal is a rescind when the framework or agent
  // just went away or the offer reached --offer_timeout, and a decline otherwise.
  private declinedOrRescinded(p: Removal, gone: Set<string>): Answer {
    const fw = this.frameworks.get(p.framework_id);
    const agent = this.agents.get(p.agent_id);
    if (gone.has(p.framework_id) || gone.has(p.agent_id)) return 'rescinded';
    if (!fw || fw.removed || !fw.active || !agent || agent.removed || !agent.active) return 'rescinded';
    const offered = this.offers.get(p.offer_id);
    if (this.offerTimeoutMs && offered && p.at - offered.at >= this.offerTimeoutMs - 50) return 'rescinded';
    return 'declined';
  }

  private answer(p: Removal, answer: Answer, tasks: string[]): void {
    this.offers.delete(p.offer_id);
    this.appended(this.story.append({ kind: 'answered', answer, offer_id: p.offer_id, framework_id: p.framework_id, agent_id: p.agent_id, tasks, at: p.at }));
  }

  private apply(event: OperatorEvent): void {
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
        this.appended(this.story.appendCycle(c.cycle, c.started_at, c.trigger, [...new Set(c.offers.map((o) => o.framework_id))]));
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
