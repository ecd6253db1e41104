// /metrics/snapshot with Mesos' metric names.
import * as res from '../../common/resources';
import type { TaskState } from '../../common/protocol/v1';
import { isTerminalState } from '../../common/protocol/v1';
import type { Master } from '../master';

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function metricsSnapshot(master: Master): Record<string, number> {
  const agents = [...master.agents.values()];
  const frameworks = [...master.frameworks.values()];
  const live = new Map<TaskState, number>();
  for (const fw of frameworks) for (const t of fw.tasks.values()) if (!isTerminalState(t.state)) live.set(t.state, (live.get(t.state) ?? 0) + 1);
  const total = res.add(...agents.filter((a) => a.active).map((a) => a.total));
  const used = res.add(...agents.map((a) => master.agentUsed(a.id)));
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
    'master/outstanding_offers': master.offers.size,
    'master/valid_status_updates': master.counters.valid_status_updates,
    'master/invalid_status_updates': master.counters.invalid_status_updates,
    'master/messages_launch_tasks': master.counters.messages_launch_tasks,
    'master/event_queue_messages': 0,
    'allocator/mesos/allocation_runs': master.allocationRuns,
  };
  for (const state of ['staging', 'starting', 'running', 'killing', 'unreachable'] as const) {
    out[`master/tasks_${state}`] = live.get(`TASK_${state.toUpperCase()}` as TaskState) ?? 0;
  }
  for (const state of ['finished', 'failed', 'killed', 'lost', 'error', 'dropped', 'gone', 'gone_by_operator'] as const) {
    out[`master/tasks_${state}`] = master.terminalCounts.get(`TASK_${state.toUpperCase()}` as TaskState) ?? 0;
  }
  for (const name of ['cpus', 'mem', 'disk', 'gpus']) {
    const t = res.scalar(total, name);
    const u = res.scalar(used, name);
    out[`master/${name}_total`] = t;
    out[`master/${name}_used`] = u;
    out[`master/${name}_percent`] = t > 0 ? u / t : 0;
  }
  const runs = [...master.allocationRunMs].sort((a, b) => a - b);
  out['allocator/mesos/allocation_run_ms'] = master.allocationRunMs[master.allocationRunMs.length - 1] ?? 0;
  out['allocator/mesos/allocation_run_ms/count'] = runs.length;
  for (const p of [50, 90, 99]) out[`allocator/mesos/allocation_run_ms/p${p}`] = percentile(runs, p);
  return out;
}
