// The registry in ZooKeeper, at `<path>/registry`: one JSON document written compare-and-set on the
// znode version. A write that loses the race means another master leads: `onConflict` steps down.
import { emptyRegistry, MemoryRegistry, type RegistryState } from '../master/registry';
import { ZkSession } from './session';

export class ZkRegistry extends MemoryRegistry {
  private version: number;

  private constructor(private readonly session: ZkSession, private readonly node: string, state: RegistryState, version: number, onConflict: (e: Error) => void) {
    super(state);
    this.version = version;
    this.onFailure = onConflict;
  }

  static async load(session: ZkSession, path: string, onConflict: (e: Error) => void): Promise<ZkRegistry> {
    const node = `${path}/registry`;
    try {
      await session.create(node, Buffer.from(JSON.stringify(emptyRegistry())));
    } catch (e) {
      if (!ZkSession.isNodeExists(e)) throw e;
    }
    const { data, version } = await session.data(node);
    return new ZkRegistry(session, node, { ...emptyRegistry(), ...(JSON.parse(data.toString('utf8') || '{}') as RegistryState) }, version, onConflict);
  }

  /** Writes are pipelined in order, each expecting the version the previous one produces. */
  protected override save(): void {
    const expected = this.version++;
    this.session.setData(this.node, Buffer.from(JSON.stringify(this.state)), expected).catch((e: Error) => this.onFailure(e));
  }
}
