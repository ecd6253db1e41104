// Durable framework state, shared by the frameworks (the app framework, Chronos): one JSON document in a
// file in --work_dir when standalone, a znode (`<zk path>/state`, gzipped, compare-and-set) with --zk.
// Writes are coalesced: callers await the write that includes their change. A write that fails is
// logged with its context and retried; those awaiting it get a StorageError.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Logger } from '../common/log';
import { Refusal } from '../common/refusal';
import { ZkSession } from '../zk/session';

/** What a framework keeps: a fresh state, and a summary of one for log lines. */
export interface StateShape<S> {
  empty(): S;
  summary(state: S): string;
}

interface Backend<S> {
  /** Where the state goes, for log lines. */
  readonly location: string;
  read(): Promise<S | undefined>;
  write(data: string): Promise<void>;
}

/** The state could not be made durable: the change that needed it did not happen (try again later). */
export class StorageError extends Refusal {
  constructor(message: string) {
    super('unavailable', message);
  }
}

/** A failed write is tried again after this long, with whatever the state is by then. */
const RETRY_MS = 5000;

export class StateStore<S extends object> {
  private pending?: Promise<void>;
  private soon?: NodeJS.Timeout;
  private dirty = false;
  private closed = false;

  private constructor(private readonly backend: Backend<S>, private readonly shape: StateShape<S>, readonly state: S, private readonly log: Logger) {}

  private static async open<S extends object>(backend: Backend<S>, shape: StateShape<S>, log: Logger): Promise<StateStore<S>> {
    return new StateStore(backend, shape, { ...shape.empty(), ...(await backend.read()) }, log);
  }

  static file<S extends object>(workDir: string, shape: StateShape<S>, log: Logger): Promise<StateStore<S>> {
    return StateStore.open(new FileBackend<S>(path.join(workDir, 'state.json')), shape, log);
  }

  static async zk<S extends object>(session: ZkSession, zkPath: string, shape: StateShape<S>, log: Logger): Promise<StateStore<S>> {
    return StateStore.open(await ZkBackend.create<S>(session, `${zkPath}/state`), shape, log);
  }

  /** Resolves once the current state (with every change made before this call) is durable; rejects with a StorageError. */
  save(): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('Could not persist the change: this instance no longer leads'));
    this.dirty = true;
    this.pending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      while (this.dirty) {
        this.dirty = false;
        await this.write();
      }
    }).finally(() => { this.pending = undefined; });
    return this.pending;
  }

  /** Saves without waiting, for changes no client awaits: a failure is logged and retried by write(). */
  persist(): void {
    // write() logged the failure and retries it; a closed store no longer leads, so it has nothing to save.
    this.save().catch(() => undefined);
  }

  /** Writes within `ms` (sharing one write): for changes reconciliation could recover anyway (task states). */
  saveSoon(ms: number): void {
    if (this.closed) return;
    this.soon ??= setTimeout(() => {
      this.soon = undefined;
      this.persist();
    }, ms);
  }

  /** Stops writing (leadership ended): a store opened by the next leader owns the state now. */
  close(): void {
    this.closed = true;
    clearTimeout(this.soon);
  }

  private async write(): Promise<void> {
    let bytes = 0;
    try {
      const data = JSON.stringify(this.state);
      bytes = data.length;
      await this.backend.write(data);
    } catch (e) {
      this.log.error(`Saving the framework state (${bytes} characters; ${this.shape.summary(this.state)}) to ${this.backend.location} failed, retrying in ${RETRY_MS / 1000}s: ${(e as Error).stack ?? String(e)}`);
      this.saveSoon(RETRY_MS);
      throw new StorageError(`Could not persist the change: ${(e as Error).message}`);
    }
  }
}

class FileBackend<S> implements Backend<S> {
  constructor(private readonly file: string) {}

  get location(): string {
    return this.file;
  }

  async read(): Promise<S | undefined> {
    try {
      return JSON.parse(await fs.promises.readFile(this.file, 'utf8')) as S;
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
class ZkBackend<S> implements Backend<S> {
  private constructor(private readonly session: ZkSession, private readonly node: string, private version: number, private readonly initial?: S) {}

  static async create<S>(session: ZkSession, node: string): Promise<ZkBackend<S>> {
    await session.mkdirp(node);
    const { data, version } = await session.data(node);
    return new ZkBackend<S>(session, node, version, data.length ? (JSON.parse(gunzipSync(data).toString('utf8')) as S) : undefined);
  }

  get location(): string {
    return `ZooKeeper node ${this.node}`;
  }

  async read(): Promise<S | undefined> {
    return this.initial;
  }

  async write(data: string): Promise<void> {
    this.version = await this.session.setData(this.node, gzipSync(data), this.version);
  }
}
