// POST /api/v1: the Mesos v1 Operator HTTP API (master side), plus the v0 endpoints people and tools use.
import * as os from 'node:os';
import { EventStream, HttpError, sendEmpty, sendJson, type Router } from '../../common/http';
import { answerFor, readCall, streamFormat, type Answer } from '../../common/media';
import type { OperatorCallType } from '../../common/protocol/v1';
import * as v from '../../common/validate';
import type { Master } from '../master';
import { MASTER_VERSION } from '../version';
import { metricsSnapshot } from './metrics';
import { ALLOCATION_CALLS, allocationCall, type AllocationCall } from './allocation';
import { CONTROL_CALL, openControl } from './control';
import { DRAINING_CALLS, drainingCall, type DrainingCall } from './draining';
import { MAINTENANCE_CALLS, maintenanceCall, mountMaintenanceEndpoints, type MaintenanceCall } from './maintenance';
import { asHttpError } from '../../common/refusal-status';
import { OperatorSubscribers } from './events';
import { agentV0, frameworkV0, getAgents, getExecutors, getFrameworks, getState, getTasks, masterState } from './state';

const CALL_TYPES: readonly OperatorCallType[] = [
  'GET_HEALTH', 'GET_FLAGS', 'GET_VERSION', 'GET_METRICS', 'GET_LOGGING_LEVEL', 'GET_STATE', 'GET_AGENTS',
  'GET_FRAMEWORKS', 'GET_EXECUTORS', 'GET_TASKS', 'GET_MASTER', 'SUBSCRIBE',
];

const versionInfo = () => ({ version: MASTER_VERSION, build_date: '', build_time: 0, build_user: os.userInfo().username });

export function mountOperatorApi(router: Router, master: Master): void {
  const subscribers = new OperatorSubscribers(master);
  router.on('POST', '/api/v1', async (req, res, url) => {
    const body = await readCall(req, 'mesos.v1.master.Call');
    let answer: Answer | undefined;
    let type: OperatorCallType | AllocationCall | typeof CONTROL_CALL | MaintenanceCall | DrainingCall;
    try {
      type = v.oneOf(body.type, [...CALL_TYPES, ...ALLOCATION_CALLS, CONTROL_CALL, ...MAINTENANCE_CALLS, ...DRAINING_CALLS], 'type');
      if (type === CONTROL_CALL) return openControl(master, body, req, res);
      // Mesolite's own calls answer JSON (the protobuf definitions have not their messages).
      if (type !== 'SUBSCRIBE') answer = type.startsWith('MESOLITE_') ? (r, status, reply) => sendJson(r, status, reply) : answerFor(req, 'mesos.v1.master.Response');
      const streamId = req.headers['mesos-stream-id'];
      const call = (ALLOCATION_CALLS as readonly string[]).includes(type) ? allocationCall(master, type as AllocationCall, body, typeof streamId === 'string' ? streamId : undefined)
        : (MAINTENANCE_CALLS as readonly string[]).includes(type) ? maintenanceCall(master, type as MaintenanceCall, body)
        : (DRAINING_CALLS as readonly string[]).includes(type) ? drainingCall(master, type as DrainingCall, body) : undefined;
      if (call) {
        const [status, reply] = call;
        return reply === undefined ? sendEmpty(res, status) : answer!(res, status, reply);
      }
    } catch (e) {
      if (e instanceof v.ValidationError) throw new HttpError(400, `Failed to validate master::Call: ${e.message}`);
      throw asHttpError(e);
    }
    const reply = (payload: Record<string, unknown>) => answer!(res, 200, { type, ...payload });
    switch (type) {
      case 'GET_HEALTH': return reply({ get_health: { healthy: true } });
      case 'GET_VERSION': return reply({ get_version: { version_info: versionInfo() } });
      case 'GET_FLAGS': return reply({ get_flags: { flags: Object.entries(master.options.flags).map(([name, value]) => ({ name, value })) } });
      case 'GET_METRICS': return reply({ get_metrics: { metrics: Object.entries(metricsSnapshot(master)).map(([name, value]) => ({ name, value })) } });
      case 'GET_LOGGING_LEVEL': return reply({ get_logging_level: { level: 0 } });
      case 'GET_STATE': return reply({ get_state: getState(master) });
      case 'GET_AGENTS': return reply({ get_agents: getAgents(master) });
      case 'GET_FRAMEWORKS': return reply({ get_frameworks: getFrameworks(master) });
      case 'GET_EXECUTORS': return reply({ get_executors: getExecutors(master) });
      case 'GET_TASKS': return reply({ get_tasks: getTasks(master) });
      case 'GET_MASTER': return reply({ get_master: { master_info: master.info, start_time: master.startTime, elected_time: master.startTime } });
      case 'SUBSCRIBE': {
        const format = streamFormat(req, 'mesos.v1.master.Event');
        const cycles = url.searchParams.get('allocation_cycles') === 'true';
        if (cycles && format.wire !== 'json') throw new HttpError(406, 'Events of allocation_cycles=true are JSON only');
        return subscribers.subscribe(new EventStream(res, req, {}, format), cycles);
      }
    }
  });

  mountMaintenanceEndpoints(router, master);
  const state = (_req: unknown, res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, masterState(master));
  router.on('GET', '/master/state', state).on('GET', '/state', state).on('GET', '/master/state.json', state).on('GET', '/state.json', state);
  router.on('GET', '/master/frameworks', (_req, res) => sendJson(res, 200, {
    frameworks: [...master.state.frameworks.values()].map((f) => frameworkV0(master, f)),
    completed_frameworks: master.state.completedFrameworks.map((f) => frameworkV0(master, f)),
    unregistered_frameworks: [],
  }));
  router.on('GET', '/master/slaves', (_req, res) => sendJson(res, 200, { slaves: [...master.state.agents.values()].map((a) => agentV0(master, a)), recovered_slaves: [] }));
  router.on('GET', '/master/tasks', (_req, res) => sendJson(res, 200, {
    tasks: [...master.state.frameworks.values()].flatMap((f) => {
      const v0 = frameworkV0(master, f);
      return [...(v0.tasks as unknown[]), ...(v0.completed_tasks as unknown[])];
    }),
  }));
  const weights = (_req: unknown, res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, Object.entries(master.registry.state.weights).map(([role, weight]) => ({ role, weight })));
  router.on('GET', '/weights', weights).on('GET', '/master/weights', weights);
  router.on('GET', '/quota', (_req, res) => sendJson(res, 200, { configs: master.registry.state.quota_configs }));
  router.on('GET', '/master/flags', (_req, res) => sendJson(res, 200, { flags: master.options.flags }));
  router.on('GET', '/version', (_req, res) => sendJson(res, 200, versionInfo()));
  router.on('GET', '/health', (_req, res) => sendEmpty(res, 200));
  router.on('GET', '/master/health', (_req, res) => sendEmpty(res, 200));
  router.on('GET', '/metrics/snapshot', (_req, res) => sendJson(res, 200, metricsSnapshot(master)));
  router.on('GET', '/master/redirect', (_req, res) => {
    res.writeHead(307, { Location: `//${master.info.hostname}:${master.info.port}`, 'Content-Length': 0 });
    res.end();
  });
}
