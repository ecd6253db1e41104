// GET /state-summary (also /master/state-summary): Mesos' light view of agents and frameworks for
// dashboards: each with its task counts by state, and which frameworks run on which agents.
import { sendJson, type Router } from '../../common/http';
import type { Task } from '../../common/protocol/v1';
import type { Master } from '../master';
import { agentV0, frameworkV0 } from './state';

const COUNTED = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE'];
const counts = (tasks: Task[]) => Object.fromEntries(COUNTED.map((s) => [s, tasks.filter((t) => t.state === s).length]));

export function stateSummary(master: Master) {
  const frameworks = [...master.state.frameworks.values()];
  const tasksOf = (fw: (typeof frameworks)[number]) => [...fw.tasks.values(), ...fw.unreachableTasks.values(), ...fw.completedTasks];
  const all = frameworks.flatMap((fw) => tasksOf(fw));
  return {
    hostname: master.info.hostname ?? '', cluster: master.options.flags.cluster ?? '',
    slaves: [...master.state.agents.values()].map((agent) => {
      const { id, pid, hostname, registered_time, resources, used_resources, offered_resources, reserved_resources, unreserved_resources, attributes, active, version, capabilities } = agentV0(master, agent);
      const here = all.filter((t) => t.agent_id.value === agent.id);
      return {
        id, pid, hostname, registered_time, resources, used_resources, offered_resources, reserved_resources, unreserved_resources, attributes, active, version, capabilities,
        ...counts(here), framework_ids: [...new Set(here.map((t) => t.framework_id.value))],
      };
    }),
    frameworks: frameworks.map((fw) => {
      const { id, name, pid, used_resources, offered_resources, capabilities, hostname, webui_url, active, connected, recovered } = frameworkV0(master, fw);
      const tasks = tasksOf(fw);
      return { id, name, pid, used_resources, offered_resources, capabilities, hostname, webui_url, active, connected, recovered, ...counts(tasks), slave_ids: [...new Set(tasks.map((t) => t.agent_id.value))] };
    }),
  };
}

export function mountStateSummary(router: Router, master: Master): void {
  router.on('GET', '/state-summary', (_req, r) => sendJson(r, 200, stateSummary(master)));
}
