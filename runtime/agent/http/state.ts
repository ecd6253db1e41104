// The agent's state views: v0 /state and the v1 operator API calls an agent answers.
import * as os from 'node:os';
import { HttpError, sendEmpty, sendJson, type Router } from '../../common/http';
import { answerFor, readCall } from '../../common/media';
import { SESSION_CALLS } from '../../common/protocol/attach';
import * as res from '../../common/resources';
import type { Task } from '../../common/protocol/v1';
import * as v from '../../common/validate';
import type { Agent } from '../agent';
import type { Executor, Framework } from '../framework';
import { attachInput, isStreamingRequest, sessionCall } from './attach';

const VERSION = '1.11.0';
const STATE_CALLS = ['GET_HEALTH', 'GET_VERSION', 'GET_FLAGS', 'GET_METRICS', 'GET_STATE', 'GET_AGENT', 'GET_FRAMEWORKS', 'GET_EXECUTORS', 'GET_TASKS'] as const;

function taskV0(task: Task) {
  return {
    id: task.task_id.value, name: task.name, framework_id: task.framework_id.value, executor_id: task.executor_id?.value ?? '',
    slave_id: task.agent_id.value, state: task.state, resources: res.toV0(task.resources),
    statuses: task.statuses.map((s) => ({
      state: s.state, timestamp: s.timestamp, ...(s.container_status ? { container_status: s.container_status } : {}),
      ...(s.healthy !== undefined ? { healthy: s.healthy } : {}),
    })),
  };
}

function executorV0(e: Executor) {
  const tasks = [...e.tasks.values()];
  return {
    id: e.info.executor_id.value, name: e.info.name ?? '', source: e.info.source ?? '', container: e.run.containerId,
    directory: e.directory, type: e.kind === 'default' ? 'DEFAULT' : e.kind === 'custom' ? 'CUSTOM' : 'COMMAND',
    resources: res.toV0(res.add(e.info.resources ?? [], ...tasks.map((t) => t.resources))),
    tasks: tasks.filter((t) => t.state !== 'TASK_STAGING').map(taskV0),
    queued_tasks: tasks.filter((t) => t.state === 'TASK_STAGING').map(taskV0),
    completed_tasks: e.completedTasks.map(taskV0),
  };
}

function frameworkV0(fw: Framework) {
  return {
    id: fw.info.id!.value, name: fw.info.name, user: fw.info.user, hostname: fw.info.hostname ?? '', role: fw.info.role ?? '*',
    checkpoint: fw.info.checkpoint ?? false, failover_timeout: fw.info.failover_timeout ?? 0,
    executors: [...fw.executors.values()].map(executorV0), completed_executors: fw.completedExecutors.map(executorV0),
  };
}

export function agentState(agent: Agent) {
  return {
    version: VERSION, start_time: agent.startTime, id: agent.agentId ?? '', pid: agent.pid, hostname: agent.options.hostname,
    resources: res.toV0(agent.options.resources), attributes: Object.fromEntries((agent.options.attributes).map((a) => [a.name, a.text?.value ?? a.scalar?.value])),
    master_hostname: agent.masterInfo?.hostname ?? '', flags: agent.options.flags,
    frameworks: [...agent.frameworks.values()].map(frameworkV0), completed_frameworks: agent.completedFrameworks.map(frameworkV0),
  };
}

function getTasks(agent: Agent) {
  const executors = agent.allExecutors();
  return {
    launched_tasks: agent.allTasks().filter((t) => t.state !== 'TASK_STAGING'),
    queued_tasks: agent.allTasks().filter((t) => t.state === 'TASK_STAGING'),
    completed_tasks: executors.flatMap((e) => e.completedTasks),
  };
}

const getExecutors = (agent: Agent) => ({ executors: agent.allExecutors().map((e) => ({ executor_info: e.info })), completed_executors: [] });
const getFrameworks = (agent: Agent) => ({ frameworks: [...agent.frameworks.values()].map((f) => ({ framework_info: f.info })), completed_frameworks: agent.completedFrameworks.map((f) => ({ framework_info: f.info })) });

export function agentMetrics(agent: Agent): Record<string, number> {
  const tasks = agent.allTasks();
  const count = (state: string) => tasks.filter((t) => t.state === state).length;
  const used = agent.usedResources();
  const out: Record<string, number> = {
    'slave/registered': agent.agentId ? 1 : 0, 'slave/uptime_secs': Date.now() / 1000 - agent.startTime,
    'slave/frameworks_active': agent.frameworks.size, 'slave/executors_running': agent.allExecutors().length,
    'slave/tasks_staging': count('TASK_STAGING'), 'slave/tasks_starting': count('TASK_STARTING'), 'slave/tasks_running': count('TASK_RUNNING'), 'slave/tasks_killing': count('TASK_KILLING'),
  };
  for (const name of ['cpus', 'mem', 'disk', 'gpus']) {
    out[`slave/${name}_total`] = res.scalar(agent.options.resources, name);
    out[`slave/${name}_used`] = res.scalar(used, name);
  }
  return out;
}

export function mountAgentState(router: Router, agent: Agent): void {
  const state = (_req: unknown, r: Parameters<typeof sendJson>[0]) => sendJson(r, 200, agentState(agent));
  router.on('GET', '/state', state).on('GET', '/state.json', state).on('GET', '/slave(1)/state', state).on('GET', '/slave(1)/state.json', state);
  router.on('GET', '/health', (_req, r) => sendEmpty(r, 200));
  router.on('GET', '/flags', (_req, r) => sendJson(r, 200, { flags: agent.options.flags }));
  router.on('GET', '/metrics/snapshot', (_req, r) => sendJson(r, 200, agentMetrics(agent)));
  router.on('POST', '/api/v1', async (req, r) => {
    if (isStreamingRequest(req)) return attachInput(req, r, agent.nested);
    if (req.headers['message-content-type'] !== undefined) {
      req.resume();
      throw new HttpError(415, "Expecting 'Message-Content-Type' to be not set for non-streaming requests");
    }
    const body = await readCall(req, 'mesos.v1.agent.Call');
    let type: string;
    try {
      type = v.oneOf(body.type, [...STATE_CALLS, ...SESSION_CALLS, 'ATTACH_CONTAINER_INPUT'] as const, 'type');
    } catch (e) {
      throw new HttpError(400, `Failed to validate agent::Call: ${(e as Error).message}`);
    }
    if (!(STATE_CALLS as readonly string[]).includes(type)) return sessionCall(req, r, body, agent.nested, agent.options.httpHeartbeatIntervalMs);
    const answer = answerFor(req, 'mesos.v1.agent.Response');
    const reply = (payload: Record<string, unknown>) => answer(r, 200, { type, ...payload });
    switch (type) {
      case 'GET_HEALTH': return reply({ get_health: { healthy: true } });
      case 'GET_VERSION': return reply({ get_version: { version_info: { version: VERSION, build_user: os.userInfo().username } } });
      case 'GET_FLAGS': return reply({ get_flags: { flags: Object.entries(agent.options.flags).map(([name, value]) => ({ name, value })) } });
      case 'GET_METRICS': return reply({ get_metrics: { metrics: Object.entries(agentMetrics(agent)).map(([name, value]) => ({ name, value })) } });
      case 'GET_AGENT': return reply({ get_agent: { agent_info: agent.info } });
      case 'GET_FRAMEWORKS': return reply({ get_frameworks: getFrameworks(agent) });
      case 'GET_EXECUTORS': return reply({ get_executors: getExecutors(agent) });
      case 'GET_TASKS': return reply({ get_tasks: getTasks(agent) });
      default: return reply({ get_state: { get_tasks: getTasks(agent), get_executors: getExecutors(agent), get_frameworks: getFrameworks(agent) } });
    }
  });
}
