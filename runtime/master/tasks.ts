// Tasks on their way through the master (Mesos' Master::_accept launch path, killTask, statusUpdate,
// acknowledge, reconcile): tasks and task groups launched on an agent once valid, KILL and executor
// SHUTDOWN forwarded, status updates relayed from agents to frameworks (resources recovered when a task
// ends), acknowledgements relayed back, explicit and implicit reconciliation, and messages between
// executors and their frameworks. Also the statuses the master writes itself, and completed tasks.
import * as res from '../common/resources';
import type { AgentCall, StatusUpdate } from '../common/protocol/internal';
import type { ExecutorInfo, Resource, Task, TaskInfo, TaskState, TaskStatus, TaskStatusReason } from '../common/protocol/v1';
import { isTerminalState } from '../common/protocol/v1';
import type { Draining } from './draining';
import { countTerminal, hasCapability, now, PARTITION_AWARE, type FrameworkRecord, type MasterContext, type MasterState } from './state';
import { taskResources, validateTask, validateTaskGroup } from './validation';

type ExecutorMessage = Extract<AgentCall, { type: 'EXECUTOR_MESSAGE' }>['executor_message'];
type ExitedExecutor = Extract<AgentCall, { type: 'EXITED_EXECUTOR' }>['exited_executor'];

/** The statuses a task keeps (the latest ones), as /master/state shows them. */
const KEEP_STATUSES = 10;

/** A status the master sends about a task it knows (not acknowledged: it carries no uuid). */
export function masterStatus(task: Task, state: TaskState, reason: TaskStatusReason, message: string): TaskStatus {
  const last = task.statuses[task.statuses.length - 1];
  return {
    task_id: task.task_id, state, source: 'SOURCE_MASTER', reason, message, agent_id: task.agent_id,
    ...(task.executor_id ? { executor_id: task.executor_id } : {}),
    ...(last?.healthy !== undefined ? { healthy: last.healthy } : {}),
    ...(last?.container_status ? { container_status: last.container_status } : {}),
    timestamp: now(),
  };
}

export class Tasks {
  private readonly state: MasterState;

  constructor(private readonly ctx: MasterContext, private readonly draining: Pick<Draining, 'check' | 'isGone'>) {
    this.state = ctx.state;
  }

  /** A task of a LAUNCH: refused (TASK_ERROR) or sent to the agent; returns what is left of `available`. */
  launch(fw: FrameworkRecord, agentId: string, task: TaskInfo, role: string, available: Resource[]): Resource[] {
    const error = validateTask(fw, task, agentId, available);
    if (error) {
      this.refuse(fw, task, 'REASON_TASK_INVALID', error);
      return available;
    }
    this.add(fw, task, role, task.executor?.executor_id.value);
    if (task.executor) this.trackExecutor(fw, agentId, task.executor);
    this.state.counters.messages_launch_tasks++;
    const executor = task.executor ? { ...task.executor, framework_id: { value: fw.id } } : undefined;
    this.ctx.sendToAgent(agentId, { type: 'RUN_TASK', run_task: { framework_info: fw.info, task: { ...task, ...(executor ? { executor } : {}) } } });
    return res.subtract(available, res.allocate(taskResources(task), role));
  }

  /** A LAUNCH_GROUP: all its tasks refused, or all sent to the agent at once; returns what is left of `available`. */
  launchGroup(fw: FrameworkRecord, agentId: string, executor: ExecutorInfo, tasks: TaskInfo[], role: string, available: Resource[]): Resource[] {
    const needed = res.add(executor.resources ?? [], ...tasks.map((t) => t.resources ?? []));
    const error = validateTaskGroup(fw, executor, tasks, agentId, available, needed);
    if (error) {
      for (const t of tasks) this.refuse(fw, t, 'REASON_TASK_GROUP_INVALID', error);
      return available;
    }
    const executorInfo = { ...executor, framework_id: { value: fw.id } };
    this.trackExecutor(fw, agentId, executorInfo);
    for (const t of tasks) this.add(fw, t, role, executor.executor_id.value);
    this.state.counters.messages_launch_tasks++;
    this.ctx.sendToAgent(agentId, { type: 'RUN_TASK_GROUP', run_task_group: { framework_info: fw.info, executor_info: executorInfo, task_group: { tasks } } });
    return res.subtract(available, res.allocate(needed, role));
  }

  /** The tasks of an ACCEPT whose offers are invalid: dropped (lost, to frameworks not partition-aware), as in Mesos. */
  dropInvalid(fw: FrameworkRecord, tasks: TaskInfo[], error: string): void {
    const state: TaskState = hasCapability(fw.info, PARTITION_AWARE) ? 'TASK_DROPPED' : 'TASK_LOST';
    for (const t of tasks) this.masterUpdate(fw, t.task_id.value, t.agent_id?.value, state, 'REASON_INVALID_OFFERS', `Task launched with invalid offers: ${error}`);
  }

  private refuse(fw: FrameworkRecord, task: TaskInfo, reason: TaskStatusReason, message: string): void {
    this.ctx.log.warn(`Framework ${fw.id}: task ${task.task_id?.value} refused: ${message}`);
    this.masterUpdate(fw, task.task_id?.value ?? '', task.agent_id?.value, 'TASK_ERROR', reason, message);
  }

  private add(fw: FrameworkRecord, task: TaskInfo, role: string, executorId: string | undefined): void {
    const record: Task = {
      name: task.name,
      task_id: task.task_id,
      framework_id: { value: fw.id },
      ...(executorId ? { executor_id: { value: executorId } } : {}),
      agent_id: task.agent_id,
      state: 'TASK_STAGING',
      resources: res.allocate(res.unallocate(taskResources(task)), role),
      statuses: [],
      ...(task.labels ? { labels: task.labels } : {}),
      ...(task.discovery ? { discovery: task.discovery } : {}),
      ...(task.container ? { container: task.container } : {}),
      ...(task.kill_policy ? { kill_policy: task.kill_policy } : {}),
      ...(task.health_check ? { health_check: task.health_check } : {}),
      user: task.command?.user ?? fw.info.user,
    };
    fw.tasks.set(task.task_id.value, record);
    this.ctx.events.emit('taskAdded', record);
  }

  private trackExecutor(fw: FrameworkRecord, agentId: string, executor: ExecutorInfo): void {
    const byId = fw.executors.get(agentId) ?? new Map<string, ExecutorInfo>();
    byId.set(executor.executor_id.value, executor);
    fw.executors.set(agentId, byId);
  }

  kill(fw: FrameworkRecord, taskId: string, agentId: string | undefined, killPolicy: unknown): void {
    const task = fw.tasks.get(taskId);
    if (!task) {
      // Unknown task: answer as explicit reconciliation does, so the framework learns its fate.
      this.reconcile(fw, [{ task_id: { value: taskId }, ...(agentId ? { agent_id: { value: agentId } } : {}) }]);
      return;
    }
    this.ctx.sendToAgent(task.agent_id.value, { type: 'KILL_TASK', kill_task: { framework_id: { value: fw.id }, task_id: task.task_id, ...(killPolicy ? { kill_policy: killPolicy } : {}) } });
  }

  shutdownExecutor(fw: FrameworkRecord, executorId: string, agentId: string): void {
    this.ctx.sendToAgent(agentId, { type: 'SHUTDOWN_EXECUTOR', shutdown_executor: { framework_id: { value: fw.id }, executor_id: { value: executorId } } });
  }

  /** A status update from an agent: the task takes its state, and the framework gets it to acknowledge. */
  statusUpdate(agentId: string, update: StatusUpdate): void {
    const fw = this.state.frameworks.get(update.framework_id.value);
    const status = update.status;
    if (!fw) {
      this.state.counters.invalid_status_updates++;
      // The framework is gone: acknowledge on its behalf so the agent stops retrying (as Mesos does).
      this.ctx.sendToAgent(agentId, { type: 'ACKNOWLEDGE', acknowledge: { framework_id: update.framework_id, task_id: status.task_id, uuid: update.uuid } });
      return;
    }
    this.state.counters.valid_status_updates++;
    const task = fw.tasks.get(status.task_id.value);
    if (task) {
      const latest = update.latest_state ?? status.state;
      const wasTerminal = isTerminalState(task.state);
      task.state = latest;
      task.status_update_state = status.state;
      task.status_update_uuid = update.uuid;
      // As Mesos: the master keeps a task's statuses without their data (the framework got it once).
      task.statuses.push({ ...status, uuid: undefined, data: undefined } as TaskStatus);
      if (task.statuses.length > KEEP_STATUSES) task.statuses.splice(0, task.statuses.length - KEEP_STATUSES);
      if (!wasTerminal && isTerminalState(latest)) {
        countTerminal(this.state, latest);
        this.ctx.allocator.recoverResources(fw.id, agentId, task.resources);
        this.ctx.requestAllocation('resources_recovered');
      }
      this.ctx.events.emit('taskUpdated', task, status);
    }
    this.ctx.sendToFramework(fw, { type: 'UPDATE', update: { status: { ...status, uuid: update.uuid, agent_id: { value: agentId } } } });
  }

  /** The framework acknowledged an update: relayed to the agent; a task acknowledged terminal is completed. */
  acknowledge(fw: FrameworkRecord, agentId: string, taskId: string, uuid: string): void {
    const task = fw.tasks.get(taskId);
    if (task && task.status_update_uuid === uuid && isTerminalState(task.status_update_state ?? 'TASK_STAGING')) {
      this.complete(fw, task);
      this.draining.check(agentId);
    }
    this.ctx.sendToAgent(agentId, { type: 'ACKNOWLEDGE', acknowledge: { framework_id: { value: fw.id }, task_id: { value: taskId }, uuid } });
  }

  /** Explicit (tasks given) or implicit (none given) reconciliation, per docs/reconciliation.md. */
  reconcile(fw: FrameworkRecord, tasks: Array<{ task_id: { value: string }; agent_id?: { value: string } }>): void {
    const partitionAware = hasCapability(fw.info, PARTITION_AWARE);
    const send = (status: TaskStatus) => this.ctx.sendToFramework(fw, { type: 'UPDATE', update: { status } });
    // The latest state the framework was told about (status_update_state), as Mesos reports it.
    const latest = (task: Task) => masterStatus(task, task.status_update_state ?? task.state, 'REASON_RECONCILIATION', 'Reconciliation: Latest task state');
    if (tasks.length === 0) {
      for (const task of fw.tasks.values()) send(latest(task));
      return;
    }
    const { registry } = this.ctx;
    // Admitted agents that have not re-registered since this master started may still report the task.
    const pending = new Set(registry.state.admitted_agents.map((a) => a.id?.value ?? '').filter((id) => !this.state.agents.has(id)));
    const unreachable = new Map(registry.state.unreachable_agents.map((a) => [a.id, a.timestamp]));
    for (const { task_id, agent_id } of tasks) {
      const task = fw.tasks.get(task_id.value);
      if (task) { send(latest(task)); continue; }
      const agentId = agent_id?.value;
      const base = { task_id, source: 'SOURCE_MASTER' as const, reason: 'REASON_RECONCILIATION' as const, ...(agent_id ? { agent_id } : {}), timestamp: now() };
      if (agentId && this.state.agents.has(agentId)) {
        send({ ...base, state: partitionAware ? 'TASK_GONE' : 'TASK_LOST', message: 'Reconciliation: Task is unknown to the agent' });
      } else if (agentId ? pending.has(agentId) : pending.size > 0) {
        continue; // no answer yet: the agent may still come back with it
      } else if (agentId && this.draining.isGone(agentId)) {
        send({ ...base, state: partitionAware ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST', message: 'Reconciliation: Task is gone' });
      } else if (agentId && unreachable.has(agentId)) {
        send({
          ...base, state: partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST', message: 'Reconciliation: Task is unreachable',
          unreachable_time: { nanoseconds: Math.round(unreachable.get(agentId)! * 1e9) },
        });
      } else {
        send({ ...base, state: partitionAware ? 'TASK_UNKNOWN' : 'TASK_LOST', message: 'Reconciliation: Task is unknown' });
      }
    }
  }

  /** MESSAGE: framework to executor. */
  frameworkMessage(fw: FrameworkRecord, agentId: string, executorId: string, data: string): void {
    this.ctx.sendToAgent(agentId, { type: 'FRAMEWORK_MESSAGE', framework_message: { framework_id: { value: fw.id }, executor_id: { value: executorId }, data } });
  }

  /** Executor to framework. */
  executorMessage(agentId: string, message: ExecutorMessage): void {
    const fw = this.state.frameworks.get(message.framework_id.value);
    if (fw) this.ctx.sendToFramework(fw, { type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: message.executor_id, data: message.data } });
  }

  /** An executor ended: forgotten, and its framework hears FAILURE. */
  exitedExecutor(agentId: string, exited: ExitedExecutor): void {
    const fw = this.state.frameworks.get(exited.framework_id.value);
    if (!fw) return;
    fw.executors.get(agentId)?.delete(exited.executor_id.value);
    this.ctx.sendToFramework(fw, { type: 'FAILURE', failure: { agent_id: { value: agentId }, executor_id: exited.executor_id, status: exited.status } });
  }

  /** A task the framework no longer needs to hear about becomes a completed one. */
  complete(fw: FrameworkRecord, task: Task): void {
    if (fw.tasks.delete(task.task_id.value)) this.addCompleted(fw, task);
  }

  /** Keeps the latest --max_completed_tasks_per_framework. */
  addCompleted(fw: FrameworkRecord, task: Task): void {
    fw.completedTasks.push(task);
    if (fw.completedTasks.length > this.ctx.options.maxCompletedTasksPerFramework) fw.completedTasks.shift();
  }

  /** A status update generated by the master itself (no agent involved, nothing to acknowledge). */
  private masterUpdate(fw: FrameworkRecord, taskId: string, agentId: string | undefined, state: TaskState, reason: TaskStatusReason, message: string): void {
    countTerminal(this.state, state);
    this.ctx.sendToFramework(fw, {
      type: 'UPDATE',
      update: { status: { task_id: { value: taskId }, state, reason, message, source: 'SOURCE_MASTER', ...(agentId ? { agent_id: { value: agentId } } : {}), timestamp: now() } },
    });
  }
}
