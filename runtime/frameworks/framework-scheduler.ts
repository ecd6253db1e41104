// What every framework of ours does as a Mesos scheduler, whatever it schedules (the app framework,
// Chronos): subscribe through the scheduler SDK with its FrameworkInfo (checkpointed, PARTITION_AWARE,
// failover_timeout, the framework id kept in its state), run its handlers guarded, coalesce every reason
// to look at its work into one pass, want offers only while it has work (REVIVE, SUPPRESS), and
// reconcile on subscription and periodically.
import * as os from 'node:os';
import type { Logger } from '../common/log';
import type { FrameworkInfo, Offer, TaskStatus } from '../common/protocol/v1';
import { Scheduler } from '../scheduler/scheduler';
import type { StateStore } from './store';

export interface FrameworkOptions {
  master: string;
  frameworkName: string;
  role: string;
  /** The user tasks run as unless they say (default: this process's). */
  user?: string;
  failoverTimeoutSeconds: number;
  declineOfferSeconds: number;
  /** Full (explicit, then implicit) reconciliation period. */
  reconciliationIntervalMs: number;
  webuiUrl?: string;
}

/** How often the framework looks after its tasks: kills retried, checks run, unreachable ones expunged, reconciliation due. */
export const TICK_MS = 1000;

export abstract class FrameworkScheduler<S extends { frameworkId?: string }> {
  protected readonly driver: Scheduler;
  private suppressed = false;
  private passQueued = false;
  private ticker?: NodeJS.Timeout;
  private lastReconciliation = Date.now();

  constructor(readonly store: StateStore<S>, protected readonly options: FrameworkOptions, protected readonly log: Logger, capabilities: string[]) {
    const framework: FrameworkInfo = {
      user: options.user ?? os.userInfo().username,
      name: options.frameworkName,
      roles: [options.role],
      failover_timeout: options.failoverTimeoutSeconds,
      checkpoint: true,
      hostname: os.hostname(),
      capabilities: ['PARTITION_AWARE', 'MULTI_ROLE', ...capabilities].map((type) => ({ type })),
      ...(options.webuiUrl ? { webui_url: options.webuiUrl } : {}),
      ...(store.state.frameworkId ? { id: { value: store.state.frameworkId } } : {}),
    };
    this.driver = new Scheduler({ master: options.master, framework });
    this.driver.on('subscribed', (s) => this.guarded('Handling SUBSCRIBED', () => this.onSubscribed(s.framework_id.value)));
    this.driver.on('offers', (offers) => this.guarded(`Matching ${offers.length} offers`, () => this.onOffers(offers)));
    this.driver.on('update', (status) => this.guarded(`Handling ${status.state} of ${status.task_id.value}`, () => this.onUpdate(status)));
    this.driver.on('error', (message) => this.log.error(`The master refused the framework: ${message}`));
  }

  get state(): S {
    return this.store.state;
  }

  /** The role the framework subscribes with: every task's resources are allocated to it. */
  get role(): string {
    return this.options.role;
  }

  get frameworkId(): string | undefined {
    return this.state.frameworkId;
  }

  get isSubscribed(): boolean {
    return this.driver.streamId !== undefined;
  }

  async start(): Promise<void> {
    await this.driver.subscribe();
    this.ticker = setInterval(() => this.guarded('The periodic tick', () => {
      this.tick(Date.now());
      // reconcile() logs its own failures.
      if (this.isSubscribed && Date.now() - this.lastReconciliation > this.options.reconciliationIntervalMs) void this.reconcile();
    }), TICK_MS);
    this.ticker.unref();
  }

  /** Leaves the framework registered (it fails over to the next leader), stops acting. */
  stop(): void {
    clearInterval(this.ticker);
    this.driver.close();
    this.store.close();
  }

  /** Coalesces every reason to look at the work (an API change, a timer, an update) into one pass. */
  requestPass(): void {
    if (this.passQueued) return;
    this.passQueued = true;
    setImmediate(() => {
      this.passQueued = false;
      this.guarded('A pass over the work', () => this.pass());
    });
  }

  /** Looks at the work: what to launch or kill, and whether offers are wanted (wantOffers). */
  protected abstract pass(): void;
  protected abstract onOffers(offers: Offer[]): unknown;
  protected abstract onUpdate(status: TaskStatus): unknown;
  /** Every second: timeouts, retries of kills, whatever time alone changes. */
  protected abstract tick(now: number): void;
  /** The tasks to reconcile explicitly (the ones the framework believes exist). */
  protected abstract knownTasks(): Array<{ taskId: string; agentId?: string }>;

  /** Runs what no caller awaits (a timer, a driver event): an exception is logged with its context, never fatal to the process. */
  protected guarded(what: string, run: () => unknown): void {
    const report = (e: unknown) => this.log.error(`${what} failed: ${(e as Error).stack ?? String(e)}`);
    try {
      const result = run();
      if (result instanceof Promise) result.catch(report);
    } catch (e) {
      report(e);
    }
  }

  /** Offers are wanted while there is work that may launch (revived when `more` came), suppressed otherwise. */
  protected wantOffers(wanted: boolean, more: boolean): void {
    if (!this.isSubscribed) return;
    if (wanted && (more || this.suppressed)) {
      this.suppressed = false;
      this.driver.revive().catch((e: Error) => {
        // Still suppressed at the master: the next pass (at the latest the next tick's) revives again.
        this.log.warn(`Reviving offers failed (retried): ${e.message}`);
        this.suppressed = true;
      });
    } else if (!wanted && !this.suppressed) {
      this.suppressed = true;
      // Not suppressed after all: the next pass suppresses again; meanwhile offers are declined.
      this.driver.suppress().catch(() => { this.suppressed = false; });
    }
  }

  /** Declines offers left unused: they come back after refuse_seconds, or at once after a REVIVE (new work). */
  protected async decline(offerIds: string[]): Promise<void> {
    if (!offerIds.length) return;
    await this.driver.decline(offerIds, { refuse_seconds: this.options.declineOfferSeconds })
      .catch((e: Error) => this.log.warn(`Declining ${offerIds.length} offers failed (they stay with the framework until the master rescinds them): ${e.message}`));
  }

  private async onSubscribed(frameworkId: string): Promise<void> {
    this.log.info(`Subscribed as framework ${frameworkId}`);
    // A new subscription starts unsuppressed at the master.
    this.suppressed = false;
    if (this.state.frameworkId !== frameworkId) {
      this.state.frameworkId = frameworkId;
      // Logged and retried by the store; reconciling meanwhile loses nothing.
      await this.store.save().catch(() => undefined);
    }
    await this.reconcile();
    this.requestPass();
  }

  /** Learns what happened unseen: explicitly for the tasks it knows, implicitly for the rest. */
  private async reconcile(): Promise<void> {
    this.lastReconciliation = Date.now();
    await this.driver.reconcile(this.knownTasks()).catch((e: Error) => this.log.warn(`Explicit reconciliation failed: ${e.message}`));
    await this.driver.reconcile().catch((e: Error) => this.log.warn(`Implicit reconciliation failed: ${e.message}`));
  }
}
