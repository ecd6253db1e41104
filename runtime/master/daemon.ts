// Wires a master process together: flags -> allocator, registry, Master, HTTP endpoints.
import { FlagError, parseFlags } from '../common/flags';
import { listen, Router, type Listening } from '../common/http';
import { createLogger } from '../common/log';
import { HierarchicalAllocator } from './allocator/hierarchical';
import { DRFSorter } from './allocator/sorter/drf';
import { RandomSorter } from './allocator/sorter/random';
import { MASTER_FLAGS } from './flags';
import { mountAgentApi } from './http/agents';
import { mountOperatorApi } from './http/operator';
import { mountSchedulerApi } from './http/scheduler';
import { defaultHostname, Master } from './master';
import { FileRegistry } from './registry';

/** Mesos' --weights syntax: role=weight[,role=weight...]. */
export function parseWeights(text: string | undefined): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [role, value] = part.split('=');
    const weight = Number(value);
    if (!role || !(weight > 0)) throw new FlagError(`Flag --weights: '${part}' is not role=weight with a positive weight`);
    weights[role] = weight;
  }
  return weights;
}

export async function startMaster(argv: string[]): Promise<{ master: Master; listening: Listening }> {
  const { values: flags, raw } = parseFlags(MASTER_FLAGS, argv);
  const log = createLogger('master', flags.quiet);
  const ip = flags.ip!;
  const allocationIntervalMs = flags.allocation_interval!;
  const sorter = (flag: string, value: string | undefined) => {
    if (value === 'drf') return () => new DRFSorter();
    if (value === 'random') return () => new RandomSorter();
    throw new FlagError(`Flag --${flag} must be drf or random, got '${value}'`);
  };
  const allocator = new HierarchicalAllocator({
    allocationIntervalMs, filterGpuResources: flags.filter_gpu_resources, weights: parseWeights(flags.weights),
    roleSorter: sorter('role_sorter', flags.role_sorter), frameworkSorter: sorter('framework_sorter', flags.framework_sorter),
  });
  const registry = new FileRegistry(flags.work_dir);
  const router = new Router(log);
  // Listen first, so --port=0 works and MasterInfo carries the real port.
  const listening = await listen(router, ip, flags.port!);
  const master = new Master({
    ip, port: listening.port, hostname: flags.hostname ?? defaultHostname(ip), allocationIntervalMs,
    offerTimeoutMs: flags.offer_timeout, agentPingTimeoutMs: flags.agent_ping_timeout!, maxAgentPingTimeouts: flags.max_agent_ping_timeouts!,
    agentReregisterTimeoutMs: flags.agent_reregister_timeout!,
    heartbeatIntervalMs: flags.heartbeat_interval!, maxCompletedFrameworks: flags.max_completed_frameworks!,
    maxCompletedTasksPerFramework: flags.max_completed_tasks_per_framework!, flags: { ...raw, port: String(listening.port) },
  }, allocator, registry, log);
  mountSchedulerApi(router, master);
  mountOperatorApi(router, master);
  mountAgentApi(router, master);
  master.start();
  log.info(`Master ${master.id} listening on http://${ip}:${listening.port}${flags.work_dir ? ` (registry in ${flags.work_dir})` : ''}`);
  return { master, listening };
}
