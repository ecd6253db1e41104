// Agent checkpoints under work_dir/meta. As in Mesos' layout: the agent's info (meta/slaves/<id>/slave.info
// and the meta/slaves/latest link), its resources and each framework's info (frameworks/<id>/framework.info).
// Unlike Mesos' file per executor, run and task, a framework's executor runs, tasks and status update
// streams go into one append-only log (frameworks/<id>/executors.log): on a disk, creating a file or a
// directory costs a hundred times an append, and Mesos' layout creates a dozen of them per task.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StatusUpdate } from '../common/protocol/internal';
import type { AgentInfo, ExecutorInfo, FrameworkInfo, Resource, TaskInfo } from '../common/protocol/v1';
import { metaAgentDir, metaFrameworkDir, metaLatest, type ExecutorRun } from './sandbox';

export type UpdateRecord = { type: 'UPDATE'; update: StatusUpdate } | { type: 'ACK'; uuid: string };

export interface RunCheckpoint {
  container_id: string;
  directory: string;
  /**
   * 'host' for executors run by the framework's executor host, 'docker' for those of them running their
   * task in a Docker container, 'process' for a custom executor process.
   */
  launcher: 'host' | 'docker' | 'process';
  pid?: number;
}

export interface RecoveredTask { info: TaskInfo; updates: UpdateRecord[] }
export interface RecoveredRun { run: RunCheckpoint; completed: boolean; tasks: RecoveredTask[] }
export interface RecoveredExecutor { info: ExecutorInfo; run?: RecoveredRun }
export interface RecoveredFramework { info: FrameworkInfo; executors: RecoveredExecutor[] }
export interface RecoveredState { agentInfo: AgentInfo; resources?: Resource[]; frameworks: RecoveredFramework[] }

/** One line of a framework's executors.log. */
type LogRecord =
  | { type: 'RUN'; executor_info: ExecutorInfo; run: RunCheckpoint }
  | { type: 'COMPLETED'; executor_id: string; container_id: string }
  | { type: 'TASK'; executor_id: string; container_id: string; task: TaskInfo }
  | { type: 'STATUS'; executor_id: string; container_id: string; task_id: string; record: UpdateRecord };

interface LoggedRun { run: RunCheckpoint; completed: boolean; tasks: Map<string, RecoveredTask> }
interface LoggedExecutor { info: ExecutorInfo; latest: LoggedRun }

function writeAtomic(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

const readJson = <T>(file: string): T | undefined => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined);
const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.endsWith('.tmp')) : []);

/**
 * An update stream's records with the acknowledged part folded into its last update and acknowledgement
 * (which keep the task's state); the updates waiting for acknowledgement follow. An ACK is only ever
 * recorded for the stream's head, so the first n UPDATEs are the acknowledged ones.
 */
function compactUpdates(records: UpdateRecord[]): { records: UpdateRecord[]; pending: number } {
  const updates = records.filter((r) => r.type === 'UPDATE');
  const acks = records.filter((r) => r.type === 'ACK');
  const n = acks.length;
  return { records: [...(n ? [updates[n - 1], acks[n - 1]] : []), ...updates.slice(n)], pending: updates.length - n };
}

/**
 * A framework's executors.log and what it says now (each executor's latest run, its tasks and update
 * streams). Once it holds many times the lines that say that, it is rewritten from it.
 */
class ExecutorsLog {
  readonly executors = new Map<string, LoggedExecutor>();
  private lines = 0;
  private compactAt = 1000;

  constructor(readonly file: string) {}

  /** Replays the log (a torn last line from a crash mid-append ends it) and rewrites it compacted. */
  recover(): void {
    if (!fs.existsSync(this.file)) return;
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      let record: LogRecord;
      try {
        record = JSON.parse(line) as LogRecord;
      } catch {
        break;
      }
      this.apply(record);
    }
    this.compact();
  }

  append(record: LogRecord): void {
    this.apply(record);
    if (this.lines === 0) fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    if (++this.lines >= this.compactAt) this.compact();
  }

  private run(executorId: string, containerId: string): LoggedRun | undefined {
    const latest = this.executors.get(executorId)?.latest;
    return latest?.run.container_id === containerId ? latest : undefined;
  }

  private apply(record: LogRecord): void {
    switch (record.type) {
      case 'RUN': {
        const id = record.executor_info.executor_id.value;
        const same = this.run(id, record.run.container_id);
        this.executors.set(id, { info: record.executor_info, latest: { run: record.run, completed: false, tasks: same?.tasks ?? new Map() } });
        return;
      }
      case 'COMPLETED': {
        const run = this.run(record.executor_id, record.container_id);
        if (run) run.completed = true;
        return;
      }
      case 'TASK':
        this.run(record.executor_id, record.container_id)?.tasks.set(record.task.task_id.value, { info: record.task, updates: [] });
        return;
      case 'STATUS':
        this.run(record.executor_id, record.container_id)?.tasks.get(record.task_id)?.updates.push(record.record);
        return;
    }
  }

  /** What the log says now, as records; a completed run whose every update is acknowledged is left out. */
  private snapshot(): LogRecord[] {
    const records: LogRecord[] = [];
    for (const [executorId, { info, latest }] of this.executors) {
      const streams = [...latest.tasks.values()].map((t) => ({ info: t.info, ...compactUpdates(t.updates) }));
      if (latest.completed && streams.every((t) => t.pending === 0)) { this.executors.delete(executorId); continue; }
      const ids = { executor_id: executorId, container_id: latest.run.container_id };
      records.push({ type: 'RUN', executor_info: info, run: latest.run });
      for (const t of streams) {
        latest.tasks.set(t.info.task_id.value, { info: t.info, updates: t.records });
        records.push({ type: 'TASK', ...ids, task: t.info });
        for (const record of t.records) records.push({ type: 'STATUS', ...ids, task_id: t.info.task_id.value, record });
      }
      if (latest.completed) records.push({ type: 'COMPLETED', ...ids });
    }
    return records;
  }

  private compact(): void {
    const records = this.snapshot();
    if (records.length) writeAtomic(this.file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    else fs.rmSync(this.file, { force: true });
    this.lines = records.length;
    this.compactAt = Math.max(1000, 2 * records.length);
  }
}

export class Checkpointer {
  private readonly logs = new Map<string, ExecutorsLog>();

  constructor(private readonly workDir: string) {}

  private log(agentId: string, frameworkId: string): ExecutorsLog {
    const file = path.join(metaFrameworkDir(this.workDir, agentId, frameworkId), 'executors.log');
    let log = this.logs.get(file);
    if (!log) {
      log = new ExecutorsLog(file);
      this.logs.set(file, log);
    }
    return log;
  }

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

  /** A new executor run (or its checkpoint again, e.g. with the pid of its process). */
  executor(run: ExecutorRun, info: ExecutorInfo, checkpoint: RunCheckpoint): void {
    this.log(run.agentId, run.frameworkId).append({ type: 'RUN', executor_info: info, run: checkpoint });
  }

  /** The sentinel Mesos writes once an executor run has terminated. */
  executorCompleted(run: ExecutorRun): void {
    this.log(run.agentId, run.frameworkId).append({ type: 'COMPLETED', executor_id: run.executorId, container_id: run.containerId });
  }

  task(run: ExecutorRun, task: TaskInfo): void {
    this.log(run.agentId, run.frameworkId).append({ type: 'TASK', executor_id: run.executorId, container_id: run.containerId, task });
  }

  /** Appended synchronously: the update is durable before the executor hears 202. */
  update(run: ExecutorRun, taskId: string, record: UpdateRecord): void {
    this.log(run.agentId, run.frameworkId).append({ type: 'STATUS', executor_id: run.executorId, container_id: run.containerId, task_id: taskId, record });
  }

  recover(): RecoveredState | undefined {
    const latest = metaLatest(this.workDir);
    if (!fs.existsSync(latest)) return undefined;
    const agentDir = fs.realpathSync(latest);
    const agentInfo = readJson<AgentInfo>(path.join(agentDir, 'slave.info'));
    if (!agentInfo?.id) return undefined;
    const frameworks: RecoveredFramework[] = [];
    for (const fwId of list(path.join(agentDir, 'frameworks'))) {
      const info = readJson<FrameworkInfo>(path.join(agentDir, 'frameworks', fwId, 'framework.info'));
      if (!info) continue;
      const log = this.log(agentInfo.id.value, fwId);
      log.recover();
      const executors = [...log.executors.values()].map(({ info: executorInfo, latest: run }) => ({
        info: executorInfo, run: { run: run.run, completed: run.completed, tasks: [...run.tasks.values()] },
      }));
      frameworks.push({ info, executors });
    }
    const checkpointed = readJson<{ agent_id: string; resources: Resource[] }>(path.join(this.workDir, 'meta', 'resources', 'resources.info'));
    const resources = checkpointed?.agent_id === agentInfo.id.value ? checkpointed?.resources : undefined;
    return { agentInfo, frameworks, ...(resources ? { resources } : {}) };
  }
}
