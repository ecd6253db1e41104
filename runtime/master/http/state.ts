// The master's state as JSON: the v1 views (GET_STATE and its parts, the operator stream's events) and
// the v0 views (/master/state and friends) in the field names Mesos' web UI and tools read.
import * as res from '../../common/resources';
import type { Resource, Task } from '../../common/protocol/v1';
import { isTerminalState } from '../../common/protocol/v1';
import type { Master } from '../master';
import type { AgentRecord, FrameworkRecord } from '../state';
import { MESOLITE_VERSION } from '../version';

/** What GET_AGENTS and /master/state say agents can do: AgentInfo.Capability types (TASK_KILLING_STATE is a framework's). */
export const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'AGENT_DRAINING'] as const;

const nanoseconds = (seconds: number) => ({ nanoseconds: Math.round(seconds * 1e9) });

/** What the agent's live tasks use. */
export function usedOn(master: Master, agentId: string): Resource[] {
  const used: Resource[][] = [];
  for (const fw of master.state.frameworks.values()) {
    for (const t of fw.tasks.values()) if (t.agent_id.value === agentId && !isTerminalState(t.state)) used.push(t.resources);
  }
  return res.add(...used);
}

function offeredOn(master: Master, agentId: string): Resource[] {
  return res.add(...[...master.state.offers.values()].filter((o) => o.offer.agent_id.value === agentId).map((o) => o.offer.resources));
}

export function frameworkV1(master: Master, fw: FrameworkRecord): Record<string, unknown> {
  const offered = res.add(...[...fw.offers].map((id) => master.state.offers.get(id)?.offer.resources ?? []));
  const allocated = res.add(...[...fw.tasks.values()].filter((t) => !isTerminalState(t.state)).map((t) => t.resources));
  return {
    framework_info: fw.info, active: fw.active, connected: fw.connected, recovered: fw.recovered,
    registered_time: nanoseconds(fw.registeredTime),
    ...(fw.reregisteredTime ? { reregistered_time: nanoseconds(fw.reregisteredTime) } : {}),
    ...(fw.unregisteredTime ? { unregistered_time: nanoseconds(fw.unregisteredTime) } : {}),
    offers: [...fw.offers].map((id) => master.state.offers.get(id)?.offer).filter(Boolean),
    allocated_resources: allocated, offered_resources: offered,
  };
}

export function agentV1(master: Master, agent: AgentRecord): Record<string, unknown> {
  return {
    agent_info: agent.info, active: agent.active, ...master.draining.agentFields(agent.id), version: agent.version, pid: agent.pid,
    registered_time: nanoseconds(agent.registeredTime),
    ...(agent.reregisteredTime ? { reregistered_time: nanoseconds(agent.reregisteredTime) } : {}),
    total_resources: agent.total, allocated_resources: usedOn(master, agent.id), offered_resources: offeredOn(master, agent.id),
    capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
  };
}

/** The v1 operator API's GET_TASKS, GET_FRAMEWORKS, GET_AGENTS, GET_EXECUTORS and GET_STATE answers. */
export function getTasks(master: Master) {
  const tasks: Task[] = [];
  const unreachable: Task[] = [];
  const completed: Task[] = [];
  for (const fw of [...master.state.frameworks.values(), ...master.state.completedFrameworks]) {
    tasks.push(...fw.tasks.values());
    unreachable.push(...fw.unreachableTasks.values());
    completed.push(...fw.completedTasks);
  }
  return { pending_tasks: [], tasks, unreachable_tasks: unreachable, completed_tasks: completed, orphan_tasks: [] };
}

export function getFrameworks(master: Master) {
  return {
    frameworks: [...master.state.frameworks.values()].map((f) => frameworkV1(master, f)),
    completed_frameworks: master.state.completedFrameworks.map((f) => frameworkV1(master, f)),
  };
}

export function getAgents(master: Master) {
  return {
    agents: [...master.state.agents.values()].map((a) => agentV1(master, a)),
    recovered_agents: master.registry.state.admitted_agents.filter((a) => !master.state.agents.has(a.id?.value ?? '')),
  };
}

export function getExecutors(master: Master) {
  const executors = [...master.state.frameworks.values()].flatMap((fw) =>
    [...fw.executors.entries()].flatMap(([agentId, byId]) => [...byId.values()].map((e) => ({ executor_info: e, agent_id: { value: agentId } }))));
  return { executors, orphan_executors: [] };
}

export function getState(master: Master) {
  return { get_tasks: getTasks(master), get_executors: getExecutors(master), get_frameworks: getFrameworks(master), get_agents: getAgents(master) };
}

function taskV0(task: Task): Record<string, unknown> {
  return {
    id: task.task_id.value,
    name: task.name,
    framework_id: task.framework_id.value,
    executor_id: task.executor_id?.value ?? '',
    slave_id: task.agent_id.value,
    state: task.state,
    resources: res.toV0(task.resources),
    role: task.resources[0]?.allocation_info?.role ?? '*',
    statuses: task.statuses.map((s) => ({
      state: s.state, timestamp: s.timestamp, ...(s.healthy !== undefined ? { healthy: s.healthy } : {}),
      ...(s.container_status ? { container_status: s.container_status } : {}),
    })),
    ...(task.labels ? { labels: task.labels.labels } : {}),
    ...(task.discovery ? { discovery: task.discovery } : {}),
    ...(task.container ? { container: task.container } : {}),
    ...(task.health_check ? { health_check: task.health_check } : {}),
  };
}

export function frameworkV0(master: Master, fw: FrameworkRecord): Record<string, unknown> {
  const active = [...fw.tasks.values()].filter((t) => !isTerminalState(t.state));
  const used = res.add(...active.map((t) => t.resources));
  const offers = [...fw.offers].map((id) => master.state.offers.get(id)?.offer).filter((o) => o !== undefined);
  return {
    id: fw.id,
    name: fw.info.name,
    pid: '',
    user: fw.info.user,
    hostname: fw.info.hostname ?? '',
    webui_url: fw.info.webui_url ?? '',
    principal: fw.info.principal,
    role: fw.info.role ?? '*',
    roles: fw.info.roles ?? [fw.info.role ?? '*'],
    failover_timeout: fw.info.failover_timeout ?? 0,
    checkpoint: fw.info.checkpoint ?? false,
    capabilities: (fw.info.capabilities ?? []).map((c) => c.type),
    active: fw.active,
    connected: fw.connected,
    recovered: fw.recovered,
    registered_time: fw.registeredTime,
    reregistered_time: fw.reregisteredTime ?? fw.registeredTime,
    unregistered_time: fw.unregisteredTime ?? 0,
    resources: res.toV0(res.add(used, ...offers.map((o) => o.resources))),
    used_resources: res.toV0(used),
    offered_resources: res.toV0(res.add(...offers.map((o) => o.resources))),
    tasks: [...fw.tasks.values()].map(taskV0),
    unreachable_tasks: [...fw.unreachableTasks.values()].map(taskV0),
    completed_tasks: fw.completedTasks.map(taskV0),
    offers: offers.map((o) => ({ id: o.id.value, framework_id: fw.id, slave_id: o.agent_id.value, resources: res.toV0(o.resources), allocation_info: o.allocation_info })),
    executors: [...fw.executors.entries()].flatMap(([agentId, byId]) => [...byId.values()].map((e) => ({
      executor_id: e.executor_id.value, name: e.name ?? '', framework_id: fw.id, slave_id: agentId, command: e.command, resources: res.toV0(e.resources ?? []),
    }))),
  };
}

export function agentV0(master: Master, agent: AgentRecord): Record<string, unknown> {
  const used = usedOn(master, agent.id);
  const roles = new Set(agent.total.map(res.reservationRole).filter((role) => role !== '*'));
  const reserved = Object.fromEntries([...roles].map((role) => [role, res.toV0(agent.total.filter((r) => res.reservationRole(r) === role))]));
  return {
    id: agent.id,
    pid: agent.pid,
    hostname: agent.info.hostname,
    port: agent.info.port,
    registered_time: agent.registeredTime,
    ...(agent.reregisteredTime ? { reregistered_time: agent.reregisteredTime } : {}),
    resources: res.toV0(agent.total),
    used_resources: res.toV0(used),
    offered_resources: res.toV0(offeredOn(master, agent.id)),
    reserved_resources: reserved,
    unreserved_resources: res.toV0(agent.total.filter((r) => res.reservationRole(r) === '*')),
    attributes: Object.fromEntries((agent.info.attributes ?? []).map((a) => [a.name, a.type === 'SCALAR' ? a.scalar?.value : a.type === 'TEXT' ? a.text?.value : a.type === 'RANGES' ? res.formatRanges(a.ranges?.range ?? []) : `{${(a.set?.item ?? []).join(',')}}`])),
    active: agent.active,
    deactivated: master.draining.isDeactivated(agent.id),
    ...(master.draining.drainInfo(agent.id) ? { drain_info: master.draining.drainInfo(agent.id) } : {}),
    version: agent.version,
    capabilities: AGENT_CAPABILITIES,
  };
}

export function masterState(master: Master): Record<string, unknown> {
  const agents = [...master.state.agents.values()];
  const frameworks = [...master.state.frameworks.values()];
  return {
    version: master.info.version,
    mesolite_version: MESOLITE_VERSION,
    git_sha: '',
    build_date: '',
    build_time: 0,
    build_user: '',
    start_time: master.startTime,
    elected_time: master.startTime,
    id: master.id,
    pid: master.info.pid,
    hostname: master.info.hostname,
    capabilities: (master.info.capabilities ?? []).map((c) => c.type),
    activated_slaves: agents.filter((a) => a.active).length,
    deactivated_slaves: agents.filter((a) => !a.active).length,
    unreachable_slaves: master.registry.state.unreachable_agents.length,
    ...(master.options.flags.cluster ? { cluster: master.options.flags.cluster } : {}),
    leader: master.info.pid,
    leader_info: master.info,
    allocation_paused: master.allocation.paused,
    ...(master.allocationControl.state ? { allocation_controller: master.allocationControl.state } : {}),
    log_dir: '',
    flags: master.options.flags,
    slaves: agents.map((a) => agentV0(master, a)),
    recovered_slaves: [],
    frameworks: frameworks.map((f) => frameworkV0(master, f)),
    completed_frameworks: master.state.completedFrameworks.map((f) => frameworkV0(master, f)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}
