// The master's flags (Mesos' names and defaults) and the options a Master runs with, parsed from them.
import { AUTHENTICATION_FLAGS } from '../common/authentication';
import type { FlagSpecs } from '../common/flags';
import type { Rate } from './rate-limiter';

export interface MasterOptions {
  /** A new id for every run (and every leadership term), as Mesos gives each master process. */
  id: string;
  ip: string;
  port: number;
  hostname: string;
  allocationIntervalMs: number;
  offerTimeoutMs?: number;
  agentPingTimeoutMs: number;
  maxAgentPingTimeouts: number;
  agentReregisterTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxCompletedFrameworks: number;
  maxCompletedTasksPerFramework: number;
  maxUnreachableTasksPerFramework: number;
  registryGcIntervalMs: number;
  registryMaxAgentAgeMs: number;
  registryMaxAgentCount: number;
  /** --recovery_agent_removal_limit as a fraction (1 = 100%). */
  recoveryAgentRemovalLimit: number;
  /** --agent_removal_rate_limit; unset: agents are removed as soon as they fail health checks. */
  agentRemovalRate?: Rate;
  flags: Record<string, string>;
}

export const MASTER_FLAGS = {
  ip: { type: 'string', default: '127.0.0.1', help: 'IP address to listen on' },
  port: { type: 'int', default: '5050', help: 'Port to listen on' },
  hostname: { type: 'string', help: 'Hostname to advertise (defaults to --ip)' },
  zk: { type: 'string', help: 'ZooKeeper URL for leader election and the registry, e.g. zk://host1:2181,host2:2181/mesos' },
  quorum: { type: 'int', help: 'Size of the masters quorum (required with --zk: more than half of the masters; none leads until this many contend)' },
  zk_session_timeout: { type: 'duration', default: '10secs', help: 'ZooKeeper session timeout' },
  work_dir: { type: 'string', help: 'Where the registry is kept (standalone mode)' },
  allocation_interval: { type: 'duration', default: '1secs', help: 'Time between periodic allocation cycles' },
  offer_timeout: { type: 'duration', help: 'Rescind offers not answered within this time (default: never)' },
  agent_ping_timeout: { type: 'duration', default: '15secs', help: 'Time to wait for a PONG from an agent' },
  max_agent_ping_timeouts: { type: 'int', default: '5', help: 'Missed PONGs before an agent is unreachable' },
  agent_reregister_timeout: { type: 'duration', default: '10mins', help: 'Time for recovered agents to re-register' },
  recovery_agent_removal_limit: { type: 'string', default: '100%', help: 'After a failover, the most agents (percent of the registry) that may fail to re-register; beyond it the master exits instead of removing them' },
  agent_removal_rate_limit: { type: 'string', help: 'Most agents removed for failing health checks per duration, e.g. 1/10mins (default: as soon as they fail)' },
  heartbeat_interval: { type: 'duration', default: '15secs', help: 'HEARTBEAT period on scheduler and operator streams' },
  max_completed_frameworks: { type: 'int', default: '50', help: 'Completed frameworks kept for the state endpoints' },
  max_completed_tasks_per_framework: { type: 'int', default: '1000', help: 'Completed tasks kept per framework' },
  max_unreachable_tasks_per_framework: { type: 'int', default: '1000', help: 'Tasks of unreachable agents kept per framework' },
  registry_gc_interval: { type: 'duration', default: '15mins', help: 'How often unreachable agents are garbage collected from the registry' },
  registry_max_agent_age: { type: 'duration', default: '2weeks', help: 'Unreachable agents older than this are removed from the registry' },
  registry_max_agent_count: { type: 'int', default: '102400', help: 'Most unreachable agents kept in the registry (the oldest go first)' },
  weights: { type: 'string', help: "Role weights, e.g. 'ops=2,dev=1' (changed later with UPDATE_WEIGHTS)" },
  role_sorter: { type: 'string', default: 'drf', help: 'How roles are ordered: drf or random' },
  framework_sorter: { type: 'string', default: 'drf', help: 'How frameworks within a role are ordered: drf or random' },
  filter_gpu_resources: { type: 'bool', default: 'true', help: 'Offer agents with GPUs only to frameworks with the GPU_RESOURCES capability' },
  cluster: { type: 'string', help: 'Human readable name of the cluster' },
  ...AUTHENTICATION_FLAGS,
  quiet: { type: 'bool', help: 'Log warnings and errors only' },
} satisfies FlagSpecs;
