// Agent checkpoints under work_dir/meta in Mesos' layout: agent info, framework info, executor info and
// runs, task info and the task's status update stream (an append-only log of UPDATE and ACK records).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StatusUpdate } from '../common/protocol/internal';
import type { AgentInfo, ExecutorInfo, FrameworkInfo, Resource, TaskInfo } from '../common/protocol/v1';
import { metaAgentDir, metaExecutorDir, metaFrameworkDir, metaLatest, metaRunDir, metaTaskDir, type ExecutorRun } from './sandbox';

export type UpdateRecord = { type: 'UPDATE'; update: StatusUpdate } | { type: 'ACK'; uuid: string };

export interface RunCheckpoint {
  container_id: string;
  directory: string;
  /** 'host' for executors run by the framework's executor host, 'process' for a custom executor process. */
  launcher: 'host' | 'process';
  pid?: number;
}

export interface RecoveredTask { info: TaskInfo; updates: UpdateRecord[] }
export interface RecoveredRun { run: RunCheckpoint; completed: boolean; tasks: RecoveredTask[] }
export interface RecoveredExecutor { info: ExecutorInfo; run?: RecoveredRun }
export interface RecoveredFramework { info: FrameworkInfo; executors: RecoveredExecutor[] }
export interface RecoveredState { agentInfo: AgentInfo; resources?: Resource[]; frameworks: RecoveredFramework[] }

function writeAtomic(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

const readJson = <T>(file: string): T | undefined => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined);
const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.endsWith('.tmp')) : []);

export class Checkpointer {
  constructor(private readonly workDir: string) {}

  agentInfo(info: AgentInfo & { id: { value: string } }): void {
    writeAtomic(path.join(metaAgentDir(this.workDir, info.id.value), 'slave.info'), JSON.stringify(info));
    const latest = metaLatest(this.workDir);
    fs.rmSync(latest, { force: true });
    fs.symlinkSync(info.id.value, latest);
  }

  /** The agent's total resources including dynamic reservations (Mesos: meta/resources/resources.info). */
  resources(agentId: string, resources: Resource[]): void {
    writeAtomic(path.join(this.workDir, 'meta', 'resources', 'resources.info'), JSON.stringify({ agent_id: agentId, resources }));
  }

  framework(agentId: string, info: FrameworkInfo): void {
    writeAtomic(path.join(metaFrameworkDir(this.workDir, agentId, info.id!.value), 'framework.info'), JSON.stringify(info));
  }

  executor(agentId: string, frameworkId: string, info: ExecutorInfo, run: RunCheckpoint): void {
    const execDir = metaExecutorDir(this.workDir, agentId, frameworkId, info.executor_id.value);
    writeAtomic(path.join(execDir, 'executor.info'), JSON.stringify(info));
    writeAtomic(path.join(execDir, 'runs', run.container_id, 'run.info'), JSON.stringify(run));
    const latest = path.join(execDir, 'runs', 'latest');
    fs.rmSync(latest, { force: true });
    fs.symlinkSync(run.container_id, latest);
  }

  executorPid(run: ExecutorRun, checkpoint: RunCheckpoint): void {
    writeAtomic(path.join(metaRunDir(this.workDir, run), 'run.info'), JSON.stringify(checkpoint));
  }

  /** The sentinel Mesos writes once an executor run has terminated. */
  executorCompleted(run: ExecutorRun): void {
    writeAtomic(path.join(metaRunDir(this.workDir, run), 'executor.sentinel'), '');
  }

  task(run: ExecutorRun, task: TaskInfo): void {
    writeAtomic(path.join(metaTaskDir(this.workDir, run, task.task_id.value), 'task.info'), JSON.stringify(task));
  }

  /** Appended synchronously: the update is durable before the executor hears 202. */
  update(run: ExecutorRun, taskId: string, record: UpdateRecord): void {
    const file = path.join(metaTaskDir(this.workDir, run, taskId), 'task.updates');
    fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
  }

  recover(): RecoveredState | undefined {
    const latest = metaLatest(this.workDir);
    if (!fs.existsSync(latest)) return undefined;
    const agentDir = fs.realpathSync(latest);
    const agentInfo = readJson<AgentInfo>(path.join(agentDir, 'slave.info'));
    if (!agentInfo) return undefined;
    const frameworks: RecoveredFramework[] = [];
    for (const fwId of list(path.join(agentDir, 'frameworks'))) {
      const fwDir = path.join(agentDir, 'frameworks', fwId);
      const info = readJson<FrameworkInfo>(path.join(fwDir, 'framework.info'));
      if (!info) continue;
      const executors: RecoveredExecutor[] = [];
      for (const execId of list(path.join(fwDir, 'executors'))) {
        const execDir = path.join(fwDir, 'executors', execId);
        const execInfo = readJson<ExecutorInfo>(path.join(execDir, 'executor.info'));
        if (!execInfo) continue;
        const latestRun = path.join(execDir, 'runs', 'latest');
        if (!fs.existsSync(latestRun)) { executors.push({ info: execInfo }); continue; }
        const runDir = fs.realpathSync(latestRun);
        const run = readJson<RunCheckpoint>(path.join(runDir, 'run.info'));
        if (!run) { executors.push({ info: execInfo }); continue; }
        const tasks: RecoveredTask[] = [];
        for (const taskId of list(path.join(runDir, 'tasks'))) {
          const taskDir = path.join(runDir, 'tasks', taskId);
          const taskInfo = readJson<TaskInfo>(path.join(taskDir, 'task.info'));
          if (!taskInfo) continue;
          tasks.push({ info: taskInfo, updates: readUpdates(path.join(taskDir, 'task.updates')) });
        }
        executors.push({ info: execInfo, run: { run, completed: fs.existsSync(path.join(runDir, 'executor.sentinel')), tasks } });
      }
      frameworks.push({ info, executors });
    }
    const checkpointed = readJson<{ agent_id: string; resources: Resource[] }>(path.join(this.workDir, 'meta', 'resources', 'resources.info'));
    const resources = checkpointed?.agent_id === agentInfo.id?.value ? checkpointed?.resources : undefined;
    return { agentInfo, frameworks, ...(resources ? { resources } : {}) };
  }
}

/** Reads an update log, ignoring a torn last line from a crash mid-append. */
function readUpdates(file: string): UpdateRecord[] {
  if (!fs.existsSync(file)) return [];
  const records: UpdateRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as UpdateRecord);
    } catch {
      break;
    }
  }
  return records;
}
