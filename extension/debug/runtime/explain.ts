// "Why not?": from the last cycles' traces, one sentence per agent saying why a framework got no
// offer there (its own DECLINE's filter, quota limit, another role's reservation, GPUs, suppression,
// nothing left after frameworks with lower shares, the agent not considered at all).
import type { CycleDecision, CycleTrace, QueueEntry } from '../../../runtime/client/allocation';
import { formatResources } from '../../../runtime/common/resources';
import type { Names } from './names';

export interface Decline { offer_id: string; agent_id: string; at: number }

export interface WhyInput {
  frameworkId: string;
  names: Names;
  /** The last cycles, oldest first. */
  traces: CycleTrace[];
  /** The framework's DECLINEs the debugger saw, oldest first. */
  declines: Decline[];
  /** Agents the cluster has now (a cycle that skipped one says something too). */
  agents: string[];
  /** Marathon's queue entries for the app asked about, if it was an app. */
  queue?: QueueEntry[];
}

export const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

function reason(d: CycleDecision, input: WhyInput, trace: CycleTrace): string {
  const { names } = input;
  const fw = names.framework(input.frameworkId);
  switch (d.decision) {
    case 'offered':
      return `offered ${d.offer_id ? names.offer(d.offer_id) : 'resources'} in cycle ${trace.cycle} (${formatResources(d.resources)})`;
    case 'filtered': {
      const decline = [...input.declines].reverse().find((x) => x.agent_id === d.agent_id && x.at <= trace.started_at + trace.duration_ms + 1000);
      const by = decline ? ` by its own DECLINE of ${names.offer(decline.offer_id)} at ${clock(decline.at)} (refuse_seconds ≈ ${Math.round((d.until - decline.at) / 1000)})` : ' by a filter from its own earlier DECLINE';
      return `filtered until ${clock(d.until)}${by}`;
    }
    case 'quota_limit':
      return `role ${d.role} is at its quota limit (${d.detail})`;
    case 'reserved_for_other_role':
      return `what is left there is reserved for another role than ${d.role}`;
    case 'gpu_filtered':
      return `the agent has GPUs and ${fw} does not declare the GPU_RESOURCES capability`;
    case 'suppressed':
      return `${fw} suppressed offers for role ${d.role}`;
    case 'inactive':
      return `${fw} is inactive (disconnected or failing over)`;
    case 'nothing_left':
      return nothingLeft(d.agent_id, input, trace);
  }
}

function nothingLeft(agentId: string, input: WhyInput, trace: CycleTrace): string {
  const { names } = input;
  const takers = trace.decisions.filter((x): x is Extract<CycleDecision, { decision: 'offered' }> => x.decision === 'offered' && x.agent_id === agentId);
  const mine = trace.shares.before.frameworks[input.frameworkId] ?? 0;
  if (takers.length === 0) return `nothing was left to offer in cycle ${trace.cycle} (resources in use or offered earlier)`;
  const who = takers.map((t) => `${names.framework(t.framework_id)} (share ${+(trace.shares.before.frameworks[t.framework_id] ?? 0).toFixed(3)}) took ${formatResources(t.resources)}`).join('; ');
  return `nothing left in cycle ${trace.cycle} after ${who}; ${names.framework(input.frameworkId)}'s share was ${+mine.toFixed(3)}`;
}

/** The answer to `why <framework>`: a summary line, then one line per agent. */
export function explainWhy(input: WhyInput): string[] {
  const { names, traces, frameworkId } = input;
  const fw = names.framework(frameworkId);
  if (traces.length === 0) return [`No allocation cycle recorded yet: Step Over runs one.`];
  const span = `the last ${traces.length} cycle${traces.length === 1 ? '' : 's'} (${traces[0].cycle}-${traces[traces.length - 1].cycle})`;
  const offers = traces.flatMap((t) => t.decisions.filter((d) => d.decision === 'offered' && d.framework_id === frameworkId));
  const lines = [offers.length ? `${fw} got ${offers.length} offer${offers.length === 1 ? '' : 's'} in ${span}:` : `${fw} got no offer in ${span}:`];
  const agents = [...new Set([...input.agents, ...traces.flatMap((t) => t.agents.map((a) => a.agent_id))])];
  for (const agentId of agents) {
    const label = `${names.agent(agentId)} (${names.agentAddress(agentId)})`;
    // The latest cycle that visited the agent says where things stand now.
    const trace = [...traces].reverse().find((t) => t.agents.some((a) => a.agent_id === agentId));
    if (!trace) {
      lines.push(`  ${label}: not considered by the allocator in ${span} (deactivated, draining, in maintenance or disconnected)`);
      continue;
    }
    const d = trace.decisions.find((x) => x.agent_id === agentId && x.framework_id === frameworkId);
    lines.push(`  ${label}: ${d ? reason(d, input, trace) : nothingLeft(agentId, input, trace)}`);
  }
  for (const q of input.queue ?? []) {
    const rejects = q.processedOffersSummary.rejectSummaryLastOffers.filter((r) => r.declined > 0).map((r) => `${r.reason} (${r.declined})`).join(', ');
    const delay = q.delay.timeLeftSeconds > 0 ? `; backoff delay ${q.delay.timeLeftSeconds}s left` : '';
    lines.push(`  ${fw} waits to launch ${q.count} instance${q.count === 1 ? '' : 's'} of ${q.app.id}: ${q.processedOffersSummary.processedOffersCount} offers processed, ${q.processedOffersSummary.unusedOffersCount} unused${rejects ? `: ${rejects}` : ''}${delay}`);
  }
  return lines;
}
