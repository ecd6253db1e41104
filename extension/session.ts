// The connected cluster: one operator SUBSCRIBE stream (reconnecting across failovers) and Marathon's
// /v2/events drive a debounced GET_STATE refresh; views listen to onDidChange. No polling loops.
import * as vscode from 'vscode';
import { OperatorClient, type GetState, type OperatorSubscription } from '../runtime/client/operator';
import { MarathonClient } from '../runtime/client/marathon';
import type { StartedCluster } from './local/local';

export interface ClusterTarget {
  master: string;
  marathon?: string;
  /** A started cluster is stopped when the window closes unless the user chose to keep it. */
  keepOnClose?: boolean;
  /** Set when this extension started the cluster. */
  started?: StartedCluster;
}

export class ClusterSession implements vscode.Disposable {
  readonly operator: OperatorClient;
  readonly marathon?: MarathonClient;
  state?: GetState;
  leader?: string;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: OperatorSubscription;
  private readonly marathonEvents?: { close(): void };
  private readonly owned: Array<{ dispose(): void }> = [];
  private timer?: NodeJS.Timeout;
  private refreshing = false;
  private again = false;

  constructor(readonly target: ClusterTarget, private readonly log: vscode.LogOutputChannel, debounceMs = 100) {
    this.operator = new OperatorClient(target.master);
    this.marathon = target.marathon ? new MarathonClient(target.marathon) : undefined;
    this.subscription = this.operator.subscribe({ allocationCycles: true });
    this.subscription.on('connected', (url) => { this.leader = url; log.info(`Subscribed to the operator API of ${url}`); this.schedule(0); });
    this.subscription.on('disconnected', (why) => { log.warn(`Operator stream lost (${why}); following the leader`); this.changed.fire(); });
    this.subscription.on('event', (event) => {
      if (event.type === 'SUBSCRIBED') {
        this.state = (event.subscribed as { get_state: GetState }).get_state;
        this.changed.fire();
      } else if (event.type !== 'HEARTBEAT') {
        this.schedule(debounceMs);
      }
    });
    this.marathonEvents = this.marathon?.events((e) => {
      if (/deployment|status_update|app_terminated|api_post/.test(e.eventType)) this.schedule(debounceMs);
    });
  }

  /** Coalesces bursts of events into one GET_STATE. */
  schedule(delayMs = 0): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, delayMs);
  }

  async refresh(): Promise<void> {
    if (this.refreshing) { this.again = true; return; }
    this.refreshing = true;
    try {
      this.state = await this.operator.getState();
      this.changed.fire();
    } catch (e) {
      this.log.warn(`GET_STATE failed: ${(e as Error).message}`);
    } finally {
      this.refreshing = false;
      if (this.again) { this.again = false; this.schedule(0); }
    }
  }

  /** Ties something to this session's life, e.g. the followers of its cluster's logs. */
  own(d: { dispose(): void }): void {
    this.owned.push(d);
  }

  dispose(): void {
    for (const d of this.owned) d.dispose();
    clearTimeout(this.timer);
    this.subscription.close();
    this.marathonEvents?.close();
    this.operator.close();
    this.changed.dispose();
  }
}
