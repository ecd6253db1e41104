// Agent recovery after a restart (Mesos' Slave::recover): frameworks, executors, tasks and their status
// update streams come back from the checkpoint under work_dir/meta; their containers are taken back
// (--recover=reconnect) or killed (--recover=cleanup); executors that do not re-subscribe within
// --executor_reregistration_timeout are gone, and their tasks lost.
import { formatDuration } from '../common/duration';
import { guarded, type Logger } from '../common/log';
import { isTerminalState } from '../common/protocol/v1';
import type { Checkpointer, RecoveredState, UpdateRecord } from './checkpoint';
import { waitStatus, type Containerizer, type RecoveredContainer } from './containerizer/containerizer';
import type { AgentOptions } from './flags';
import { applyStatus, Executor, Framework, type ExecutorKind, type Leftover } from './framework';
import type { StatusUpdateManager } from './status-updates';

/** What recovery rebuilds and whom it tells. */
export interface RecoveringAgent {
  readonly options: AgentOptions;
  readonly frameworks: Map<string, Framework>;
  readonly statusUpdates: StatusUpdateManager;
  readonly checkpoint: Checkpointer;
  readonly containerizer: Containerizer;
  readonly log: Logger;
  /** Waits for the executor's container to end, as for one just launched. */
  watch(executor: Executor): void;
  executorTerminated(executor: Executor, status: number, leftover?: Leftover): void;
}

/**
 * Rebuilds the agent from its checkpoint and returns its agent id; without one (or with an unreadable one)
 * there is none, and the agent registers as a new agent.
 */
export function recover(agent: RecoveringAgent): string | undefined {
  const { options, log } = agent;
  let state: RecoveredState | undefined;
  try {
    state = agent.checkpoint.recover();
  } catch (e) {
    log.error(`Could not read the checkpoint under ${options.workDir}/meta: ${(e as Error).message}; starting as a new agent`);
  }
  if (!state?.agentInfo.id) return undefined;
  const agentId = state.agentInfo.id.value;
  if (state.resources) options.resources = state.resources;
  log.info(`Recovering agent ${agentId} from ${options.workDir}/meta (--recover=${options.recover})`);
  const running: Executor[] = [];
  const containers: RecoveredContainer[] = [];
  for (const rf of state.frameworks) {
    const fw = new Framework(rf.info);
    agent.frameworks.set(fw.id, fw);
    for (const re of rf.executors) {
      if (!re.run) continue;
      const { run: checkpointed, tasks, completed } = re.run;
      const run = { agentId, frameworkId: fw.id, executorId: re.info.executor_id.value, containerId: checkpointed.container_id };
      const kind: ExecutorKind = checkpointed.launcher === 'process' ? 'custom' : re.info.type === 'DEFAULT' ? 'default' : 'command';
      const executor = new Executor(re.info, kind, run, checkpointed.directory);
      for (const rt of tasks) {
        const taskId = rt.info.task_id.value;
        const task = executor.addTask(rt.info);
        for (const record of rt.updates) if (record.type === 'UPDATE') applyStatus(task, record.update.status);
        agent.statusUpdates.recover(fw.id, taskId, rt.updates, (record: UpdateRecord) => agent.checkpoint.update(run, taskId, record));
        if (isTerminalState(task.state) && agent.statusUpdates.unacknowledged(fw.id, taskId).length === 0) executor.completeTask(task);
      }
      if (completed) continue;
      fw.executors.set(executor.id, executor);
      running.push(executor);
      containers.push({ run, launcher: checkpointed.launcher, pid: checkpointed.pid });
    }
  }
  agent.containerizer.recover(containers, options.recover, agentId);
  for (const executor of running) {
    if (options.recover === 'cleanup') {
      setImmediate(guarded(log, `Cleaning up executor ${executor.id}`, () => agent.executorTerminated(executor, waitStatus(null, 'SIGKILL'))));
      continue;
    }
    agent.watch(executor);
    // Executors get --executor_reregistration_timeout to re-subscribe; silent ones are gone.
    executor.timer = setTimeout(guarded(log, `Executor ${executor.id}'s re-registration timeout`, () => {
      if (executor.subscription) return;
      agent.executorTerminated(executor, waitStatus(null, 'SIGKILL'), {
        state: agent.frameworks.get(executor.frameworkId)?.partitionAware ? 'TASK_GONE' : 'TASK_LOST', reason: 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT',
        message: `Executor did not reregister within ${formatDuration(options.executorReregistrationTimeoutMs)}`,
      });
    }), options.executorReregistrationTimeoutMs);
  }
  return agentId;
}
