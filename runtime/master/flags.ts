import type { FlagSpecs } from '../common/flags';

export const MASTER_FLAGS = {
  ip: { type: 'string', default: '127.0.0.1', help: 'IP address to listen on' },
  port: { type: 'int', default: '5050', help: 'Port to listen on' },
  hostname: { type: 'string', help: 'Hostname to advertise (defaults to --ip)' },
  work_dir: { type: 'string', help: 'Where the registry is kept (standalone mode)' },
  allocation_interval: { type: 'duration', default: '1secs', help: 'Time between periodic allocation cycles' },
  offer_timeout: { type: 'duration', help: 'Rescind offers not answered within this time (default: never)' },
  agent_ping_timeout: { type: 'duration', default: '15secs', help: 'Time to wait for a PONG from an agent' },
  max_agent_ping_timeouts: { type: 'int', default: '5', help: 'Missed PONGs before an agent is unreachable' },
  agent_reregister_timeout: { type: 'duration', default: '10mins', help: 'Time for recovered agents to re-register' },
  heartbeat_interval: { type: 'duration', default: '15secs', help: 'HEARTBEAT period on scheduler and operator streams' },
  max_completed_frameworks: { type: 'int', default: '50', help: 'Completed frameworks kept for the state endpoints' },
  max_completed_tasks_per_framework: { type: 'int', default: '1000', help: 'Completed tasks kept per framework' },
  weights: { type: 'string', help: "Role weights, e.g. 'ops=2,dev=1' (changed later with UPDATE_WEIGHTS)" },
  role_sorter: { type: 'string', default: 'drf', help: 'How roles are ordered: drf or random' },
  framework_sorter: { type: 'string', default: 'drf', help: 'How frameworks within a role are ordered: drf or random' },
  filter_gpu_resources: { type: 'bool', default: 'true', help: 'Offer agents with GPUs only to frameworks with the GPU_RESOURCES capability' },
  cluster: { type: 'string', help: 'Human readable name of the cluster' },
  quiet: { type: 'bool', help: 'Log warnings and errors only' },
} satisfies FlagSpecs;
