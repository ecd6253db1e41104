// The allocation decisions of a cycle as Mesolite's MESOLITE_* operator calls and events carry them:
// one definition for the master that records them and the clients (the debugger) that read them.
import type { Resource } from './v1';

interface Pair { agent_id: string; framework_id: string; role: string }

/** One (agent, framework) decision. Frameworks after the first that found nothing left are not listed. */
export type Decision =
  | (Pair & { decision: 'offered'; resources: Resource[]; stage: 'quota' | 'fair_share'; offer_id?: string })
  | (Pair & { decision: 'filtered'; until: number })
  | (Pair & { decision: 'quota_limit'; detail: string })
  | (Pair & { decision: 'suppressed' | 'gpu_filtered' | 'reserved_for_other_role' | 'nothing_left' | 'inactive' });
