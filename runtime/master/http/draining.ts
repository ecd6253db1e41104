// DRAIN_AGENT, DEACTIVATE_AGENT, REACTIVATE_AGENT and MARK_AGENT_GONE on the operator API, answered as
// Mesos answers them: 200 with no body, 400 naming the field or why the agent cannot be (re)activated
// or drained, 404 for MARK_AGENT_GONE of an agent the master never knew.
import { parseDuration } from '../../common/duration';
import type { DurationInfo } from '../../common/protocol/v1';
import * as v from '../../common/validate';
import type { Master } from '../master';

export const DRAINING_CALLS = ['DRAIN_AGENT', 'DEACTIVATE_AGENT', 'REACTIVATE_AGENT', 'MARK_AGENT_GONE'] as const;
export type DrainingCall = (typeof DRAINING_CALLS)[number];

/** A google.protobuf.Duration in its JSON form ("90s", "1.5s"), or a Mesos duration ("10mins", as the docs show). */
function duration(value: unknown, path: string): DurationInfo {
  const text = v.string(value, path);
  const seconds = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  try {
    return { nanoseconds: Math.round(seconds ? Number(seconds[1]) * 1e9 : parseDuration(text) * 1e6) };
  } catch {
    throw new v.ValidationError(`'${path}' must be a duration such as "90s" or "10mins", got '${text}'`);
  }
}

/** Answers one of DRAINING_CALLS: [status, body]; the draining's refusals go up to the operator API. */
export function drainingCall(master: Master, type: DrainingCall, body: Record<string, unknown>): [number, unknown] {
  const key = type.toLowerCase();
  const call = v.object(body[key], key);
  const agentId = v.id(call.agent_id, `${key}.agent_id`);
  switch (type) {
    case 'DRAIN_AGENT': {
      const markGone = v.boolean(call.mark_gone, `${key}.mark_gone`) ?? false;
      const grace = call.max_grace_period === undefined ? undefined : duration(call.max_grace_period, `${key}.max_grace_period`);
      master.draining.drain(agentId, { ...(grace ? { max_grace_period: grace } : {}), mark_gone: markGone });
      break;
    }
    case 'DEACTIVATE_AGENT':
      master.draining.deactivate(agentId);
      break;
    case 'REACTIVATE_AGENT':
      master.draining.reactivate(agentId);
      break;
    case 'MARK_AGENT_GONE':
      master.draining.markGone(agentId);
      break;
  }
  return [200, undefined];
}
