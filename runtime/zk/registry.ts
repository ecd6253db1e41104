// A registry store in ZooKeeper: one document at `<path>/registry`, read once when a master takes the
// lead, then written compare-and-set on the znode version. A write that loses the race means another
// master leads: its promise rejects, and the registry's onFailure ends this master's term. What the
// document holds is the caller's (the master gives its registry codec); this module only stores bytes.
import { ZkSession } from './session';

export interface Codec<T> {
  encode(value: T): Buffer;
  /** Also reads the empty document a new registry starts as. */
  decode(data: Buffer): T;
}

export class ZkRegistryStore<T> {
  private constructor(private readonly session: ZkSession, private readonly node: string, private readonly codec: Codec<T>, private version: number) {}

  /** The store and the state it holds now (created empty if there is none yet). */
  static async load<T>(session: ZkSession, path: string, codec: Codec<T>): Promise<{ store: ZkRegistryStore<T>; state: T }> {
    const node = `${path}/registry`;
    try {
      await session.create(node, Buffer.alloc(0));
    } catch (e) {
      if (!ZkSession.isNodeExists(e)) throw e;
    }
    const { data, version } = await session.data(node);
    return { store: new ZkRegistryStore(session, node, codec, version), state: codec.decode(data) };
  }

  /** Writes are pipelined in order, each expecting the version the previous one produces. */
  save(state: T): Promise<number> {
    return this.session.setData(this.node, this.codec.encode(state), this.version++);
  }
}
