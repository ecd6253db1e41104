// POST /internal/v1/agent: Mesolite's master <-> agent protocol (see common/protocol/internal.ts).
import { EventStream, HttpError, readJson, sendEmpty, type Router } from '../../common/http';
import { AGENT_API_PATH, AGENT_PROTOCOL_VERSION, type AgentCall } from '../../common/protocol/internal';
import * as v from '../../common/validate';
import type { Master } from '../master';

const CALL_TYPES = ['REGISTER', 'REREGISTER', 'STATUS_UPDATE', 'EXECUTOR_MESSAGE', 'EXITED_EXECUTOR', 'PONG', 'BATCH'] as const;
const BATCHED_TYPES = ['STATUS_UPDATE', 'EXECUTOR_MESSAGE', 'EXITED_EXECUTOR', 'PONG'] as const;

function parseAgentCall(body: Record<string, unknown>, types: readonly string[] = CALL_TYPES, where = ''): AgentCall {
  const type = v.oneOf(body.type, types, `${where}type`);
  if (type === 'REGISTER' || type === 'REREGISTER') {
    if (body.version !== AGENT_PROTOCOL_VERSION) throw new HttpError(409, `Agent protocol version ${String(body.version)} is not ${AGENT_PROTOCOL_VERSION}; upgrade the agent`);
    v.string(body.pid, 'pid');
    const key = type.toLowerCase();
    const payload = v.object(body[key], key);
    const info = v.object(payload.agent_info, `${key}.agent_info`);
    v.string(info.hostname, `${key}.agent_info.hostname`);
    if (type === 'REREGISTER') {
      v.id(info.id, 'reregister.agent_info.id');
      v.array(payload.tasks, 'reregister.tasks');
      v.array(payload.frameworks, 'reregister.frameworks');
    }
    v.array(payload.resources, `${key}.resources`);
  } else {
    v.id(body.agent_id, `${where}agent_id`);
    if (type === 'STATUS_UPDATE') {
      const update = v.object(body.status_update, `${where}status_update`);
      v.id(update.framework_id, `${where}status_update.framework_id`);
      v.string(update.uuid, `${where}status_update.uuid`);
      v.id(v.object(update.status, `${where}status_update.status`).task_id, `${where}status_update.status.task_id`);
    }
    if (type === 'BATCH') {
      v.array(v.object(body.batch, 'batch').calls, 'batch.calls').forEach((c, n) => parseAgentCall(v.object(c, `batch.calls[${n}]`), BATCHED_TYPES, `batch.calls[${n}].`));
    }
  }
  return body as unknown as AgentCall;
}

export function mountAgentApi(router: Router, master: Master): void {
  router.on('POST', AGENT_API_PATH, async (req, res) => {
    const body = await readJson(req);
    let call: AgentCall;
    try {
      call = parseAgentCall(body);
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(400, `Invalid agent call: ${(e as Error).message}`);
    }
    if (call.type === 'REGISTER') {
      master.agents.register(undefined, call.pid, call.register.agent_info, call.register.resources, { tasks: [], frameworks: [] }, new EventStream(res, req));
      return;
    }
    if (call.type === 'REREGISTER') {
      const { agent_info: info, resources, tasks, frameworks } = call.reregister;
      master.agents.register(info.id.value, call.pid, info, resources, { tasks, frameworks }, new EventStream(res, req));
      return;
    }
    if (!master.state.agents.has(call.agent_id.value)) throw new HttpError(403, `Agent ${call.agent_id.value} is not registered`);
    dispatch(master, call);
    sendEmpty(res, 202);
  });
}

type RegisteredCall = Exclude<AgentCall, { type: 'REGISTER' | 'REREGISTER' }>;

/** A call from a registered agent (or a batch of them) to the part of the master it is for. */
function dispatch(master: Master, call: RegisteredCall): void {
  const agentId = call.agent_id.value;
  switch (call.type) {
    case 'STATUS_UPDATE': return master.tasks.statusUpdate(agentId, call.status_update);
    case 'EXECUTOR_MESSAGE': return master.tasks.executorMessage(agentId, call.executor_message);
    case 'EXITED_EXECUTOR': return master.tasks.exitedExecutor(agentId, call.exited_executor);
    case 'PONG': return master.agents.pong(agentId);
    case 'BATCH':
      // parseAgentCall admits only BATCHED_TYPES in a batch.
      for (const c of call.batch.calls) dispatch(master, c as RegisteredCall);
  }
}
