// POST /api/v1/executor (the v1 Executor HTTP API) and the executor hosts' internal subscription.
import { EventStream, HttpError, readJson, sendEmpty, sendJson, type Router } from '../../common/http';
import { readCall, streamFormat } from '../../common/media';
import { EXECUTOR_HOST_API_PATH, type ExecutorCallResult, type ExecutorHostCall } from '../../common/protocol/internal';
import { TASK_STATES, type ExecutorCall, type TaskStatus } from '../../common/protocol/v1';
import * as v from '../../common/validate';
import type { Agent } from '../agent';
import type { ExecutorSubscription } from '../executor-subscription';

const CALL_TYPES = ['SUBSCRIBE', 'UPDATE', 'MESSAGE', 'HEARTBEAT'] as const;

function validateStatus(value: unknown, path: string): TaskStatus {
  const status = v.object(value, path);
  v.id(status.task_id, `${path}.task_id`);
  const state = v.oneOf(status.state, TASK_STATES, `${path}.state`);
  if (state === 'TASK_STAGING') throw new v.ValidationError(`'${path}.state' cannot be TASK_STAGING: that state belongs to the agent`);
  v.uuid(status.uuid, `${path}.uuid`);
  v.optionalString(status.message, `${path}.message`);
  v.optionalId(status.executor_id, `${path}.executor_id`);
  v.optionalNumber(status.timestamp, `${path}.timestamp`);
  v.boolean(status.healthy, `${path}.healthy`);
  if (status.data !== undefined) v.base64(status.data, `${path}.data`);
  return status as unknown as TaskStatus;
}

export function parseExecutorCall(body: Record<string, unknown>): ExecutorCall {
  const type = v.oneOf(body.type, CALL_TYPES, 'type');
  v.id(body.executor_id, 'executor_id');
  v.id(body.framework_id, 'framework_id');
  if (type === 'SUBSCRIBE') {
    const s = v.optionalObject(body.subscribe, 'subscribe');
    v.optionalArray(s?.unacknowledged_tasks, 'subscribe.unacknowledged_tasks').forEach((t, i) => v.object(t, `subscribe.unacknowledged_tasks[${i}]`));
    v.optionalArray(s?.unacknowledged_updates, 'subscribe.unacknowledged_updates')
      .forEach((u, i) => validateStatus(v.object(u, `subscribe.unacknowledged_updates[${i}]`).status, `subscribe.unacknowledged_updates[${i}].status`));
  }
  if (type === 'UPDATE') {
    const status = validateStatus(v.object(body.update, 'update').status, 'update.status');
    if (status.source !== undefined && status.source !== 'SOURCE_EXECUTOR') {
      throw new v.ValidationError(`Received Call from executor with invalid source '${status.source}', expecting 'SOURCE_EXECUTOR'`);
    }
    if (status.executor_id && status.executor_id.value !== (body.executor_id as { value: string }).value) {
      throw new v.ValidationError(`'update.status.executor_id' ${status.executor_id.value} differs from the call's 'executor_id'`);
    }
  }
  if (type === 'MESSAGE') v.base64(v.object(body.message, 'message').data, 'message.data');
  return body as unknown as ExecutorCall;
}

/**
 * Carries out an executor's call as /api/v1/executor does (HttpError for a refusal); `subscription`
 * gives a SUBSCRIBE its event stream.
 */
function executorCall(agent: Agent, body: Record<string, unknown>, subscription: () => ExecutorSubscription): void {
  let call: ExecutorCall;
  try {
    call = parseExecutorCall(body);
  } catch (e) {
    throw new HttpError(400, `Failed to validate Executor::Call: ${(e as Error).message}`);
  }
  if (call.type === 'HEARTBEAT') return;
  if (!agent.frameworks.has(call.framework_id.value)) throw new HttpError(400, 'Framework cannot be found');
  const executor = agent.findExecutor(call.framework_id.value, call.executor_id.value);
  if (!executor) throw new HttpError(400, 'Executor cannot be found');
  if (call.type === 'SUBSCRIBE') {
    agent.executorSubscribed(executor, subscription(), (call.subscribe?.unacknowledged_updates ?? []).map((u) => u.status));
    return;
  }
  if (!executor.subscription) throw new HttpError(403, 'Executor is not subscribed');
  if (call.type === 'UPDATE') agent.executorUpdate(executor, call.update!.status);
  else agent.executorMessage(executor, call.message!.data);
}

export function mountExecutorApi(router: Router, agent: Agent): void {
  router.on('POST', '/api/v1/executor', async (req, res) => {
    const body = await readCall(req, 'mesos.v1.executor.Call');
    let stream: EventStream | undefined;
    executorCall(agent, body, () => (stream = new EventStream(res, req, {}, streamFormat(req, 'mesos.v1.executor.Event'))));
    if (!stream) sendEmpty(res, 202);
  });

  router.on('POST', EXECUTOR_HOST_API_PATH, async (req, res) => {
    const body = await readJson(req);
    let call: ExecutorHostCall;
    try {
      const type = v.oneOf(body.type, ['SUBSCRIBE', 'EXECUTOR_EXITED', 'EXECUTOR_CALLS'] as const, 'type');
      v.id(body.framework_id, 'framework_id');
      if (type === 'SUBSCRIBE') v.number(body.pid, 'pid');
      else if (type === 'EXECUTOR_EXITED') { v.id(body.executor_id, 'executor_id'); v.number(body.status, 'status'); }
      else v.array(v.object(body.executor_calls, 'executor_calls').calls, 'executor_calls.calls').forEach((c, i) => v.object(c, `executor_calls.calls[${i}]`));
      call = body as unknown as ExecutorHostCall;
    } catch (e) {
      throw new HttpError(400, `Invalid executor host call: ${(e as Error).message}`);
    }
    if (call.type === 'SUBSCRIBE') {
      const stream = new EventStream(res, req);
      if (!agent.hosts.subscribed(call.framework_id.value, call.pid, stream)) {
        stream.send({ type: 'SHUTDOWN' });
        stream.close();
      }
      return;
    }
    if (call.type === 'EXECUTOR_CALLS') {
      const frameworkId = call.framework_id.value;
      const results = call.executor_calls.calls.map((c): ExecutorCallResult => {
        try {
          if ((c as { framework_id?: { value?: unknown } }).framework_id?.value !== frameworkId) {
            throw new HttpError(400, `'framework_id' of the call differs from the executor host's (${frameworkId})`);
          }
          executorCall(agent, c as unknown as Record<string, unknown>, () => {
            const subscription = agent.hosts.subscription(frameworkId, c.executor_id.value);
            if (!subscription) throw new HttpError(403, 'The executor host is not subscribed');
            return subscription;
          });
          return { status: 202 };
        } catch (e) {
          return { status: e instanceof HttpError ? e.status : 500, message: (e as Error).message };
        }
      });
      return sendJson(res, 200, { results });
    }
    agent.hosts.executorExited(call.framework_id.value, call.executor_id.value, call.status);
    sendEmpty(res, 202);
  });
}
