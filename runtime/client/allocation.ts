// Client of the master's allocation step mode, its controller's calls and the cycle traces (Mesolite's
// MESOLITE_* operator calls, README "The allocator"), plus the few Mesos operator calls the offer-cycle
// debugger reads besides GET_STATE. The types describe the JSON on the wire, not the master's modules.
import { HttpError, postJson, request } from '../common/http';
import type { Decision } from '../common/protocol/allocation';
import type { Resource } from '../common/protocol/v1';
import type { OperatorClient } from './operator';

/** One (agent, framework) decision of a cycle, as MESOLITE_STEP_ALLOCATION and the history return it. */
export type CycleDecision = Decision;

export interface Shares { roles: Record<string, number>; frameworks: Record<string, number> }

/** What the master held right after a cycle made its offers (MESOLITE_GET_ALLOCATION_CYCLES with include_state). */
export interface CycleState {
  agents: Array<{ agent_id: string; active: boolean; total_resources: Resource[]; allocated_resources: Resource[]; offered_resources: Resource[] }>;
  frameworks: Array<{ framework_id: string; roles: string[]; suppressed_roles: string[]; active: boolean }>;
  offers: Array<{ offer_id: string; framework_id: string; agent_id: string; role: string; resources: Resource[] }>;
}

export interface CycleTrace {
  cycle: number;
  trigger: string;
  started_at: number;
  duration_ms: number;
  agents: Array<{ agent_id: string; available: Resource[] }>;
  shares: { before: Shares; after: Shares };
  decisions: CycleDecision[];
  /** Only when asked for; absent for a cycle whose state the master no longer keeps. */
  state?: CycleState;
}

/** The MESOLITE_ALLOCATION_CYCLE event's payload on the operator stream. */
export interface CycleSummary {
  cycle: number;
  trigger: string;
  started_at: number;
  duration_ms: number;
  offers: Array<{ offer_id?: string; framework_id: string; agent_id: string; role: string }>;
  /** Held for the controller, until it releases the cycle. */
  held?: boolean;
}

/** The MESOLITE_OFFER_REMOVED event's payload on the operator stream. */
export interface OfferRemoved {
  offer_id: { value: string };
  framework_id: { value: string };
  agent_id: { value: string };
  reason: 'ACCEPTED' | 'DECLINED' | 'RESCINDED' | 'REMOVED';
  /** Why the master took it back (RESCINDED, REMOVED): OFFER_TIMEOUT, AGENT_DISCONNECTED, FRAMEWORK_REMOVED, … */
  cause?: string;
  refuse_seconds?: number;
  task_ids?: Array<{ value: string }>;
}

export interface CyclesQuery { since?: number; before?: number; limit?: number; includeState?: boolean }

export interface QuotaConfig { role: string; guarantees?: Record<string, { value: number }>; limits?: Record<string, { value: number }> }

/** An entry of Marathon's GET /v2/queue, reduced to what explains a wait. */
export interface QueueEntry {
  app: { id: string };
  count: number;
  delay: { timeLeftSeconds: number; overdue: boolean };
  processedOffersSummary: { processedOffersCount: number; unusedOffersCount: number; rejectSummaryLastOffers: Array<{ reason: string; declined: number; processed: number }> };
}

export class AllocationClient {
  /** The controlling connection's Mesos-Stream-Id (control.ts), sent with pause, step, resume and release. */
  streamId?: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly operator: OperatorClient) {}

  /** Posts one operator call; calls answered with an empty 200 resolve to undefined. */
  private async post<T>(type: string, field?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<T> {
    const url = await this.operator.leader.next();
    const res = await postJson(`${url}/api/v1`, { type, ...extra }, headers);
    if (res.status !== 200) throw new HttpError(res.status, `${type}: ${res.status} ${res.body}`);
    return (field && res.body ? (JSON.parse(res.body) as Record<string, T>)[field] : undefined) as T;
  }

  /** A controller's call: one at a time, in order, so that a PAUSE never overtakes the RESUME before it. */
  private control<T>(type: string, field?: string, extra?: Record<string, unknown>): Promise<T> {
    const call = this.chain.then(() => this.post<T>(type, field, extra, this.streamId ? { 'Mesos-Stream-Id': this.streamId } : {}));
    this.chain = call.catch(() => undefined);
    return call;
  }

  pause(): Promise<void> { return this.control('MESOLITE_PAUSE_ALLOCATION'); }
  /** Cycles run by the master's clock and triggers again, each held until released while controlled. */
  resume(): Promise<void> { return this.control('MESOLITE_RESUME_ALLOCATION'); }
  release(cycle: number): Promise<void> { return this.control('MESOLITE_RELEASE_ALLOCATION_CYCLE', undefined, { mesolite_release_allocation_cycle: { cycle } }); }

  /** Runs exactly one allocation cycle now and returns its trace. */
  async step(): Promise<CycleTrace> {
    return (await this.control<{ cycle: CycleTrace }>('MESOLITE_STEP_ALLOCATION', 'mesolite_step_allocation')).cycle;
  }

  /** Traces of cycles numbered above `since` and below `before`, the newest `limit`, oldest first (the master keeps up to 1,000). */
  cycles(query: CyclesQuery = {}): Promise<{ paused: boolean; cycles: CycleTrace[] }> {
    const { since = 0, before, limit = 1000, includeState } = query;
    return this.post('MESOLITE_GET_ALLOCATION_CYCLES', 'mesolite_get_allocation_cycles', {
      mesolite_get_allocation_cycles: { since, limit, ...(before !== undefined ? { before } : {}), ...(includeState ? { include_state: true } : {}) },
    });
  }

  async weights(): Promise<Record<string, number>> {
    const { weight_infos } = await this.post<{ weight_infos: Array<{ role: string; weight: number }> }>('GET_WEIGHTS', 'get_weights');
    return Object.fromEntries(weight_infos.map((w) => [w.role, w.weight]));
  }

  async quota(): Promise<QuotaConfig[]> {
    return (await this.post<{ status: { configs?: QuotaConfig[] } }>('GET_QUOTA', 'get_quota')).status.configs ?? [];
  }
}

/** GET /v2/queue of a Marathon-compatible framework at `baseUrl` (its FrameworkInfo.webui_url). */
export async function marathonQueue(baseUrl: string, timeoutMs = 2000): Promise<QueueEntry[]> {
  const res = await request('GET', `${baseUrl.replace(/\/+$/, '')}/v2/queue`, undefined, {}, timeoutMs);
  const queue = res.status === 200 ? (JSON.parse(res.body) as { queue?: unknown }).queue : undefined;
  if (!Array.isArray(queue)) throw new Error(`${baseUrl} serves no Marathon queue (${res.status})`);
  return queue as QueueEntry[];
}
