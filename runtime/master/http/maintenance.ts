// Maintenance through the operator API (GET/UPDATE_MAINTENANCE_SCHEDULE, GET_MAINTENANCE_STATUS,
// START/STOP_MAINTENANCE) and Mesos' v0 endpoints (/maintenance/schedule, /maintenance/status,
// /machine/down, /machine/up). Bad input is a 400 naming the field; a wrong mode is a 400 as in Mesos.
import { HttpError, readJsonValue, sendEmpty, sendJson, type Router } from '../../common/http';
import * as v from '../../common/validate';
import { parseMachines, parseSchedule } from '../maintenance';
import type { Master } from '../master';
import { asHttpError } from '../../common/refusal-status';

export const MAINTENANCE_CALLS = [
  'GET_MAINTENANCE_SCHEDULE', 'UPDATE_MAINTENANCE_SCHEDULE', 'GET_MAINTENANCE_STATUS', 'START_MAINTENANCE', 'STOP_MAINTENANCE',
] as const;
export type MaintenanceCall = (typeof MAINTENANCE_CALLS)[number];

/** Runs a call: bad input is a 400 naming the field, a refusal the status of its kind. */
function answered<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof v.ValidationError) throw new HttpError(400, e.message);
    throw asHttpError(e);
  }
}

function updateSchedule(master: Master, body: unknown): void {
  answered(() => master.maintenance.updateSchedule(parseSchedule(body, master.registry.state.down_machines)));
}

function machines(master: Master, body: unknown, path: string, down: boolean): void {
  answered(() => {
    const list = parseMachines(body, path);
    if (down) master.maintenance.startMaintenance(list);
    else master.maintenance.stopMaintenance(list);
  });
}

/** Answers one of MAINTENANCE_CALLS: [status, body]. */
export function maintenanceCall(master: Master, type: MaintenanceCall, body: Record<string, unknown>): [number, unknown] {
  const sub = (key: string) => answered(() => v.object(body[key], key));
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
