// /metrics/snapshot with Mesos' metric names.
import * as res from '../../common/resources';
import type { TaskState } from '../../common/protocol/v1';
import { isTerminalState } from '../../common/protocol/v1';
import { timerMetrics } from '../allocation';
import type { Master } from '../master';
import { usedOn } from './state';

export function metricsSnapshot(master: Master): Record<string, number> {
  const agents = [...master.state.agents.values()];
  const frameworks = [...master.state.frameworks.values()];
  const live = new Map<TaskState, number>();
  for (const fw of frameworks) {
    for (const t of [...fw.tasks.values(), ...fw.unreachableTasks.values()]) if (!isTerminalState(t.state)) live.set(t.state, (live.get(t.state) ?? 0) + 1);
  }
  const total = res.add(...agents.filter((a) => a.active).map((a) => a.total));
  const used = res.add(...agents.map((a) => usedOn(master, a.id)));
  const out: Record<string, number> = {
    'master/elected': 1,
    'master/uptime_secs': Date.now() / 1000 - master.startTime,
    'master/slaves_active': agents.filter((a) => a.active).length,
    'master/slaves_inactive': agents.filter((a) => !a.active).length,
    'master/slaves_connected': agents.filter((a) => a.connected).length,
    'master/slaves_disconnected': agents.filter((a) => !a.connected).length,
    'master/slaves_unreachable': master.registry.state.unreachable_agents.length,
    'master/frameworks_active': frameworks.filter((f) => f.active).length,
    'master/frameworks_inactive': frameworks.filter((f) => !f.active).length,
    'master/frameworks_connected': frameworks.filter((f) => f.connected).length,
    'master/frameworks_disconnected': frameworks.filter((f) => !f.connected).length,
    'master/outstanding_offers': master.state.offers.size,
    'master/valid_status_updates': master.state.counters.valid_status_updates,
    'master/invalid_status_updates': master.state.counters.invalid_status_updates,
    'master/messages_launch_tasks': master.state.counters.messages_launch_tasks,
    'master/event_queue_messages': 0,
    'allocator/mesos/allocation_runs': master.allocation.runs,
    'allocator/mesos/event_queue_dispatches': master.allocation.pendingEvents,
    'allocator/mesolite/allocation_paused': master.allocation.paused ? 1 : 0,
  };
  for (const state of ['staging', 'starting', 'running', 'killing', 'unreachable'] as const) {
    out[`master/tasks_${state}`] = live.get(`TASK_${state.toUpperCase()}` as TaskState) ?? 0;
  }
  for (const state of ['finished', 'failed', 'killed', 'lost', 'error', 'dropped', 'gone', 'gone_by_operator'] as const) {
    out[`master/tasks_${state}`] = master.state.terminalCounts.get(`TASK_${state.toUpperCase()}` as TaskState) ?? 0;
  }
  for (const name of ['cpus', 'mem', 'disk', 'gpus']) {
    const t = res.scalar(total, name);
    const u = res.scalar(used, name);
    out[`master/${name}_total`] = t;
    out[`master/${name}_used`] = u;
    out[`master/${name}_percent`] = t > 0 ? u / t : 0;
  }
  Object.assign(out, timerMetrics('allocator/mesos/allocation_run_ms', master.allocation.runMs));
  Object.assign(out, timerMetrics('allocator/mesos/allocation_run_latency_ms', master.allocation.latencyMs));
  for (const [role, share] of master.allocator.roleShares()) out[`allocator/mesos/roles/${role}/shares/dominant`] = share;
  for (const q of master.registry.state.quota_configs) {
    for (const [name, v] of Object.entries(q.guarantees ?? {})) out[`allocator/mesos/quota/roles/${q.role}/resources/${name}/guarantee`] = v.value;
    for (const [name, v] of Object.entries(q.limits ?? {})) out[`allocator/mesos/quota/roles/${q.role}/resources/${name}/limit`] = v.value;
  }
  return out;
}
