// Wires a master process together: flags -> allocator, registry, Master, HTTP endpoints.
import { parseFlags } from '../common/flags';
import { listen, Router, type Listening } from '../common/http';
import { createLogger } from '../common/log';
import { HierarchicalAllocator } from './allocator/hierarchical';
import { MASTER_FLAGS } from './flags';
import { mountAgentApi } from './http/agents';
import { mountOperatorApi } from './http/operator';
import { mountSchedulerApi } from './http/scheduler';
import { defaultHostname, Master } from './master';
import { FileRegistry } from './registry';

export async function startMaster(argv: string[]): Promise<{ master: Master; listening: Listening }> {
  const { values: flags, raw } = parseFlags(MASTER_FLAGS, argv);
  const log = createLogger('master', flags.quiet);
  const ip = flags.ip!;
  const allocationIntervalMs = flags.allocation_interval!;
  const allocator = new HierarchicalAllocator({ allocationIntervalMs });
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
