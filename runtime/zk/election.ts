// The leader-election loop every daemon that leads shares (the masters, the app framework, later
// Chronos): contend with a payload, hear `elected` (with a signal that aborts when that tenure ends)
// and `lost`, join again after a lost connection or session, resign on purpose, stop. Each candidacy
// is a MasterContender (Mesos' scheme: an ephemeral sequential `<path>/json.info_NNNNNNNNNN`, the
// lowest leads); the detector names whoever leads, for followers to redirect or proxy to.
//
// Joining again always puts a new candidacy at the back of the line before the old one is withdrawn:
// a leader that lost its connection does not take the lead back from whoever took over meanwhile, and
// one that resigns lets the next in line lead.
import { EventEmitter } from 'node:events';
import type { Logger } from '../common/log';
import type { MasterInfo } from '../common/protocol/v1';
import { MasterContender } from './contender';
import { MasterDetector } from './detector';
import type { ZkSession } from './session';

export interface ElectionOptions {
  /** The election's znode: candidates are its children. */
  path: string;
  /** Candidates that must contend before the first in line leads (the masters' --quorum). */
  quorum?: number;
  /** Wait before trying again when joining failed while connected. */
  retryMs?: number;
  log: Logger;
}

export interface ElectionEvents {
  /** This candidate leads; `tenure` aborts (with the reason) when it stops leading, just before `lost`. */
  elected: [tenure: AbortSignal];
  /** This candidate stopped leading: its connection or candidacy was lost, it resigned, or it stopped. */
  lost: [reason: string];
  /** Whoever leads now, as the detector sees it (undefined: nobody, or ZooKeeper is unreachable). */
  leader: [info: MasterInfo | undefined];
}

export class LeaderElection extends EventEmitter<ElectionEvents> {
  private payload?: () => MasterInfo;
  private candidacy?: MasterContender;
  private tenure?: AbortController;
  /** Joins run one after another: each replaces the candidacy the previous one made. */
  private joins = Promise.resolve();
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private readonly detector: MasterDetector;
  private readonly onConnected = () => void this.join('connected to ZooKeeper');

  constructor(private readonly session: ZkSession, private readonly options: ElectionOptions) {
    super();
    this.detector = new MasterDetector(session, options.path);
    this.detector.on('leader', (info) => this.emit('leader', info));
    session.on('connected', this.onConnected);
  }

  /** The leader as the detector last saw it. */
  get leader(): MasterInfo | undefined {
    return this.detector.leader;
  }

  get isLeading(): boolean {
    return this.tenure !== undefined;
  }

  /**
   * Joins with `payload()` now, or once connected, and again after every loss until stopped. The payload
   * is asked for at each candidacy (a master takes a new id for each term).
   */
  contend(payload: () => MasterInfo): void {
    this.payload = payload;
    if (this.session.connected) void this.join('joining');
  }

  /** Stops leading (or gives up its place in line) on purpose: joins again at the back of the line. */
  resign(reason: string): Promise<void> {
    return this.join(reason);
  }

  /** Leaves the election; whoever leads in this process learns it from `lost` (reason `stopped`). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.session.off('connected', this.onConnected);
    this.endTenure('stopped');
    const candidacy = this.candidacy;
    this.candidacy = undefined;
    candidacy?.stop();
    this.detector.stop();
  }

  /** Ends any tenure, puts a new candidacy in line, then withdraws the previous one. Never rejects: failures are logged and retried. */
  private join(why: string): Promise<void> {
    this.endTenure(why);
    this.joins = this.joins.then(() => this.replaceCandidacy(why));
    return this.joins;
  }

  private async replaceCandidacy(why: string): Promise<void> {
    if (this.stopped || !this.payload) return;
    clearTimeout(this.retry);
    const previous = this.candidacy;
    const next = new MasterContender(this.session, this.options.path, this.options.quorum);
    this.candidacy = next;
    next.on('elected', () => { if (this.candidacy === next) this.beginTenure(); });
    next.on('lost', () => { if (this.candidacy === next) this.endTenure('lost the ZooKeeper connection or the candidacy'); });
    // An expired session also reconnects ('connected' joins then); a removed znode needs this.
    next.on('gone', () => { if (this.candidacy === next && this.session.connected) void this.join('the candidacy was removed'); });
    try {
      await next.contend(JSON.stringify(this.payload()));
    } catch (e) {
      this.options.log.warn(`Could not join the election at ${this.options.path} (${why}): ${(e as Error).message}`);
      // Disconnected, the next 'connected' joins; connected, the failure was the call's: try again.
      if (this.session.connected && !this.stopped) {
        this.retry = setTimeout(() => void this.join(why), this.options.retryMs ?? 1000);
        this.retry.unref();
      }
    } finally {
      previous?.stop();
      // Stopped meanwhile: the znode made after stop() is removed now that it is known.
      if (this.stopped) next.stop();
    }
  }

  private beginTenure(): void {
    if (this.tenure || this.stopped) return;
    this.tenure = new AbortController();
    this.emit('elected', this.tenure.signal);
  }

  private endTenure(reason: string): void {
    const tenure = this.tenure;
    if (!tenure) return;
    this.tenure = undefined;
    tenure.abort(reason);
    this.emit('lost', reason);
  }
}
