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
  containerizers: { type: 'string', default: 'mesos', help: "Containerizers in the order they are tried: 'mesos', 'docker' or both ('docker,mesos' runs DOCKER containers with the Docker engine)" },
  docker: { type: 'string', default: 'docker', help: 'The docker binary (the agent talks to the engine through its API at --docker_socket)' },
  docker_socket: { type: 'string', default: '/var/run/docker.sock', help: "The Docker engine's socket (or tcp://HOST:PORT)" },
  docker_stop_timeout: { type: 'duration', default: '0ns', help: 'Time a container gets between its stop signal and SIGKILL when its task has no kill policy' },
  docker_remove_delay: { type: 'duration', default: '6hrs', help: 'Time a stopped container of a finished executor is kept before it is removed' },
  docker_kill_orphans: { type: 'bool', default: 'true', help: "Kill the containers of this agent unknown to its checkpoint when it recovers" },
  sandbox_directory: { type: 'string', default: '/mnt/mesos/sandbox', help: "Where a container's sandbox is mounted (MESOS_SANDBOX in it)" },
  docker_config: { type: 'string', help: "Registry credentials for pulls: a docker config.json (its path, or its JSON) with 'auths'" },
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
  /** The docker containerizer's settings; absent when --containerizers does not name it. */
  docker?: DockerOptions;
  flags: Record<string, string>;
}

export interface DockerOptions {
  socket: string;
  stopTimeoutMs: number;
  removeDelayMs: number;
  killOrphans: boolean;
  sandboxDirectory: string;
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  /** Labels every task container gets beside its ids (Docker mode: the cluster's). */
  labels: Record<string, string>;
  /** Docker mode: the cluster's network, which BRIDGE containers join, and the host's address on it (where their ports are published). */
  bridge?: { network: string; hostIp: string };
  /** Docker mode: the agent's --work_dir as the engine's host sees it (mounted into the agent's container). */
  hostWorkDir?: string;
}
