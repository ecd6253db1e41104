// Wires a master process together: flags -> allocator, registry, Master, HTTP endpoints; with --zk,
// leader election in ZooKeeper decides when this process acts as the master (leadership.ts).
import { HttpAuthenticator, type Realm } from '../common/authentication';
import { FlagError, parseFlags } from '../common/flags';
import { listen, Router, type Listening } from '../common/http';
import { answerJsonp, mountProcessAliases } from '../common/web-clients';
import { mountWebUi } from '../common/webui';
import { newUUID } from '../common/ids';
import { AGENT_API_PATH } from '../common/protocol/internal';
import { createLogger, type Logger } from '../common/log';
import { HierarchicalAllocator } from './allocator/hierarchical';
import { DRFSorter } from './allocator/sorter/drf';
import { RandomSorter } from './allocator/sorter/random';
import { MASTER_FLAGS, type MasterOptions } from './flags';
import { mountAgentApi } from './http/agents';
import { mountOperatorApi } from './http/operator';
import { mountRoles } from './http/roles';
import { mountStateSummary } from './http/state-summary';
import { mountSchedulerApi } from './http/scheduler';
import { startLeadership, type MasterFactory } from './leadership';
import { defaultHostname, Master } from './master';
import { parseRate, type Rate } from './rate-limiter';
import { fileRegistry, Registry } from './registry';

/** --recovery_agent_removal_limit: a percentage from 0% to 100%, as a fraction. */
export function parsePercentage(flag: string, text: string): number {
  const value = /^\d+(\.\d+)?%$/.test(text) ? Number(text.slice(0, -1)) : Number.NaN;
  if (!(value <= 100)) throw new FlagError(`Flag --${flag}: invalid value '${text}' (expected a percentage from 0% to 100%)`);
  return value / 100;
}

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

const UNAUTHENTICATED = new Set(['/health', '/master/health', '/redirect', '/master/redirect', '/version']);

/**
 * As Mesos' master: what changes state (the operator API, POSTs to v0 endpoints) is read-write, the rest
 * read-only; the scheduler API (Mesos' --authenticate_http_frameworks), the agents' link (Mesos'
 * --authenticate_agents), health and redirect are not authenticated by these flags.
 */
function realmOf(method: string, path: string): Realm {
  if (UNAUTHENTICATED.has(path) || path === '/api/v1/scheduler' || path === AGENT_API_PATH) return undefined;
  return path === '/api/v1' || (method !== 'GET' && method !== 'HEAD') ? 'readwrite' : 'readonly';
}

export interface RunningMaster {
  listening: Listening;
  stop(): Promise<void>;
}

export async function startMaster(argv: string[]): Promise<RunningMaster> {
  const { values: flags, raw } = parseFlags(MASTER_FLAGS, argv);
  const log = createLogger('master', flags.quiet);
  const sorter = (flag: string, value: string | undefined) => {
    if (value === 'drf') return () => new DRFSorter();
    if (value === 'random') return () => new RandomSorter();
    throw new FlagError(`Flag --${flag} must be drf or random, got '${value}'`);
  };
  const roleSorter = sorter('role_sorter', flags.role_sorter);
  const frameworkSorter = sorter('framework_sorter', flags.framework_sorter);
  const weights = parseWeights(flags.weights);
  const recoveryAgentRemovalLimit = parsePercentage('recovery_agent_removal_limit', flags.recovery_agent_removal_limit!);
  let agentRemovalRate: Rate | undefined;
  try {
    agentRemovalRate = flags.agent_removal_rate_limit ? parseRate(flags.agent_removal_rate_limit) : undefined;
  } catch (e) {
    throw new FlagError(`Flag --agent_removal_rate_limit: ${(e as Error).message}`);
  }
  if (flags.zk && !(flags.quorum && flags.quorum > 0)) throw new FlagError('Flag --quorum is required with --zk (more than half of the masters, e.g. 2 of 3)');

  const ip = flags.ip!;
  const authenticator = HttpAuthenticator.fromFlags(flags);
  const top = mountWebUi(new Router(log), 'dashboard').before(answerJsonp);
  // Listen first, so --port=0 works and MasterInfo carries the real port.
  const listening = await listen(authenticator ? new Router(log).fallback(authenticator.guard(realmOf, top.handle)) : top, ip, flags.port!);
  const options: Omit<MasterOptions, 'id'> = {
    ip, port: listening.port, hostname: flags.hostname ?? defaultHostname(ip), allocationIntervalMs: flags.allocation_interval!,
    offerTimeoutMs: flags.offer_timeout, agentPingTimeoutMs: flags.agent_ping_timeout!, maxAgentPingTimeouts: flags.max_agent_ping_timeouts!,
    agentReregisterTimeoutMs: flags.agent_reregister_timeout!, heartbeatIntervalMs: flags.heartbeat_interval!,
    maxCompletedFrameworks: flags.max_completed_frameworks!, maxCompletedTasksPerFramework: flags.max_completed_tasks_per_framework!,
    maxUnreachableTasksPerFramework: flags.max_unreachable_tasks_per_framework!, registryGcIntervalMs: flags.registry_gc_interval!,
    registryMaxAgentAgeMs: flags.registry_max_agent_age!, registryMaxAgentCount: flags.registry_max_agent_count!,
    recoveryAgentRemovalLimit, ...(agentRemovalRate ? { agentRemovalRate } : {}),
    flags: { ...raw, port: String(listening.port) },
  };
  const create = (id: string): MasterFactory => (registry) => {
    const allocator = new HierarchicalAllocator({
      allocationIntervalMs: options.allocationIntervalMs, filterGpuResources: flags.filter_gpu_resources, weights, roleSorter, frameworkSorter,
    });
    const master = new Master({ ...options, id }, allocator, registry, log);
    const router = new Router(log);
    mountSchedulerApi(router, master);
    mountOperatorApi(router, master);
    mountAgentApi(router, master);
    mountRoles(router, master);
    mountStateSummary(router, master);
    mountProcessAliases(router, '/master');
    return { master, router };
  };

  if (flags.zk) {
    const leadership = startLeadership({ zk: flags.zk, quorum: flags.quorum!, sessionTimeoutMs: flags.zk_session_timeout!, options, create, top, log });
    log.info(`Master listening on http://${ip}:${listening.port}, contending for leadership in ${flags.zk} (leads once ${flags.quorum} masters contend)`);
    return { listening, stop: async () => { leadership.stop(); await listening.close(); } };
  }
  return startStandalone(flags.work_dir, create, top, listening, log);
}

function startStandalone(workDir: string | undefined, create: (id: string) => MasterFactory, top: Router, listening: Listening, log: Logger): RunningMaster {
  let current: ReturnType<MasterFactory>;
  // A registry write that fails (a full disk, say) ends this term, as a lost ZooKeeper write ends a
  // leader's: the master stops and a new one recovers from what was persisted, like after a failover.
  const term = () => {
    const registry = workDir ? fileRegistry(workDir) : new Registry();
    registry.onFailure = (e) => {
      log.error(`Master ${current.master.id} could not persist its registry (${e.message}); recovering from ${workDir}`);
      setImmediate(() => { current.master.stop(); term(); });
    };
    current = create(newUUID())(registry);
    top.fallback(current.router.handle);
    current.master.start();
  };
  term();
  log.info(`Master ${current!.master.id} listening on http://${current!.master.options.ip}:${listening.port}${workDir ? ` (registry in ${workDir})` : ''}`);
  return { listening, stop: async () => { current.master.stop(); await listening.close(); } };
}
