// The connected cluster: one operator SUBSCRIBE stream (reconnecting across failovers) whose events are
// applied to the state as they come (cluster-state.ts), and Marathon's /v2/events applied to the apps
// (apps-feed.ts), and the job framework's jobs re-read when the master reports a task event (jobs-feed.ts).
// A read happens only when an event asks for one (debounced) or the user refreshes; views
// listen to onDidChange and re-render only for the parts they draw. No polling loops.
import * as vscode from 'vscode';
import type { Credentials } from '../runtime/common/authentication';
import { OperatorClient, type GetState, type OperatorEvent, type OperatorSubscription } from '../runtime/client/operator';
import { ChronosClient } from '../runtime/client/chronos';
import { DnsClient } from '../runtime/client/dns';
import { MarathonClient } from '../runtime/client/marathon';
import { AppsFeed } from './apps-feed';
import { JobsFeed, type JobStatus } from './jobs-feed';
import type { AppPart, AppsState } from './apps-state';
import { ALL_PARTS, ClusterState, type Applied, type Part, type Reread } from './cluster-state';
import type { StartedCluster } from './local/local';

export interface ClusterTarget {
  master: string;
  marathon?: string;
  /** The Chronos-compatible job framework's API. */
  chronos?: string;
  /** The HTTP API of the cluster's Mesos-DNS-compatible server, when there is one. */
  dns?: string;
  /** A started cluster is stopped when the window closes unless the user chose to keep it. */
  keepOnClose?: boolean;
  /** Set when this extension started the cluster. */
  started?: StartedCluster;
  /** Sent to masters and agents that authenticate HTTP. */
  credentials?: Credentials;
}

/** What changed: a part of the master's state, the leader, a part of the app framework's apps, or the jobs. */
export type Change = Part | 'leader' | AppPart | 'jobs';

export class ClusterSession implements vscode.Disposable {
  readonly operator: OperatorClient;
  readonly marathon?: MarathonClient;
  readonly chronos?: ChronosClient;
  readonly dns?: DnsClient;
  leader?: string;
  private cluster?: ClusterState;
  private readonly changed = new vscode.EventEmitter<ReadonlySet<Change>>();
  readonly onDidChange = this.changed.event;
  private readonly endEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the session is disposed (cluster stopped, disconnected or replaced). */
  readonly onDidEnd = this.endEmitter.event;
  private readonly subscription: OperatorSubscription;
  private readonly appsFeed?: AppsFeed;
  private readonly jobsFeed?: JobsFeed;
  private readonly owned: Array<{ dispose(): void }> = [];
  private timer?: NodeJS.Timeout;
  /** The read asked for and not yet sent ('state' covers 'offers'). */
  private wanted?: Reread;
  /** Events received since the read in flight was sent: applied again over its answer. */
  private inFlight?: OperatorEvent[];
  private ended = false;

  constructor(readonly target: ClusterTarget, private readonly log: vscode.LogOutputChannel, private readonly debounceMs = 100) {
    this.operator = new OperatorClient(target.master, target.credentials);
    this.marathon = target.marathon ? new MarathonClient(target.marathon) : undefined;
    this.chronos = target.chronos ? new ChronosClient(target.chronos) : undefined;
    this.dns = target.dns ? new DnsClient(target.dns) : undefined;
    this.subscription = this.operator.subscribe({ allocationCycles: true });
    // SUBSCRIBED, the stream's first event, carries the whole state: no read on (re)connection.
    this.subscription.on('connected', (url) => { this.leader = url; log.info(`Subscribed to the operator API of ${url}`); this.fire(['leader']); });
    this.subscription.on('disconnected', (why) => {
      log.warn(`Operator stream lost (${why}); following the leader`);
      // Until the stream is back on a leader, none is known (the old one may be dead).
      if (this.leader === undefined) return;
      this.leader = undefined;
      this.fire(['leader']);
    });
    this.subscription.on('event', (event) => {
      this.inFlight?.push(event);
      this.apply(event);
    });
    this.appsFeed = this.marathon && new AppsFeed(this.marathon, (parts) => this.fire(parts), (m) => log.warn(m), debounceMs);
    this.jobsFeed = this.chronos && new JobsFeed(this.chronos, () => this.fire(['jobs']), (m) => log.warn(m), debounceMs);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get state(): GetState | undefined {
    return this.cluster?.state;
  }

  /** The app framework's apps, once read. */
  get apps(): AppsState | undefined {
    return this.appsFeed?.state;
  }

  /** The job framework's jobs, once read. */
  get jobs(): ReadonlyMap<string, JobStatus> | undefined {
    return this.jobsFeed?.jobs;
  }

  /** Reads the jobs again soon (after a command changed them). */
  refreshJobs(): void {
    this.jobsFeed?.refresh();
  }

  /** Reads the whole state now, the apps and the jobs (Mesolite: Refresh). */
  refresh(): Promise<void> {
    this.appsFeed?.refresh();
    this.jobsFeed?.refresh();
    this.wanted = 'state';
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.read();
  }

  private apply(event: OperatorEvent): void {
    const applied = this.applyEvent(event);
    if (applied.reread) this.schedule(applied.reread);
    this.fire(applied.changed);
  }

  /** SUBSCRIBED (the first event on every connection) replaces the state; the others change it. */
  private applyEvent(event: OperatorEvent): Applied {
    if (event.type !== 'SUBSCRIBED') return this.cluster?.apply(event) ?? { changed: [] };
    this.cluster = new ClusterState(structuredClone((event.subscribed as { get_state: GetState }).get_state));
    return { changed: [...ALL_PARTS] };
  }

  /** Coalesces the reads that a burst of events asks for into one. */
  private schedule(what: Reread): void {
    if (this.ended) return;
    if (this.wanted !== 'state') this.wanted = what;
    this.timer ??= setTimeout(() => { this.timer = undefined; void this.read(); }, this.debounceMs);
  }

  private async read(): Promise<void> {
    // One read at a time: the one in flight schedules the next when it ends.
    if (this.inFlight || !this.wanted) return;
    const what = this.wanted;
    this.wanted = undefined;
    const replay = (this.inFlight = []);
    try {
      if (what === 'state') {
        this.cluster = new ClusterState(await this.operator.getState());
      } else {
        const frameworks = await this.operator.getFrameworks();
        this.cluster?.takeOffers(frameworks);
      }
      // Their re-reads were asked for when they first came.
      for (const event of replay) this.applyEvent(event);
      this.fire(what === 'state' ? ALL_PARTS : ['offers']);
    } catch (e) {
      this.log.warn(`${what === 'state' ? 'GET_STATE' : 'GET_FRAMEWORKS'} failed: ${(e as Error).message}`);
    } finally {
      this.inFlight = undefined;
      if (this.wanted) this.schedule(this.wanted);
    }
  }

  private fire(changes: readonly Change[]): void {
    // A task started or ended: a job's state or counters may have changed with it.
    if (changes.includes('tasks')) this.jobsFeed?.refresh();
    if (changes.length) this.changed.fire(new Set(changes));
  }

  /** Ties something to this session's life, e.g. the followers of its cluster's logs. */
  own(d: { dispose(): void }): void {
    this.owned.push(d);
  }

  dispose(): void {
    this.ended = true;
    for (const d of this.owned) d.dispose();
    clearTimeout(this.timer);
    this.subscription.close();
    this.appsFeed?.close();
    this.jobsFeed?.close();
    this.operator.close();
    this.endEmitter.fire();
    this.endEmitter.dispose();
    this.changed.dispose();
  }
}
