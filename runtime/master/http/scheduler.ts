// POST /api/v1/scheduler: the Mesos v1 Scheduler HTTP API (docs/scheduler-http-api.md).
import { EventStream, HttpError, sendEmpty, type Router } from '../../common/http';
import { readCall, streamFormat } from '../../common/media';
import { newUUID } from '../../common/ids';
import type { FrameworkInfo, SchedulerCall, SchedulerCallType, SchedulerEvent } from '../../common/protocol/v1';
import { Refusal } from '../../common/refusal';
import * as v from '../../common/validate';
import type { Master } from '../master';
import type { FrameworkRecord } from '../state';
import { asHttpError } from '../../common/refusal-status';

const CALL_TYPES: readonly SchedulerCallType[] = [
  'SUBSCRIBE', 'TEARDOWN', 'ACCEPT', 'DECLINE', 'ACCEPT_INVERSE_OFFERS', 'DECLINE_INVERSE_OFFERS', 'REVIVE', 'KILL',
  'SHUTDOWN', 'ACKNOWLEDGE', 'ACKNOWLEDGE_OPERATION_STATUS', 'RECONCILE', 'RECONCILE_OPERATIONS', 'MESSAGE', 'REQUEST',
  'SUPPRESS', 'UPDATE_FRAMEWORK',
];
const OPERATION_TYPES = ['LAUNCH', 'LAUNCH_GROUP', 'RESERVE', 'UNRESERVE', 'CREATE', 'DESTROY', 'GROW_VOLUME', 'SHRINK_VOLUME', 'CREATE_DISK', 'DESTROY_DISK'] as const;

/** A FrameworkInfo held by the master (and its registry) is at most this large, as JSON. */
const MAX_FRAMEWORK_INFO_BYTES = 64 * 1024;

const labels = (value: unknown, path: string) => ({
  labels: v.optionalArray(v.object(value, path).labels, `${path}.labels`).map((l, i) => {
    const label = v.object(l, `${path}.labels[${i}]`);
    const value = v.optionalString(label.value, `${path}.labels[${i}].value`);
    return { key: v.string(label.key, `${path}.labels[${i}].key`), ...(value === undefined ? {} : { value }) };
  }),
});

// OfferFilters per role: {min_allocatable_resources: {quantities: [{quantities: {<name>: {value}}}]}}.
const offerFilters = (value: unknown, path: string) => Object.fromEntries(Object.entries(v.object(value, path)).map(([role, f]) => {
  const min = v.optionalObject(v.object(f, `${path}.${role}`).min_allocatable_resources, `${path}.${role}.min_allocatable_resources`);
  if (!min) return [role, {}];
  const qs = v.optionalArray(min.quantities, `${path}.${role}.min_allocatable_resources.quantities`).map((q, i) => {
    const item = `${path}.${role}.min_allocatable_resources.quantities[${i}]`;
    const at = `${item}.quantities`;
    return { quantities: Object.fromEntries(Object.entries(v.optionalObject(v.object(q, item).quantities, at) ?? {})
      .map(([name, scalar]) => [name, { value: v.number(v.object(scalar, `${at}.${name}`).value, `${at}.${name}.value`) }])) };
  });
  return [role, { min_allocatable_resources: { quantities: qs } }];
}));

/**
 * FrameworkInfo as the master keeps it: the shape checked field by field and only the fields
 * mesos.proto defines kept, so nothing unknown reaches the registry, the agents or /master/state.
 * Its rules (roles, suppressed roles) are validation.ts's validateFrameworkInfo, once the shape is known good.
 */
function parseFrameworkInfo(value: unknown, path: string): FrameworkInfo {
  const info = v.object(value, path);
  const optional = <T>(key: string, read: (value: unknown, path: string) => T) =>
    (info[key] === undefined ? {} : { [key]: read(info[key], `${path}.${key}`) });
  const kept = {
    user: v.string(info.user, `${path}.user`),
    name: v.string(info.name, `${path}.name`),
    ...optional('id', (id, at) => ({ value: v.id(id, at) })),
    ...optional('failover_timeout', v.number),
    ...optional('checkpoint', v.boolean),
    ...optional('role', v.string),
    ...optional('roles', (roles, at) => v.array(roles, at).map((r, i) => v.string(r, `${at}[${i}]`))),
    ...optional('hostname', v.string),
    ...optional('principal', v.string),
    ...optional('webui_url', v.string),
    ...optional('capabilities', (caps, at) => v.array(caps, at).map((c, i) => ({ type: v.string(v.object(c, `${at}[${i}]`).type, `${at}[${i}].type`) }))),
    ...optional('labels', labels),
    ...optional('offer_filters', offerFilters),
  } as FrameworkInfo;
  if (Buffer.byteLength(JSON.stringify(kept)) > MAX_FRAMEWORK_INFO_BYTES) throw new v.ValidationError(`'${path}' is larger than ${MAX_FRAMEWORK_INFO_BYTES} bytes`);
  return kept;
}

function validateRoles(value: unknown, path: string): void {
  v.optionalArray(value, path).forEach((r, i) => v.string(r, `${path}[${i}]`));
}

/** Checks the call's shape (not its meaning); throws ValidationError naming the field. */
export function parseSchedulerCall(body: Record<string, unknown>): SchedulerCall {
  const type = v.oneOf(body.type, CALL_TYPES, 'type');
  v.optionalId(body.framework_id, 'framework_id');
  const sub = (name: string) => v.object(body[name], name);
  switch (type) {
    case 'SUBSCRIBE': {
      const s = sub('subscribe');
      s.framework_info = parseFrameworkInfo(s.framework_info, 'subscribe.framework_info');
      validateRoles(s.suppressed_roles, 'subscribe.suppressed_roles');
      break;
    }
    case 'UPDATE_FRAMEWORK': {
      const s = sub('update_framework');
      s.framework_info = parseFrameworkInfo(s.framework_info, 'update_framework.framework_info');
      validateRoles(s.suppressed_roles, 'update_framework.suppressed_roles');
      break;
    }
    case 'ACCEPT': {
      const a = sub('accept');
      v.array(a.offer_ids, 'accept.offer_ids').forEach((o, i) => v.id(o, `accept.offer_ids[${i}]`));
      v.optionalArray(a.operations, 'accept.operations').forEach((op, i) => {
        const path = `accept.operations[${i}]`;
        const o = v.object(op, path);
        const opType = v.oneOf(o.type, OPERATION_TYPES, `${path}.type`);
        if (opType === 'LAUNCH') v.array(v.object(o.launch, `${path}.launch`).task_infos, `${path}.launch.task_infos`).forEach((t, j) => v.object(t, `${path}.launch.task_infos[${j}]`));
        if (opType === 'LAUNCH_GROUP') {
          const g = v.object(o.launch_group, `${path}.launch_group`);
          v.object(g.executor, `${path}.launch_group.executor`);
          v.array(v.object(g.task_group, `${path}.launch_group.task_group`).tasks, `${path}.launch_group.task_group.tasks`)
            .forEach((t, j) => v.object(t, `${path}.launch_group.task_group.tasks[${j}]`));
        }
      });
      validateFilters(a.filters, 'accept.filters');
      break;
    }
    case 'DECLINE': {
      const d = sub('decline');
      v.array(d.offer_ids, 'decline.offer_ids').forEach((o, i) => v.id(o, `decline.offer_ids[${i}]`));
      validateFilters(d.filters, 'decline.filters');
      break;
    }
    case 'ACCEPT_INVERSE_OFFERS':
    case 'DECLINE_INVERSE_OFFERS': {
      const key = type.toLowerCase();
      const a = sub(key);
      v.array(a.inverse_offer_ids, `${key}.inverse_offer_ids`).forEach((o, i) => v.id(o, `${key}.inverse_offer_ids[${i}]`));
      validateFilters(a.filters, `${key}.filters`);
      break;
    }
    case 'REVIVE':
    case 'SUPPRESS': {
      const key = type.toLowerCase();
      if (body[key] !== undefined) validateRoles(v.object(body[key], key).roles, `${key}.roles`);
      break;
    }
    case 'KILL': {
      const k = sub('kill');
      v.id(k.task_id, 'kill.task_id');
      v.optionalId(k.agent_id, 'kill.agent_id');
      const policy = v.optionalObject(k.kill_policy, 'kill.kill_policy');
      if (policy?.grace_period !== undefined) v.number(v.object(policy.grace_period, 'kill.kill_policy.grace_period').nanoseconds, 'kill.kill_policy.grace_period.nanoseconds');
      break;
    }
    case 'SHUTDOWN': {
      const s = sub('shutdown');
      v.id(s.executor_id, 'shutdown.executor_id');
      v.id(s.agent_id, 'shutdown.agent_id');
      break;
    }
    case 'ACKNOWLEDGE': {
      const a = sub('acknowledge');
      v.id(a.agent_id, 'acknowledge.agent_id');
      v.id(a.task_id, 'acknowledge.task_id');
      v.uuid(a.uuid, 'acknowledge.uuid');
      break;
    }
    case 'RECONCILE': {
      const r = sub('reconcile');
      v.optionalArray(r.tasks, 'reconcile.tasks').forEach((t, i) => {
        const task = v.object(t, `reconcile.tasks[${i}]`);
        v.id(task.task_id, `reconcile.tasks[${i}].task_id`);
        v.optionalId(task.agent_id, `reconcile.tasks[${i}].agent_id`);
      });
      break;
    }
    case 'MESSAGE': {
      const m = sub('message');
      v.id(m.agent_id, 'message.agent_id');
      v.id(m.executor_id, 'message.executor_id');
      v.base64(m.data, 'message.data');
      break;
    }
    default:
      break;
  }
  return body as unknown as SchedulerCall;
}

function validateFilters(value: unknown, path: string): void {
  v.optionalNumber(v.optionalObject(value, path)?.refuse_seconds, `${path}.refuse_seconds`);
}

export function mountSchedulerApi(router: Router, master: Master): void {
  router.on('POST', '/api/v1/scheduler', async (req, res) => {
    const body = await readCall(req, 'mesos.v1.scheduler.Call');
    let call: SchedulerCall;
    try {
      call = parseSchedulerCall(body);
    } catch (e) {
      throw new HttpError(400, `Failed to validate scheduler::Call: ${(e as Error).message}`);
    }
    if (call.type === 'SUBSCRIBE') {
      const format = streamFormat(req, 'mesos.v1.scheduler.Event');
      if (req.headers['mesos-stream-id']) throw new HttpError(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      const info = call.subscribe!.framework_info;
      if (call.framework_id && call.framework_id.value !== info.id?.value) {
        throw new HttpError(400, "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'");
      }
      if (!call.framework_id && info.id) {
        throw new HttpError(400, "Failed to validate scheduler::Call: 'framework_id' is required when re-subscribing with 'subscribe.framework_info.id'");
      }
      const streamId = newUUID();
      const stream = new EventStream(res, req, { 'Mesos-Stream-Id': streamId }, format);
      let fw: FrameworkRecord;
      try {
        fw = master.frameworks.subscribe(info, call.subscribe!.suppressed_roles ?? [], stream, streamId);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        // The stream is open: a refused subscription is an ERROR event on it, as in Mesos.
        stream.send({ type: 'ERROR', error: { message: e.message } } satisfies SchedulerEvent);
        stream.close();
        return;
      }
      stream.send({
        type: 'SUBSCRIBED',
        subscribed: { framework_id: { value: fw.id }, heartbeat_interval_seconds: master.options.heartbeatIntervalMs / 1000, master_info: master.info },
      } satisfies SchedulerEvent);
      stream.send({ type: 'HEARTBEAT' } satisfies SchedulerEvent);
      return;
    }
    if (!call.framework_id) throw new HttpError(400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
    const fw = master.state.frameworks.get(call.framework_id.value);
    if (!fw) throw new HttpError(400, 'Framework cannot be found');
    if (!fw.connected) throw new HttpError(403, 'Framework is not subscribed');
    const streamId = req.headers['mesos-stream-id'];
    if (!streamId) throw new HttpError(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    if (streamId !== fw.streamId) {
      throw new HttpError(400, `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${fw.id}`);
    }
    try {
      dispatch(master, fw, call);
    } catch (e) {
      throw asHttpError(e);
    }
    sendEmpty(res, call.type === 'UPDATE_FRAMEWORK' ? 200 : 202);
  });
}

/** A call of a subscribed framework, to the part of the master it is for. */
function dispatch(master: Master, fw: FrameworkRecord, call: SchedulerCall): void {
  switch (call.type) {
    case 'TEARDOWN':
      return master.frameworks.remove(fw);
    case 'ACCEPT':
      return master.offers.accept(fw, call.accept!.offer_ids.map((o) => o.value), call.accept!.operations ?? [], call.accept!.filters);
    case 'DECLINE':
      return master.offers.decline(fw, call.decline!.offer_ids.map((o) => o.value), call.decline!.filters);
    case 'REVIVE':
      return master.frameworks.revive(fw, call.revive?.roles ?? []);
    case 'SUPPRESS':
      return master.frameworks.suppress(fw, call.suppress?.roles ?? []);
    case 'KILL':
      return master.tasks.kill(fw, call.kill!.task_id.value, call.kill!.agent_id?.value, call.kill!.kill_policy);
    case 'SHUTDOWN':
      return master.tasks.shutdownExecutor(fw, call.shutdown!.executor_id.value, call.shutdown!.agent_id.value);
    case 'ACKNOWLEDGE':
      return master.tasks.acknowledge(fw, call.acknowledge!.agent_id.value, call.acknowledge!.task_id.value, v.canonicalUUID(call.acknowledge!.uuid));
    case 'RECONCILE':
      return master.tasks.reconcile(fw, call.reconcile?.tasks ?? []);
    case 'MESSAGE':
      return master.tasks.frameworkMessage(fw, call.message!.agent_id.value, call.message!.executor_id.value, call.message!.data);
    case 'UPDATE_FRAMEWORK':
      if (call.update_framework!.framework_info.id?.value !== fw.id) throw new HttpError(400, "Failed to validate scheduler::Call: 'framework_id' differs from 'update_framework.framework_info.id'");
      return master.frameworks.update(fw, call.update_framework!.framework_info, call.update_framework!.suppressed_roles);
    case 'ACCEPT_INVERSE_OFFERS':
    case 'DECLINE_INVERSE_OFFERS': {
      const answer = call.accept_inverse_offers ?? call.decline_inverse_offers!;
      return master.maintenance.answer(fw.id, answer.inverse_offer_ids.map((o) => o.value), call.type === 'ACCEPT_INVERSE_OFFERS', answer.filters);
    }
    case 'REQUEST':
      return; // accepted and ignored, as Mesos does
    default:
      throw new HttpError(400, `Call type ${call.type} is not supported by this master`);
  }
}
