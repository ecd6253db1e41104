// Finds the leading master the way Mesos' detector does: the children of the path named
// `json.info_<sequence>` (others ignored), the lowest sequence leads, its data is MasterInfo JSON.
import { EventEmitter } from 'node:events';
import type { MasterInfo } from '../common/protocol/v1';
import { ZkSession } from './session';

export const MASTER_NODE_PREFIX = 'json.info_';

/** The masters' znodes among children, lowest sequence (the leader) first. */
export function masterNodes(children: string[]): string[] {
  const candidates = children.filter((c) => c.startsWith(MASTER_NODE_PREFIX) && /^\d+$/.test(c.slice(MASTER_NODE_PREFIX.length)));
  return candidates.sort((a, b) => Number(a.slice(MASTER_NODE_PREFIX.length)) - Number(b.slice(MASTER_NODE_PREFIX.length)));
}

/** The leader's znode among children, or undefined. */
export const leaderNode = (children: string[]): string | undefined => masterNodes(children)[0];

export class MasterDetector extends EventEmitter<{ leader: [MasterInfo | undefined] }> {
  leader?: MasterInfo;
  private stopped = false;
  private generation = 0;
  private readonly onChange = () => void this.refresh();

  constructor(private readonly session: ZkSession, private readonly path: string) {
    super();
    session.on('connected', () => this.refresh());
    // Cut off from ZooKeeper, we cannot know who leads.
    session.on('disconnected', () => this.set(undefined));
    session.on('expired', () => this.set(undefined));
    this.refresh();
  }

  stop(): void {
    this.stopped = true;
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    try {
      const children = await this.session.children(this.path, this.onChange);
      const node = leaderNode(children);
      const info = node ? (JSON.parse((await this.session.data(`${this.path}/${node}`)).data.toString('utf8')) as MasterInfo) : undefined;
      if (generation === this.generation) this.set(info);
    } catch (e) {
      // The path does not exist yet: nobody leads. A failed call may also have made us drop an older,
      // good answer (generations), so look again while connected; once reconnected, 'connected' does.
      if (ZkSession.isNoNode(e)) this.set(undefined);
      if (ZkSession.isNoNode(e) || this.session.connected) setTimeout(() => this.refresh(), 500).unref();
    }
  }

  private set(info: MasterInfo | undefined): void {
    if (JSON.stringify(info) === JSON.stringify(this.leader)) return;
    this.leader = info;
    this.emit('leader', info);
  }
}

/** http://host:port of a MasterInfo. */
export const masterUrl = (info: MasterInfo) => `http://${info.address?.ip ?? info.hostname}:${info.address?.port ?? info.port}`;
