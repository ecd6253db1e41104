// Maintenance through the operator API (GET/UPDATE_MAINTENANCE_SCHEDULE, GET_MAINTENANCE_STATUS,
// START/STOP_MAINTENANCE) and Mesos' v0 endpoints (/maintenance/schedule, /maintenance/status,
// /machine/down, /machine/up). Bad input is a 400 naming the field; a wrong mode is a 400 as in Mesos.
import { HttpError, readJsonValue, sendEmpty, sendJson, type Router } from '../../common/http';
import type { MachineID } from '../../common/protocol/v1';
import * as v from '../../common/validate';
import { parseMachines, parseSchedule } from '../maintenance';
import type { Master } from '../master';

export const MAINTENANCE_CALLS = [
  'GET_MAINTENANCE_SCHEDULE', 'UPDATE_MAINTENANCE_SCHEDULE', 'GET_MAINTENANCE_STATUS', 'START_MAINTENANCE', 'STOP_MAINTENANCE',
] as const;
export type MaintenanceCall = (typeof MAINTENANCE_CALLS)[number];

function validated<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof v.ValidationError) throw new HttpError(400, e.message);
    throw e;
  }
}

function updateSchedule(master: Master, body: unknown): void {
  master.maintenance.updateSchedule(validated(() => parseSchedule(body, master.registry.state.down_machines)));
}

function machines(master: Master, body: unknown, path: string, down: boolean): void {
  const list: MachineID[] = validated(() => parseMachines(body, path));
  const error = down ? master.maintenance.startMaintenance(list) : master.maintenance.stopMaintenance(list);
  if (error) throw new HttpError(400, error);
}

/** Answers one of MAINTENANCE_CALLS: [status, body]. */
export function maintenanceCall(master: Master, type: MaintenanceCall, body: Record<string, unknown>): [number, unknown] {
  const sub = (key: string) => validated(() => v.object(body[key], key));
  switch (type) {
    case 'GET_MAINTENANCE_SCHEDULE':
      return [200, { type, get_maintenance_schedule: { schedule: master.maintenance.schedulePayload() } }];
    case 'UPDATE_MAINTENANCE_SCHEDULE':
      updateSchedule(master, sub('update_maintenance_schedule').schedule);
      return [200, undefined];
    case 'GET_MAINTENANCE_STATUS':
      return [200, { type, get_maintenance_status: { status: master.maintenance.status() } }];
    case 'START_MAINTENANCE':
      machines(master, sub('start_maintenance').machines, 'start_maintenance.machines', true);
      return [200, undefined];
    case 'STOP_MAINTENANCE':
      machines(master, sub('stop_maintenance').machines, 'stop_maintenance.machines', false);
      return [200, undefined];
  }
}

export function mountMaintenanceEndpoints(router: Router, master: Master): void {
  router.on('GET', '/maintenance/schedule', (_req, res) => sendJson(res, 200, master.maintenance.schedulePayload()));
  router.on('POST', '/maintenance/schedule', async (req, res) => {
    updateSchedule(master, await readJsonValue(req));
    sendEmpty(res, 200);
  });
  router.on('GET', '/maintenance/status', (_req, res) => sendJson(res, 200, master.maintenance.status()));
  for (const [path, down] of [['/machine/down', true], ['/machine/up', false]] as const) {
    router.on('POST', path, async (req, res) => {
      machines(master, await readJsonValue(req), 'machines', down);
      sendEmpty(res, 200);
    });
  }
}
