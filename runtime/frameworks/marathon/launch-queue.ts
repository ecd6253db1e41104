// What waits to launch (Marathon's LaunchQueue): per app, how many instances the last converge asked
// for and since when; each app's launch delay (the backoff after failed launches, kept in the state);
// and what became of the offers matched for it, with the reasons those that were not used did not fit
// (GET /v2/queue). Matching places each app's launches round-robin over the offers.
import type { Offer, TaskInfo } from '../../common/protocol/v1';
import { subtract } from '../../common/resources';
import type { AppDefinition } from './app';
import type { Placement } from '../placement';
import { matchOffer, type Match, type RejectReason } from './offers';
import type { MarathonState } from './state';

/** Offers seen for an app while it waits for launches. */
export interface OfferStats {
  processed: number;
  unused: number;
  lastUsedAt?: string;
  lastUnusedAt?: string;
  /** Reasons of the offers since the app last started waiting. */
  rejects: Map<RejectReason, number>;
  lastUnused: Array<{ offer: Offer; timestamp: string; reason: RejectReason[] }>;
}

export interface Waiting { count: number; since: string }

/** An offer with the tasks placed on it (none: it is declined). */
export interface OfferUse { offer: Offer; tasks: TaskInfo[] }

const LAST_UNUSED_OFFERS = 10;

export class LaunchQueue {
  private readonly waiting = new Map<string, Waiting>();
  private readonly stats = new Map<string, OfferStats>();

  constructor(private readonly state: MarathonState) {}

  /**
   * Sets how many launches `appId` waits for (0: none, and its offer statistics go). True when it now
   * waits for more than before and its delay is over: offers are wanted.
   */
  wait(appId: string, count: number): boolean {
    const before = this.waiting.get(appId)?.count ?? 0;
    if (count <= 0) {
      this.waiting.delete(appId);
      this.stats.delete(appId);
      return false;
    }
    this.waiting.set(appId, { count, since: this.waiting.get(appId)?.since ?? new Date().toISOString() });
    return count > before && this.delayLeftSeconds(appId) === 0;
  }

  /** The apps that wait for launches, with what they wait for and the offers seen for them. */
  entries(): Array<{ appId: string; waiting: Waiting; stats?: OfferStats }> {
    return [...this.waiting].map(([appId, waiting]) => ({ appId, waiting, stats: this.stats.get(appId) }));
  }

  /** Apps whose launches wait with their delay over. */
  launchable(): string[] {
    return [...this.waiting.keys()].filter((id) => this.delayLeftSeconds(id) === 0);
  }

  /** Starts or lengthens an app's delay after a failed launch: backoffSeconds × backoffFactor^(failures-1), capped; returns it in seconds. */
  backOff(app: AppDefinition): number {
    const failures = (this.state.delays[app.id]?.failures ?? 0) + 1;
    // backoffFactor ** n overflows to Infinity after enough failures; 0 × Infinity would be NaN.
    const delay = app.backoffSeconds === 0 ? 0 : Math.min(app.backoffSeconds * app.backoffFactor ** (failures - 1), app.maxLaunchDelaySeconds);
    this.state.delays[app.id] = { failures, until: Date.now() + delay * 1000 };
    return delay;
  }

  /** Forgets an app's delay (DELETE /v2/queue/{id}/delay). */
  resetDelay(appId: string): void {
    delete this.state.delays[appId];
  }

  delayLeftSeconds(appId: string): number {
    const until = this.state.delays[appId]?.until ?? 0;
    return Math.max(0, (until - Date.now()) / 1000);
  }

  /** Forgets all of an app (its definition changed or it went): Marathon restarts its backoff. */
  forget(appId: string): void {
    this.resetDelay(appId);
    this.stats.delete(appId);
    this.waiting.delete(appId);
  }

  /**
   * Places the launches that may go now on `offers`, taking from what is left of each offer: an app's
   * instances go round-robin over the offers, so that its launches spread over the agents. `placed`
   * tells where an app's active instances run (for constraints), `launch` makes the task of a match.
   */
  place(offers: Offer[], placed: (app: AppDefinition) => Placement[], launch: (app: AppDefinition, offer: Offer, match: Match) => TaskInfo): OfferUse[] {
    const slots = offers.map((offer) => ({ offer, pool: offer.resources, tasks: [] as TaskInfo[], placement: { hostname: offer.hostname, attributes: offer.attributes ?? [] } }));
    for (const appId of this.launchable()) {
      const app = this.state.apps[appId];
      const wait = this.waiting.get(appId)!;
      if (!app) continue;
      const stats = this.statsOf(appId);
      stats.processed += slots.length;
      const rejected = new Map<number, RejectReason>();
      const used = new Set<number>();
      for (let k = 0; wait.count > 0 && rejected.size < slots.length; k = (k + 1) % slots.length) {
        if (rejected.has(k)) continue;
        const slot = slots[k];
        const match = matchOffer(app, slot.pool, slot.placement, app.constraints.length ? placed(app) : []);
        if (typeof match === 'string') { rejected.set(k, match); continue; }
        slot.tasks.push(launch(app, slot.offer, match));
        slot.pool = subtract(slot.pool, match.resources);
        wait.count--;
        used.add(k);
      }
      if (used.size) stats.lastUsedAt = new Date().toISOString();
      for (const [k, reason] of rejected) if (!used.has(k)) this.recordUnused(stats, slots[k].offer, reason);
    }
    return slots.map(({ offer, tasks }) => ({ offer, tasks }));
  }

  private statsOf(appId: string): OfferStats {
    let stats = this.stats.get(appId);
    if (!stats) this.stats.set(appId, stats = { processed: 0, unused: 0, rejects: new Map(), lastUnused: [] });
    return stats;
  }

  private recordUnused(stats: OfferStats, offer: Offer, reason: RejectReason): void {
    const at = new Date().toISOString();
    stats.unused++;
    stats.lastUnusedAt = at;
    stats.rejects.set(reason, (stats.rejects.get(reason) ?? 0) + 1);
    stats.lastUnused.push({ offer, timestamp: at, reason: [reason] });
    if (stats.lastUnused.length > LAST_UNUSED_OFFERS) stats.lastUnused.shift();
  }
}
