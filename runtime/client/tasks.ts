// Tasks as people look for them, from any master (HOST:PORT or zk://): listed from the leader's
// /master/state, matched as `dcos task log` matches them (exact id, then a unique id prefix, then an
// app id), with the sandbox that holds their output and a tail / follow of its files over /files/read.
import { getJson } from '../common/http';
import { LeaderSource } from '../zk/leader';
import { FilesClient } from './files';

export interface TaskSummary {
  id: string;
  name: string;
  state: string;
  frameworkId: string;
  frameworkName: string;
  agentId: string;
  /** The agent's HTTP address, from its pid (slave(1)@ip:port); undefined when it is gone. */
  agentUrl?: string;
  /** Still running or about to (not terminal). */
  active: boolean;
}

interface TaskV0 { id: string; name: string; state: string; framework_id: string; slave_id: string }
interface FrameworkV0 { id: string; name: string; tasks: TaskV0[]; completed_tasks: TaskV0[]; unreachable_tasks?: TaskV0[] }
interface MasterStateV0 { slaves: Array<{ id: string; pid: string }>; frameworks: FrameworkV0[]; completed_frameworks?: FrameworkV0[] }

/** The leading master's URL; zk:// URLs are resolved through ZooKeeper within `timeoutMs`. */
export async function leaderOf(master: string, timeoutMs = 10_000): Promise<string> {
  const source = new LeaderSource(master);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([source.next(), new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no master leads at ${master} (nothing found within ${timeoutMs / 1000} s)`)), timeoutMs);
    })]);
  } finally {
    clearTimeout(timer);
    source.close();
  }
}

export async function listTasks(masterUrl: string): Promise<TaskSummary[]> {
  const state = await getJson<MasterStateV0>(`${masterUrl}/master/state`);
  const agents = new Map(state.slaves.map((s) => [s.id, agentUrl(s.pid)]));
  const tasks: TaskSummary[] = [];
  for (const f of [...state.frameworks, ...(state.completed_frameworks ?? [])]) {
    const add = (t: TaskV0, active: boolean) => tasks.push({
      id: t.id, name: t.name, state: t.state, frameworkId: f.id, frameworkName: f.name, agentId: t.slave_id, agentUrl: agents.get(t.slave_id), active,
    });
    for (const t of f.tasks) add(t, true);
    for (const t of f.unreachable_tasks ?? []) add(t, false);
    for (const t of f.completed_tasks) add(t, false);
  }
  return tasks;
}

const agentUrl = (pid: string) => {
  const address = pid.split('@')[1];
  return address ? `http://${address}` : undefined;
};

/**
 * The tasks `query` names: the task with exactly that id; else those whose id starts with it; else an
 * app's instances (`/web` or `web` matches Marathon's `web.<uuid>`). Running tasks are looked at
 * before finished ones, so a prefix names today's instance rather than every one before it.
 */
export function matchTasks<T extends { id: string; active: boolean }>(tasks: T[], query: string): T[] {
  const exact = tasks.filter((t) => t.id === query);
  if (exact.length > 0) return exact;
  const app = `${query.replace(/^\/+/, '').replace(/\//g, '_')}.`;
  for (const pool of [tasks.filter((t) => t.active), tasks]) {
    const byPrefix = pool.filter((t) => t.id.startsWith(query));
    if (byPrefix.length > 0) return byPrefix;
    const byApp = pool.filter((t) => t.id.startsWith(app));
    if (byApp.length > 0) return byApp;
  }
  return [];
}

interface ExecutorV0 { id: string; type?: string; directory: string; tasks: Array<{ id: string }>; completed_tasks: Array<{ id: string }> }
interface AgentStateV0 { frameworks: Array<{ id: string; executors: ExecutorV0[]; completed_executors?: ExecutorV0[] }>; completed_frameworks: AgentStateV0['frameworks'] }

/** Each task's sandbox (the directory with its stdout and stderr), asking each agent once; a task group's task has its own under tasks/. */
export async function sandboxesOf(tasks: TaskSummary[]): Promise<Map<string, string>> {
  const sandboxes = new Map<string, string>();
  const wanted = new Set(tasks.map((t) => `${t.frameworkId}/${t.id}`));
  await Promise.all([...new Set(tasks.map((t) => t.agentUrl).filter((u) => u !== undefined))].map(async (url) => {
    const state = await getJson<AgentStateV0>(`${url}/state`).catch(() => undefined); // an agent that is gone has no sandboxes to show
    for (const f of state ? [...state.frameworks, ...state.completed_frameworks] : []) {
      for (const e of [...f.executors, ...(f.completed_executors ?? [])]) {
        for (const t of [...e.tasks, ...e.completed_tasks]) {
          if (wanted.has(`${f.id}/${t.id}`)) sandboxes.set(t.id, e.type === 'DEFAULT' ? `${e.directory}/tasks/${t.id}` : e.directory);
        }
      }
    }
  }));
  return sandboxes;
}

export async function sandboxOf(task: TaskSummary): Promise<string> {
  if (!task.agentUrl) throw new Error(`the agent of task ${task.id} (${task.agentId}) is no longer registered`);
  const sandbox = (await sandboxesOf([task])).get(task.id);
  if (!sandbox) throw new Error(`agent ${task.agentUrl} does not answer or keeps no sandbox for task ${task.id} any more`);
  return sandbox;
}

const CHUNK = 64 * 1024;

/** The last `lines` lines of a file and the offset after them (the file's size then). */
export async function tail(files: FilesClient, path: string, lines: number): Promise<{ text: string; end: number }> {
  const { offset: size } = await files.read(path, -1);
  let start = size;
  let text = '';
  let want = CHUNK;
  // Read backwards, each piece from a line's start (so that no character is cut in two), until the
  // text holds `lines` complete lines or the file's start is reached.
  while (start > 0 && text.split('\n').length - 1 <= lines) {
    const from = Math.max(0, start - want);
    let data = await readRange(files, path, from, start);
    if (from > 0) {
      const lineStart = data.indexOf('\n') + 1;
      // No line starts inside this piece: a longer line, read a larger piece.
      if (lineStart === 0 || lineStart === data.length) { want *= 2; continue; }
      data = data.slice(lineStart);
    }
    text = data + text;
    start = from > 0 ? start - Buffer.byteLength(data) : 0;
  }
  const complete = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const kept = lines === 0 || text === '' ? [] : complete.slice(-lines);
  return { text: kept.length > 0 ? `${kept.join('\n')}${text.endsWith('\n') ? '\n' : ''}` : '', end: size };
}

/** Bytes [from, to) of a file, in reads of at most the agent's 64 KiB each. */
async function readRange(files: FilesClient, path: string, from: number, to: number): Promise<string> {
  let data = '';
  for (let offset = from; offset < to; offset += CHUNK) data += (await files.read(path, offset, Math.min(CHUNK, to - offset))).data;
  return data;
}

/**
 * Prints what is appended to the file from `offset` on, every `intervalMs`, until stop() or a read
 * fails (the agent or the sandbox is gone): onEnd gets the reason, once.
 */
export function follow(files: FilesClient, path: string, offset: number, onData: (text: string) => void, onEnd: (reason: string) => void, intervalMs = 500): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const step = async () => {
    try {
      for (;;) {
        const chunk = await files.read(path, offset, CHUNK);
        if (stopped || chunk.data.length === 0) break;
        // A chunk may end inside a character (decoded as U+FFFD): leave it for the next read.
        const cut = chunk.data.length > 1 && chunk.data.endsWith('\uFFFD') ? chunk.data.slice(0, -1) : chunk.data;
        offset = chunk.offset + Buffer.byteLength(cut);
        onData(cut);
      }
    } catch (e) {
      if (!stopped) onEnd((e as Error).message);
      return;
    }
    if (!stopped) timer = setTimeout(step, intervalMs);
  };
  void step();
  return { stop: () => { stopped = true; clearTimeout(timer); } };
}
