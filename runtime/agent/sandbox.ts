// Mesos' directory layout under --work_dir: sandboxes under slaves/, checkpoints under meta/ (and our executor hosts').
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

/** The directory of a framework's executor host: its pid, output and task log. */
export const executorHostDir = (workDir: string, frameworkId: string) => path.join(workDir, 'executor-hosts', frameworkId);
export const hostTaskLog = (workDir: string, frameworkId: string) => path.join(executorHostDir(workDir, frameworkId), 'tasks.log');
