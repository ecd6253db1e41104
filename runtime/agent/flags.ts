// The agent's flags (Mesos' names) and the options they become.
import { AUTHENTICATION_FLAGS } from '../common/authentication';
import type { FlagSpecs } from '../common/flags';
import type { Attribute, Resource } from '../common/protocol/v1';
import type { LeaderSource } from '../zk/leader';

export const AGENT_FLAGS = {
  master: { type: 'string', help: 'Master to register with: HOST:PORT (zk:// comes with the HA work)' },
  ip: { type: 'string', default: '127.0.0.1', help: 'IP address to listen on' },
  port: { type: 'int', default: '5051', help: 'Port to listen on' },
  hostname: { type: 'string', help: 'Hostname to advertise (defaults to --ip)' },
  work_dir: { type: 'string', help: 'Where sandboxes and checkpoints are kept (required)' },
  resources: { type: 'string', help: "Total consumable resources, e.g. 'cpus:4;mem:4096;disk:10000;ports:[31000-32000]' (auto-detected when omitted)" },
  attributes: { type: 'string', help: "Attributes of the machine, e.g. 'rack:r1;zone:a'" },
  recover: { type: 'string', default: 'reconnect', help: 'reconnect: reattach to executors after a restart; cleanup: kill them' },
  executor_shutdown_grace_period: { type: 'duration', default: '5secs', help: 'Time an executor gets to shut down before it is killed' },
  executor_registration_timeout: { type: 'duration', default: '1mins', help: "Time a framework's executor gets to subscribe before its tasks fail" },
  executor_reregistration_timeout: { type: 'duration', default: '2secs', help: 'Time for executors to re-subscribe after an agent restart' },
  http_heartbeat_interval: { type: 'duration', default: '30secs', help: 'Interval of the heartbeats on streaming responses (nested container sessions)' },
  ...AUTHENTICATION_FLAGS,
  quiet: { type: 'bool', help: 'Log warnings and errors only' },
} satisfies FlagSpecs;

export interface AgentOptions {
  master: LeaderSource;
  ip: string;
  port: number;
  hostname: string;
  workDir: string;
  /** The agent's total: checkpointed, and changed by the master's CHECKPOINT_RESOURCES. */
  resources: Resource[];
  attributes: Attribute[];
  recover: 'reconnect' | 'cleanup';
  executorShutdownGraceMs: number;
  executorShutdownGraceText: string;
  executorReregistrationTimeoutMs: number;
  executorRegistrationTimeoutMs: number;
  httpHeartbeatIntervalMs: number;
  flags: Record<string, string>;
}
