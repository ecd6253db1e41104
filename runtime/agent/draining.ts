// DRAIN_AGENT on the agent (Mesos' Slave::drain and its drain_config): every task is killed, within the
// drain's max_grace_period when its own kill policy would give it longer; tasks that arrive meanwhile are
// dropped; the agent is drained once it has no framework left.
import { formatDuration } from '../common/duration';
import { newStatusUUID } from '../common/ids';
import type { Logger } from '../common/log';
import type { AgentEvent } from '../common/protocol/internal';
import type { FrameworkInfo, KillPolicy, TaskInfo, TaskStatus } from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { Framework } from './framework';
import type { StatusUpdateManager } from './status-updates';

export type DrainConfig = Extract<AgentEvent, { type: 'DRAIN' }>['drain']['config'];

/** The agent as draining sees it. */
export interface DrainingAgent {
  readonly agentId?: string;
  readonly frameworks: ReadonlyMap<string, Framework>;
  readonly statusUpdates: StatusUpdateManager;
  killTask(frameworkId: string, taskId: string, killPolicy: KillPolicy | undefined): void;
}

export class Draining {
  /** Set by the master's DRAIN until the agent has no framework left. */
  private config?: DrainConfig;

  constructor(private readonly agent: DrainingAgent, private readonly log: Logger) {}

  get active(): boolean {
    return this.config !== undefined;
  }

  start(config: DrainConfig): void {
    const { agent } = this;
    if (agent.frameworks.size === 0) { this.log.info('Asked to drain with no frameworks: draining is already complete'); return; }
    this.config = config;
    const max = config.max_grace_period?.nanoseconds;
    const tasks = [...agent.frameworks.values()].flatMap((fw) => [...fw.executors.values()].flatMap((e) => [...e.tasks.values()]));
    this.log.info(`Draining${max !== undefined ? ` (max grace period ${formatDuration(max / 1e6)})` : ''}: killing ${tasks.length} tasks`);
    for (const task of tasks) {
      if (isTerminalState(task.state)) continue;
      const own = task.kill_policy?.grace_period?.nanoseconds;
      const capped = max !== undefined && (own === undefined || own > max) ? { grace_period: { nanoseconds: max } } : task.kill_policy;
      agent.killTask(task.framework_id.value, task.task_id.value, capped);
    }
  }

  /** A task that reaches a draining agent is dropped (the update is not checkpointed: the agent never ran it). */
  drop(frameworkInfo: FrameworkInfo, tasks: TaskInfo[]): void {
    const agentId = { value: this.agent.agentId! };
    for (const task of tasks) {
      const uuid = newStatusUUID();
      const status: TaskStatus = {
        task_id: task.task_id, state: 'TASK_DROPPED', reason: 'REASON_AGENT_DRAINING', message: 'Task was received while agent was already draining',
        source: 'SOURCE_AGENT', agent_id: agentId, timestamp: Date.now() / 1000, uuid,
      };
      this.agent.statusUpdates.update({ framework_id: frameworkInfo.id!, agent_id: agentId, status, timestamp: status.timestamp!, uuid });
    }
  }

  /**
   * As Mesos' agent while draining: a task killed says REASON_AGENT_DRAINING, and when the drain marks
   * the agent gone, a partition-aware framework hears TASK_GONE_BY_OPERATOR instead of TASK_KILLED.
   */
  rewrite(frameworkId: string, status: TaskStatus): TaskStatus {
    if (!this.config || (status.state !== 'TASK_KILLING' && status.state !== 'TASK_KILLED')) return status;
    const gone = status.state === 'TASK_KILLED' && this.config.mark_gone && this.agent.frameworks.get(frameworkId)?.partitionAware === true;
    return { ...status, reason: 'REASON_AGENT_DRAINING', ...(gone ? { state: 'TASK_GONE_BY_OPERATOR' as const } : {}) };
  }

  /** A framework left the agent: with none left, the drain is complete. */
  frameworkRemoved(): void {
    if (this.agent.frameworks.size > 0 || !this.config) return;
    this.log.info('Agent finished draining');
    this.config = undefined;
  }
}
