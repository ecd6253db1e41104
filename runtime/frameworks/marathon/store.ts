// Durable framework state: a file in --work_dir when standalone, a znode (`<zk path>/state`, gzipped,
// compare-and-set) with --zk. Writes are coalesced: callers await the write that includes their change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ZkSession } from '../../zk/session';
import { emptyState, type MarathonState } from './state';

interface Backend {
  read(): Promise<MarathonState | undefined>;
  write(data: string): Promise<void>;
}

export class StateStore {
  private pending?: Promise<void>;
  private soon?: NodeJS.Timeout;
  private dirty = false;

  private constructor(private readonly backend: Backend, readonly state: MarathonState) {}

  static async open(backend: Backend): Promise<StateStore> {
    return new StateStore(backend, { ...emptyState(), ...(await backend.read()) });
  }

  static file(workDir: string): Promise<StateStore> {
    return StateStore.open(new FileBackend(path.join(workDir, 'state.json')));
  }

  static async zk(session: ZkSession, zkPath: string): Promise<StateStore> {
    return StateStore.open(await ZkBackend.create(session, `${zkPath}/state`));
  }

  /** Resolves once the current state (with every change made before this call) is durable. */
  save(): Promise<void> {
    this.dirty = true;
    this.pending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      while (this.dirty) {
        this.dirty = false;
        await this.backend.write(JSON.stringify(this.state));
      }
    }).finally(() => { this.pending = undefined; });
    return this.pending;
  }

  /** Writes within `ms` (sharing one write): for changes reconciliation could recover anyway (task states). */
  saveSoon(ms: number): void {
    this.soon ??= setTimeout(() => {
      this.soon = undefined;
      this.save().catch(() => undefined);
    }, ms);
  }
}

class FileBackend implements Backend {
  constructor(private readonly file: string) {}

  async read(): Promise<MarathonState | undefined> {
    try {
      return JSON.parse(await fs.promises.readFile(this.file, 'utf8')) as MarathonState;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async write(data: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, this.file);
  }
}

/** One gzipped JSON document; a write that loses a version race means another instance leads. */
class ZkBackend implements Backend {
  private constructor(private readonly session: ZkSession, private readonly node: string, private version: number, private readonly initial?: MarathonState) {}

  static async create(session: ZkSession, node: string): Promise<ZkBackend> {
    await session.mkdirp(node);
    const { data, version } = await session.data(node);
    return new ZkBackend(session, node, version, data.length ? (JSON.parse(gunzipSync(data).toString('utf8')) as MarathonState) : undefined);
  }

  async read(): Promise<MarathonState | undefined> {
    return this.initial;
  }

  async write(data: string): Promise<void> {
    this.version = await this.session.setData(this.node, gzipSync(data), this.version);
  }
}
