// Client of an agent's /files endpoints: sandbox paths from the agent's state, reads at offsets, and
// a follower that tails a file the way Mesos' web UI does (read from the last offset until nothing comes).
import { getJson, request } from '../common/http';

export interface FileChunk { data: string; offset: number }
export interface FileEntry { path: string; size: number; mode: string }

interface AgentStateV0 {
  frameworks: Array<{ id: string; executors: Array<{ id: string; directory: string; tasks: Array<{ id: string }>; completed_tasks: Array<{ id: string }> }> }>;
  completed_frameworks: AgentStateV0['frameworks'];
}

export class FilesClient {
  constructor(readonly agentUrl: string) {}

  async read(path: string, offset: number, length?: number): Promise<FileChunk> {
    const query = new URLSearchParams({ path, offset: String(offset), ...(length !== undefined ? { length: String(length) } : {}) });
    const res = await request('GET', `${this.agentUrl}/files/read?${query}`);
    if (res.status !== 200) throw new Error(`/files/read ${path}: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as FileChunk;
  }

  /** A directory's entries, as Mesos' /files/browse lists them (`mode` starts with `d` for directories). */
  async browse(path: string): Promise<FileEntry[]> {
    return getJson<FileEntry[]>(`${this.agentUrl}/files/browse?${new URLSearchParams({ path })}`);
  }

  /** A whole file. */
  async download(path: string): Promise<string> {
    const res = await request('GET', `${this.agentUrl}/files/download?${new URLSearchParams({ path })}`);
    if (res.status !== 200) throw new Error(`/files/download ${path}: ${res.status} ${res.body}`);
    return res.body;
  }

  /** The sandbox directory of the executor that runs the task. */
  async sandboxOf(frameworkId: string, taskId: string): Promise<string> {
    const state = await getJson<AgentStateV0>(`${this.agentUrl}/state`);
    for (const fw of [...state.frameworks, ...state.completed_frameworks]) {
      if (fw.id !== frameworkId) continue;
      for (const e of fw.executors) {
        if (e.id === taskId || [...e.tasks, ...e.completed_tasks].some((t) => t.id === taskId)) return e.directory;
      }
    }
    throw new Error(`No sandbox for task ${taskId} on ${this.agentUrl}`);
  }

  /** Calls onData with every new chunk of the file until stop() is called. */
  follow(path: string, onData: (data: string) => void, onError: (message: string) => void, intervalMs = 500): { stop(): void } {
    let offset = 0;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const step = async () => {
      try {
        for (;;) {
          const chunk = await this.read(path, offset, 64 * 1024);
          if (stopped || chunk.data.length === 0) break;
          offset = chunk.offset + Buffer.byteLength(chunk.data);
          onData(chunk.data);
        }
      } catch (e) {
        onError((e as Error).message);
      }
      if (!stopped) timer = setTimeout(step, intervalMs);
    };
    void step();
    return { stop: () => { stopped = true; clearTimeout(timer); } };
  }
}
