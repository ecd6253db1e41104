// Mesos' directory layout under --work_dir: sandboxes under slaves/, checkpoints under meta/.
import * as path from 'node:path';

export interface ExecutorRun { agentId: string; frameworkId: string; executorId: string; containerId: string }

export const sandboxRoot = (workDir: string) => path.join(workDir, 'slaves');

export function sandboxDirectory(workDir: string, run: ExecutorRun): string {
  return path.join(workDir, 'slaves', run.agentId, 'frameworks', run.frameworkId, 'executors', run.executorId, 'runs', run.containerId);
}

export const metaAgentDir = (workDir: string, agentId: string) => path.join(workDir, 'meta', 'slaves', agentId);
export const metaLatest = (workDir: string) => path.join(workDir, 'meta', 'slaves', 'latest');
export const metaFrameworkDir = (workDir: string, agentId: string, frameworkId: string) =>
  path.join(metaAgentDir(workDir, agentId), 'frameworks', frameworkId);
export const metaExecutorDir = (workDir: string, agentId: string, frameworkId: string, executorId: string) =>
  path.join(metaFrameworkDir(workDir, agentId, frameworkId), 'executors', executorId);
export const metaRunDir = (workDir: string, run: ExecutorRun) =>
  path.join(metaExecutorDir(workDir, run.agentId, run.frameworkId, run.executorId), 'runs', run.containerId);
export const metaTaskDir = (workDir: string, run: ExecutorRun, taskId: string) => path.join(metaRunDir(workDir, run), 'tasks', taskId);
