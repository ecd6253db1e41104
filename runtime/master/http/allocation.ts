// Operator calls about allocation: weights, quota, reservations (Mesos' names), and Mesolite's step
// mode, its controller's calls and the cycle history (MESOLITE_* calls, documented in the README; the
// controlling connection itself is control.ts).
import * as res from '../../common/resources';
import type { Resource } from '../../common/protocol/v1';
import * as v from '../../common/validate';
import type { Master } from '../master';
import { QUOTA_RESOURCES, updateQuota, updateWeights } from '../quota';
import type { QuotaConfig } from '../registry';

export const ALLOCATION_CALLS = [
  'GET_WEIGHTS', 'UPDATE_WEIGHTS', 'GET_QUOTA', 'UPDATE_QUOTA', 'RESERVE_RESOURCES', 'UNRESERVE_RESOURCES',
  'MESOLITE_PAUSE_ALLOCATION', 'MESOLITE_RESUME_ALLOCATION', 'MESOLITE_STEP_ALLOCATION', 'MESOLITE_RELEASE_ALLOCATION_CYCLE',
  'MESOLITE_GET_ALLOCATION_CYCLES',
] as const;
export type AllocationCall = (typeof ALLOCATION_CALLS)[number];

function validRole(value: unknown, path: string): string {
  const role = v.string(value, path);
  if (!role || role === '.' || role === '..' || /[\s/\\]|^-/.test(role)) throw new v.ValidationError(`'${path}' is not a valid role name: '${role}'`);
  return role;
}

function quotaScalars(value: unknown, path: string): Record<string, { value: number }> {
  const map = v.optionalObject(value, path) ?? {};
  for (const [name, scalar] of Object.entries(map)) {
    if (!QUOTA_RESOURCES.includes(name)) throw new v.ValidationError(`'${path}.${name}': quota only covers ${QUOTA_RESOURCES.join(', ')}`);
    const amount = v.number(v.object(scalar, `${path}.${name}`).value, `${path}.${name}.value`);
    if (amount < 0) throw new v.ValidationError(`'${path}.${name}.value' must not be negative`);
  }
  return map as Record<string, { value: number }>;
}

function parseQuotaConfigs(body: Record<string, unknown>): { configs: QuotaConfig[]; force: boolean } {
  const update = v.object(body.update_quota, 'update_quota');
  const force = v.boolean(update.force, 'update_quota.force') ?? false;
  const configs = v.array(update.quota_configs, 'update_quota.quota_configs').map((c, i) => {
    const path = `update_quota.quota_configs[${i}]`;
    const config = v.object(c, path);
    const role = validRole(config.role, `${path}.role`);
    if (role === '*') throw new v.ValidationError(`'${path}.role': quota cannot be set for the default role '*'`);
    const guarantees = quotaScalars(config.guarantees, `${path}.guarantees`);
    const limits = quotaScalars(config.limits, `${path}.limits`);
    for (const [name, g] of Object.entries(guarantees)) {
      if (limits[name] && limits[name].value < g.value) throw new v.ValidationError(`'${path}': the ${name} guarantee ${g.value} exceeds its limit ${limits[name].value}`);
    }
    return { role, guarantees, limits };
  });
  return { configs, force };
}

function parseReservation(body: Record<string, unknown>, key: 'reserve_resources' | 'unreserve_resources'): { agentId: string; resources: Resource[] } {
  const call = v.object(body[key], key);
  const agentId = v.id(call.agent_id, `${key}.agent_id`);
  try {
    res.validateResources(call.resources, `${key}.resources`);
  } catch (e) {
    throw new v.ValidationError((e as Error).message);
  }
  return { agentId, resources: res.unallocate(call.resources as Resource[]) };
}

function parseCycles(body: Record<string, unknown>) {
  const query = v.optionalObject(body.mesolite_get_allocation_cycles, 'mesolite_get_allocation_cycles');
  return {
    since: v.optionalNumber(query?.since, 'mesolite_get_allocation_cycles.since') ?? 0,
    before: v.optionalNumber(query?.before, 'mesolite_get_allocation_cycles.before') ?? Infinity,
    limit: Math.min(Math.max(1, v.optionalNumber(query?.limit, 'mesolite_get_allocation_cycles.limit') ?? 10), 1000),
    includeState: v.boolean(query?.include_state, 'mesolite_get_allocation_cycles.include_state') ?? false,
  };
}

/**
 * Answers one of ALLOCATION_CALLS: [status, body]. `streamId` is the caller's Mesos-Stream-Id: while a
 * controller holds allocation, only its calls may pause, step, resume or release. Throws
 * ValidationError on bad input, a Refusal when the master says no.
 */
export function allocationCall(master: Master, type: AllocationCall, body: Record<string, unknown>, streamId?: string): [number, unknown] {
  switch (type) {
    case 'GET_WEIGHTS':
      return [200, { type, get_weights: { weight_infos: Object.entries(master.registry.state.weights).map(([role, weight]) => ({ role, weight })) } }];
    case 'UPDATE_WEIGHTS': {
      const infos = v.array(v.object(body.update_weights, 'update_weights').weight_infos, 'update_weights.weight_infos');
      const weights: Record<string, number> = {};
      infos.forEach((info, i) => {
        const w = v.object(info, `update_weights.weight_infos[${i}]`);
        const weight = v.number(w.weight, `update_weights.weight_infos[${i}].weight`);
        if (weight <= 0) throw new v.ValidationError(`'update_weights.weight_infos[${i}].weight' must be positive`);
        weights[validRole(w.role, `update_weights.weight_infos[${i}].role`)] = weight;
      });
      updateWeights(master, weights);
      return [200, undefined];
    }
    case 'GET_QUOTA':
      return [200, { type, get_quota: { status: { configs: master.registry.state.quota_configs } } }];
    case 'UPDATE_QUOTA': {
      const { configs, force } = parseQuotaConfigs(body);
      updateQuota(master, configs, force);
      return [200, undefined];
    }
    case 'RESERVE_RESOURCES':
    case 'UNRESERVE_RESOURCES': {
      const { agentId, resources } = parseReservation(body, type === 'RESERVE_RESOURCES' ? 'reserve_resources' : 'unreserve_resources');
      master.reservations.operatorCall(type === 'RESERVE_RESOURCES' ? 'RESERVE' : 'UNRESERVE', agentId, resources);
      return [202, undefined];
    }
    case 'MESOLITE_PAUSE_ALLOCATION':
      master.allocationControl.authorize(streamId);
      master.allocation.pause();
      return [200, undefined];
    case 'MESOLITE_RESUME_ALLOCATION':
      master.allocationControl.authorize(streamId);
      master.allocation.resume();
      return [200, undefined];
    case 'MESOLITE_STEP_ALLOCATION':
      master.allocationControl.authorize(streamId);
      return [200, { type, mesolite_step_allocation: { cycle: master.allocation.step() } }];
    case 'MESOLITE_RELEASE_ALLOCATION_CYCLE': {
      const cycle = v.number(v.object(body.mesolite_release_allocation_cycle, 'mesolite_release_allocation_cycle').cycle, 'mesolite_release_allocation_cycle.cycle');
      master.allocationControl.authorize(streamId);
      master.allocation.release(cycle);
      return [200, undefined];
    }
    case 'MESOLITE_GET_ALLOCATION_CYCLES': {
      const { since, before, limit, includeState } = parseCycles(body);
      const traces = master.allocation.history.list(since, limit, before);
      const cycles = includeState ? traces.map((c) => ({ ...c, state: master.cycleStates.get(c.cycle) })) : traces;
      return [200, { type, mesolite_get_allocation_cycles: { paused: master.allocation.paused, cycles } }];
    }
  }
}
