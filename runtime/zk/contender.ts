// Contends for leadership as Mesos' master contender does: an ephemeral sequential
// `<path>/json.info_NNNNNNNNNN` holding this master's MasterInfo JSON; the lowest sequence leads.
// Leadership ends the moment the ZooKeeper connection is lost (see README: no split brain). Like a
// Mesos master that needs a quorum of log replicas, a candidate is elected only while at least
// `quorum` masters contend.
import { EventEmitter } from 'node:events';
import { MASTER_NODE_PREFIX, masterNodes } from './detector';
import { ZkSession } from './session';

/**
 * `gone`: this candidacy's znode no longer exists (the session expired, or someone removed it), so
 * it will never be elected; a follower learns it only this way ('lost' is for a leader).
 */
export class MasterContender extends EventEmitter<{ elected: []; lost: []; gone: [] }> {
  private node?: string;
  private elected = false;
  private stopped = false;
  private readonly onDisconnected = () => this.lose();
  private readonly onChange = () => void this.check();
  private readonly onExpired = () => {
    this.node = undefined;
    this.lose();
    this.emit('gone');
  };

  constructor(private readonly session: ZkSession, private readonly path: string, private readonly quorum = 1) {
    super();
    session.on('disconnected', this.onDisconnected);
    session.on('expired', this.onExpired);
  }

  /** Joins the election with `info` (JSON); re-joins after every loss until stopped. */
  async contend(info: string): Promise<void> {
    await this.session.mkdirp(this.path);
    if (this.node) await this.session.remove(`${this.path}/${this.node}`);
    const created = await this.session.createEphemeralSequential(`${this.path}/${MASTER_NODE_PREFIX}`, Buffer.from(info));
    this.node = created.slice(this.path.length + 1);
    await this.check();
  }

  /** Leaves the election for good: the znode is removed (session.remove never rejects). */
  stop(): void {
    this.stopped = true;
    this.lose();
    this.session.off('disconnected', this.onDisconnected);
    this.session.off('expired', this.onExpired);
    if (this.node) void this.session.remove(`${this.path}/${this.node}`);
  }

  private async check(): Promise<void> {
    if (this.stopped || !this.node) return;
    try {
      const children = await this.session.children(this.path, this.onChange);
      if (!children.includes(this.node)) {
        this.lose();
        this.emit('gone');
        return;
      }
      const masters = masterNodes(children);
      if (!this.elected && masters[0] === this.node && masters.length >= this.quorum) {
        this.elected = true;
        this.emit('elected');
      }
    } catch {
      this.lose();
      // Still connected (a failed call, not a lost connection): look again, or no change is ever seen.
      if (this.session.connected) setTimeout(() => void this.check(), 500).unref();
    }
  }

  private lose(): void {
    if (!this.elected) return;
    this.elected = false;
    this.emit('lost');
  }
}
