// Mesolite's own protocols (Mesos uses libprocess messages here). Shaped like the v1 APIs: the client
// POSTs JSON calls; REGISTER/SUBSCRIBE answers with a RecordIO stream of events.
import type {
  AgentID, AgentInfo, DurationInfo, ExecutorCall, ExecutorEvent, ExecutorID, ExecutorInfo, FrameworkID, FrameworkInfo, KillPolicy, MasterInfo,
  Resource, Task, TaskGroupInfo, TaskID, TaskInfo, TaskStatus,
} from './v1';

/** Bumped on incompatible changes; a master refuses agents of another version. */
export const AGENT_PROTOCOL_VERSION = 2;
export const AGENT_API_PATH = '/internal/v1/agent';
export const EXECUTOR_HOST_API_PATH = '/internal/v1/executor_host';

export interface StatusUpdate {
  framework_id: FrameworkID;
  executor_id?: ExecutorID;
  agent_id?: AgentID;
  status: TaskStatus;
  timestamp: number;
  uuid: string;
  /** The latest state the agent knows, when status is an older unacknowledged one (Mesos' latest_state). */
  latest_state?: TaskStatus['state'];
}

// ---- agent -> master ----
export type AgentCall =
  | { type: 'REGISTER'; version: number; pid: string; register: { agent_info: AgentInfo; resources: Resource[] } }
  | {
      type: 'REREGISTER';
      version: number;
      pid: string;
      reregister: { agent_info: AgentInfo & { id: AgentID }; resources: Resource[]; tasks: Task[]; executors: ExecutorInfo[]; frameworks: FrameworkInfo[] };
    }
  | { type: 'STATUS_UPDATE'; agent_id: AgentID; status_update: StatusUpdate }
  | { type: 'EXECUTOR_MESSAGE'; agent_id: AgentID; executor_message: { framework_id: FrameworkID; executor_id: ExecutorID; data: string } }
  | { type: 'EXITED_EXECUTOR'; agent_id: AgentID; exited_executor: { framework_id: FrameworkID; executor_id: ExecutorID; status: number } }
  | { type: 'PONG'; agent_id: AgentID }
  /** Calls queued while the agent's previous POST was in flight, in order (Mesos pipelines its messages). */
  | { type: 'BATCH'; agent_id: AgentID; batch: { calls: AgentCall[] } };

// ---- master -> agent (stream events) ----
export type AgentEvent =
  | { type: 'REGISTERED'; registered: { agent_id: AgentID; master_info: MasterInfo } }
  | { type: 'RUN_TASK'; run_task: { framework_info: FrameworkInfo; task: TaskInfo } }
  | { type: 'RUN_TASK_GROUP'; run_task_group: { framework_info: FrameworkInfo; executor_info: ExecutorInfo; task_group: TaskGroupInfo } }
  | { type: 'KILL_TASK'; kill_task: { framework_id: FrameworkID; task_id: TaskID; kill_policy?: KillPolicy } }
  | { type: 'SHUTDOWN_EXECUTOR'; shutdown_executor: { framework_id: FrameworkID; executor_id: ExecutorID } }
  | { type: 'SHUTDOWN_FRAMEWORK'; shutdown_framework: { framework_id: FrameworkID } }
  | { type: 'ACKNOWLEDGE'; acknowledge: { framework_id: FrameworkID; task_id: TaskID; uuid: string } }
  | { type: 'FRAMEWORK_MESSAGE'; framework_message: { framework_id: FrameworkID; executor_id: ExecutorID; data: string } }
  /** The framework's info changed or it re-subscribed: the agent keeps the info and resends the framework's pending updates now. */
  | { type: 'UPDATE_FRAMEWORK'; update_framework: { framework_info: FrameworkInfo } }
  /** The agent's total changed (dynamic reservations): it checkpoints and re-registers with it. */
  | { type: 'CHECKPOINT_RESOURCES'; checkpoint_resources: { resources: Resource[] } }
  /** DRAIN_AGENT: the agent kills every task (within max_grace_period) and takes no new ones until it is idle. */
  | { type: 'DRAIN'; drain: { config: { max_grace_period?: DurationInfo; mark_gone: boolean } } }
  /** The agent's machine went down for maintenance (or is down): it kills its executors and exits. */
  | { type: 'SHUTDOWN'; shutdown: { message: string } }
  | { type: 'PING' };

// ---- executor host <-> agent ----

// One executor-host process per framework on an agent runs that framework's command and default
// executors as logical executors, each speaking the v1 Executor API (the same calls and events, checked
// as /api/v1/executor checks them) over the host's connection: the agent's events for them come
// on the host's stream as EXECUTOR_EVENT, and their calls go out in order, those queued while a POST is
// in flight together in one EXECUTOR_CALLS request, answered with one result per call. A host running
// hundreds of executors keeps one stream and a few requests instead of a stream and POSTs per task.
export type ExecutorHostCall =
  | { type: 'SUBSCRIBE'; framework_id: FrameworkID; pid: number; executor_ids: ExecutorID[] }
  | { type: 'EXECUTOR_EXITED'; framework_id: FrameworkID; executor_id: ExecutorID; status: number }
  | { type: 'EXECUTOR_CALLS'; framework_id: FrameworkID; executor_calls: { calls: ExecutorCall[] } };

/** The answer to EXECUTOR_CALLS: what /api/v1/executor would have answered each call (202, or the error). */
export interface ExecutorCallResult { status: number; message?: string }

/** The agent's Docker flags, as Mesos passes them to its docker executor. */
export interface DockerExecutorSettings {
  /** The engine's socket (--docker_socket). */
  socket: string;
  /** mesos-<container id>: the name recovery finds the container by. */
  container_name: string;
  /** Where the sandbox is mounted in the container (--sandbox_directory). */
  sandbox_directory: string;
  /** --docker_stop_timeout, for a kill without a kill policy. */
  stop_timeout_ms: number;
  /** Labels naming the agent, framework, executor and container (and the cluster in Docker mode). */
  labels: Record<string, string>;
  /** The address host ports are published on (the agent's --ip; in a Docker cluster the host's on its network). */
  host_ip: string;
  /** The network BRIDGE containers join (Docker's default bridge unless the agent runs in a Docker cluster). */
  bridge_network?: string;
  /** The sandbox's path on the engine's host, when the agent sees it elsewhere (an agent in a container). */
  sandbox_host_path?: string;
  /** Registry credentials from --docker_config (a docker config.json's `auths`). */
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
}

export type ExecutorHostEvent =
  | { type: 'SUBSCRIBED' }
  | {
      type: 'LAUNCH_EXECUTOR';
      /** environment: the MESOS_* variables the executor (and its tasks) get, as for any executor. */
      launch_executor: {
        executor_info: ExecutorInfo; directory: string; container_id: string; task_log: string; environment: Record<string, string>;
        /** Set for a Docker executor (ExecutorInfo.container of type DOCKER): how it runs its task's container. */
        docker?: DockerExecutorSettings;
      };
    }
  | { type: 'SHUTDOWN_EXECUTOR'; shutdown_executor: { executor_id: ExecutorID } }
  | { type: 'EXECUTOR_EVENT'; executor_event: { executor_id: ExecutorID; event: ExecutorEvent } }
  | { type: 'SHUTDOWN' };
