// Client of the master's allocation step mode and cycle traces (Mesolite's MESOLITE_* operator calls,
// README "Allocation"), plus the few Mesos operator calls the offer-cycle debugger reads besides
// GET_STATE. The types describe the JSON on the wire, not the master's internal modules.
import { HttpError, postJson, request } from '../common/http';
import type { Resource } from '../common/protocol/v1';
import type { OperatorClient } from './operator';

interface Pair { agent_id: string; framework_id: string; role: string }

/** One (agent, framework) decision of a cycle, as MESOLITE_STEP_ALLOCATION and the history return it. */
export type CycleDecision =
  | (Pair & { decision: 'offered'; resources: Resource[]; stage: 'quota' | 'fair_share'; offer_id?: string })
  | (Pair & { decision: 'filtered'; until: number })
  | (Pair & { decision: 'quota_limit'; detail: string })
  | (Pair & { decision: 'suppressed' | 'gpu_filtered' | 'reserved_for_other_role' | 'nothing_left' | 'inactive' });

export interface Shares { roles: Record<string, number>; frameworks: Record<string, number> }

export interface CycleTrace {
  cycle: number;
  trigger: string;
  started_at: number;
  duration_ms: number;
  agents: Array<{ agent_id: string; available: Resource[] }>;
  shares: { before: Shares; after: Shares };
  decisions: CycleDecision[];
}

/** The MESOLITE_ALLOCATION_CYCLE event's payload on the operator stream. */
export interface CycleSummary {
  cycle: number;
  trigger: string;
  started_at: number;
  duration_ms: number;
  offers: Array<{ offer_id?: string; framework_id: string; agent_id: string; role: string }>;
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

export interface QuotaConfig { role: string; guarantees?: Record<string, { value: number }>; limits?: Record<string, { value: number }> }

/** An entry of Marathon's GET /v2/queue, reduced to what explains a wait. */
export interface QueueEntry {
  app: { id: string };
  count: number;
  delay: { timeLeftSeconds: number; overdue: boolean };
  processedOffersSummary: { processedOffersCount: number; unusedOffersCount: number; rejectSummaryLastOffers: Array<{ reason: string; declined: number; processed: number }> };
}

export class AllocationClient {
  constructor(private readonly operator: OperatorClient) {}

  /** Posts one operator call; calls answered with an empty 200 resolve to undefined. */
  private async post<T>(type: string, field?: string, extra: Record<string, unknown> = {}): Promise<T> {
    const url = await this.operator.leader.next();
    const res = await postJson(`${url}/api/v1`, { type, ...extra });
    if (res.status !== 200) throw new HttpError(res.status, `${type}: ${res.status} ${res.body}`);
    return (field && res.body ? (JSON.parse(res.body) as Record<string, T>)[field] : undefined) as T;
  }

  pause(): Promise<void> { return this.post('MESOLITE_PAUSE_ALLOCATION'); }
  resume(): Promise<void> { return this.post('MESOLITE_RESUME_ALLOCATION'); }

  /** Runs exactly one allocation cycle now and returns its trace. */
  async step(): Promise<CycleTrace> {
    return (await this.post<{ cycle: CycleTrace }>('MESOLITE_STEP_ALLOCATION', 'mesolite_step_allocation')).cycle;
  }

  /** Traces of cycles numbered above `since`, oldest first (the master keeps up to 1,000). */
  cycles(since = 0, limit = 1000): Promise<{ paused: boolean; cycles: CycleTrace[] }> {
    return this.post('MESOLITE_GET_ALLOCATION_CYCLES', 'mesolite_get_allocation_cycles', { mesolite_get_allocation_cycles: { since, limit } });
  }

  async flags(): Promise<Record<string, string>> {
    const { flags } = await this.post<{ flags: Array<{ name: string; value: string }> }>('GET_FLAGS', 'get_flags');
    return Object.fromEntries(flags.map((f) => [f.name, String(f.value)]));
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
