// GET /roles (also /master/roles): Mesos' v0 view of every known role: weight, frameworks, what is
// allocated, offered and reserved to it, and its quota (guarantee, limit, consumption).
import { sendJson, type Router } from '../../common/http';
import { isTerminalState, type Resource } from '../../common/protocol/v1';
import * as res from '../../common/resources';
import type { Master } from '../master';

const roleOf = (r: Resource) => r.allocation_info?.role ?? '*';
const scalars = (q: Record<string, { value: number }> | undefined) => Object.fromEntries(Object.entries(q ?? {}).map(([k, v]) => [k, v.value]));

export function rolesJson(master: Master) {
  const { frameworks, offers, agents } = master.state;
  const { weights, quota_configs: quota } = master.registry.state;
  const names = new Set<string>(['*', ...Object.keys(weights), ...quota.map((q) => q.role)]);
  for (const fw of frameworks.values()) for (const r of fw.info.roles ?? [fw.info.role ?? '*']) names.add(r);
  const allocated = [...frameworks.values()].flatMap((fw) => [...fw.tasks.values()].filter((t) => !isTerminalState(t.state)).flatMap((t) => t.resources));
  const offered = [...offers.values()].flatMap((o) => o.offer.resources);
  const reserved = [...agents.values()].flatMap((a) => a.total).filter((r) => res.reservationRole(r) !== '*');
  const of = (list: Resource[], role: string, by: (r: Resource) => string = roleOf) => res.toV0(res.add(list.filter((r) => by(r) === role)));
  return {
    roles: [...names].sort().map((name) => {
      const config = quota.find((q) => q.role === name);
      const consumed = of(allocated, name);
      return {
        name, weight: weights[name] ?? 1,
        frameworks: [...frameworks.values()].filter((fw) => (fw.info.roles ?? [fw.info.role ?? '*']).includes(name)).map((fw) => fw.id),
        resources: consumed, allocated: consumed, offered: of(offered, name), reserved: of(reserved, name, res.reservationRole),
        quota: { role: name, guarantee: scalars(config?.guarantees), limit: scalars(config?.limits), consumed },
      };
    }),
  };
}

export function mountRoles(router: Router, master: Master): void {
  router.on('GET', '/roles', (_req, r) => sendJson(r, 200, rolesJson(master)));
}
