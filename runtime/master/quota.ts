// Role weights and quota (Mesos' weights and quota handlers): kept in the registry and given to the
// allocator. Guarantees beyond what the cluster has are refused unless the operator forces them.
import { Refusal } from '../common/refusal';
import * as res from '../common/resources';
import type { QuotaConfig } from './registry';
import type { MasterContext } from './state';

/** The resources quota covers. */
export const QUOTA_RESOURCES = ['cpus', 'mem', 'disk', 'gpus'];

type Context = Pick<MasterContext, 'state' | 'registry' | 'allocator' | 'requestAllocation'>;

function giveAllocator(ctx: Context, config: QuotaConfig): void {
  const scalars = (m: QuotaConfig['guarantees']) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v.value]));
  const empty = !Object.keys(config.guarantees ?? {}).length && !Object.keys(config.limits ?? {}).length;
  ctx.allocator.updateQuota(config.role, empty ? undefined : { guarantees: scalars(config.guarantees), limits: scalars(config.limits) });
}

/** A new master's allocator starts from the registry's weights and quota. */
export function recoverRoles(ctx: Context): void {
  ctx.allocator.updateWeights(ctx.registry.state.weights);
  for (const config of ctx.registry.state.quota_configs) giveAllocator(ctx, config);
}

export function updateWeights(ctx: Context, weights: Record<string, number>): void {
  ctx.registry.putWeights(weights);
  ctx.allocator.updateWeights(weights);
  ctx.requestAllocation('weights_updated');
}

/** UPDATE_QUOTA: a config without guarantees and limits removes the role's quota. */
export function updateQuota(ctx: Context, configs: QuotaConfig[], force: boolean): void {
  if (!force) {
    const others = ctx.registry.state.quota_configs.filter((q) => !configs.some((c) => c.role === q.role));
    const total = res.add(...[...ctx.state.agents.values()].filter((a) => a.active).map((a) => a.total));
    for (const name of QUOTA_RESOURCES) {
      const guaranteed = [...others, ...configs].reduce((sum, q) => sum + (q.guarantees?.[name]?.value ?? 0), 0);
      if (guaranteed > res.scalar(total, name) + 1e-9) {
        throw new Refusal('invalid', `Total quota guarantees of ${name} (${guaranteed}) exceed the cluster capacity (${res.scalar(total, name)}); use 'force' to set them anyway`);
      }
    }
  }
  for (const config of configs) {
    ctx.registry.putQuota(config);
    giveAllocator(ctx, config);
  }
  ctx.requestAllocation('quota_updated');
}
