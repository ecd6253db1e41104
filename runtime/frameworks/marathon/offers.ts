// Matches one app instance against what is left of an offer: cpus, mem, disk, gpus, host ports
// (dynamic from the offer's ranges, or the service ports themselves with requirePorts, or the ports
// a Docker app's port mappings name), roles and
// constraints. A miss names Marathon's reject reason (as /v2/queue reports them).
import { reservationRole } from '../../common/resources';
import type { Resource } from '../../common/protocol/v1';
import type { AppDefinition } from './app';
import { portion, takeScalar, type Placement } from '../placement';
import { unmetConstraint } from './constraints';
import { hostPortRequests } from './networking';

export type RejectReason =
  | 'UnfulfilledRole' | 'UnfulfilledConstraint' | 'InsufficientCpus' | 'InsufficientMemory'
  | 'InsufficientDisk' | 'InsufficientGpus' | 'InsufficientPorts';

export interface Match { resources: Resource[]; hostPorts: number[] }

const SCALARS: Array<[keyof AppDefinition & ('cpus' | 'mem' | 'disk' | 'gpus'), RejectReason]> = [
  ['cpus', 'InsufficientCpus'], ['mem', 'InsufficientMemory'], ['disk', 'InsufficientDisk'], ['gpus', 'InsufficientGpus'],
];

function takePorts(pool: Resource[], wanted: Array<number | undefined>): { resources: Resource[]; ports: number[] } | undefined {
  const free = pool.filter((r) => r.name === 'ports' && r.type === 'RANGES')
    .flatMap((r) => (r.ranges?.range ?? []).map((range) => ({ r, range })));
  const used = new Set<number>();
  const resources: Resource[] = [];
  const ports: number[] = [];
  for (const want of wanted) {
    let chosen: { r: Resource; port: number } | undefined;
    for (const { r, range } of free) {
      if (want !== undefined) {
        if (want >= range.begin && want <= range.end && !used.has(want)) { chosen = { r, port: want }; break; }
        continue;
      }
      for (let p = range.begin; p <= range.end; p++) if (!used.has(p)) { chosen = { r, port: p }; break; }
      if (chosen) break;
    }
    if (!chosen) return undefined;
    used.add(chosen.port);
    ports.push(chosen.port);
    resources.push(portion(chosen.r, { type: 'RANGES', ranges: { range: [{ begin: chosen.port, end: chosen.port }] } }));
  }
  return { resources, ports };
}

/** What one instance of `app` would take from `pool` on the offer's agent, or why it cannot go there. */
export function matchOffer(app: AppDefinition, pool: Resource[], offer: Placement, placed: Placement[]): Match | RejectReason {
  const roles = app.acceptedResourceRoles;
  const usable = roles?.length ? pool.filter((r) => roles.includes(reservationRole(r))) : pool;
  if (usable.length === 0) return 'UnfulfilledRole';
  if (unmetConstraint(app.constraints, offer, placed)) return 'UnfulfilledConstraint';
  const resources: Resource[] = [];
  for (const [field, reason] of SCALARS) {
    const amount = app[field];
    if (!amount) continue;
    const taken = takeScalar(usable, field, amount);
    if (!taken) return reason;
    resources.push(...taken);
  }
  const ports = takePorts(usable, hostPortRequests(app));
  if (!ports) return 'InsufficientPorts';
  return { resources: [...resources, ...ports.resources], hostPorts: ports.ports };
}
