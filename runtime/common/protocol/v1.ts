// Mesos v1 JSON types (include/mesos/v1/mesos.proto, scheduler.proto, executor.proto, master.proto).
// Field names are the proto field names; enums are their string names; bytes are base64 strings.

export interface Value { value: string }
export type FrameworkID = Value;
export type AgentID = Value;
export type OfferID = Value;
export type TaskID = Value;
export type ExecutorID = Value;
/** A nested container names its parent (LAUNCH_NESTED_CONTAINER_SESSION's containers are a task's children). */
export interface ContainerID { value: string; parent?: ContainerID }

export interface Scalar { value: number }
export interface Range { begin: number; end: number }

export interface ResourceReservation {
  type?: 'STATIC' | 'DYNAMIC';
  role?: string;
  principal?: string;
  labels?: Labels;
}

export interface Resource {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET';
  scalar?: Scalar;
  ranges?: { range: Range[] };
  set?: { item: string[] };
  role?: string;
  reservations?: ResourceReservation[];
  allocation_info?: { role?: string };
}

export interface Label { key: string; value?: string }
export interface Labels { labels: Label[] }

export interface Attribute {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';
  scalar?: Scalar;
  ranges?: { range: Range[] };
  set?: { item: string[] };
  text?: Value;
}

export interface Address { hostname?: string; ip?: string; port: number }

export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: Address;
  capabilities?: Array<{ type: string }>;
}

export interface AgentInfo {
  hostname: string;
  port?: number;
  resources?: Resource[];
  attributes?: Attribute[];
  id?: AgentID;
  domain?: unknown;
}

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: FrameworkID;
  failover_timeout?: number;
  checkpoint?: boolean;
  role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: Array<{ type: string }>;
  labels?: Labels;
  offer_filters?: unknown;
}

export interface Environment {
  variables?: Array<{ name: string; type?: 'VALUE' | 'SECRET' | 'UNKNOWN'; value?: string }>;
}

export interface CommandInfo {
  uris?: Array<{ value: string; executable?: boolean; extract?: boolean; cache?: boolean; output_file?: string }>;
  environment?: Environment;
  shell?: boolean;
  value?: string;
  arguments?: string[];
  user?: string;
}

export interface ExecutorInfo {
  type?: 'UNKNOWN' | 'DEFAULT' | 'CUSTOM';
  executor_id: ExecutorID;
  framework_id?: FrameworkID;
  command?: CommandInfo;
  container?: unknown;
  resources?: Resource[];
  name?: string;
  source?: string;
  data?: string;
  labels?: Labels;
}

/** mesos.proto's ContainerInfo, as far as the agents run it (DOCKER; MESOS without an image). */
export interface ContainerInfo {
  type?: 'DOCKER' | 'MESOS';
  volumes?: Volume[];
  hostname?: string;
  docker?: DockerInfo;
  network_infos?: NetworkInfo[];
}

export interface DockerInfo {
  image: string;
  network?: 'HOST' | 'BRIDGE' | 'NONE' | 'USER';
  port_mappings?: Array<{ host_port: number; container_port: number; protocol?: string }>;
  privileged?: boolean;
  parameters?: Parameter[];
  force_pull_image?: boolean;
}

export interface Parameter { key: string; value: string }

export interface Volume { container_path: string; host_path?: string; mode?: 'RW' | 'RO' }

export interface NetworkInfo {
  ip_addresses?: Array<{ protocol?: 'IPv4' | 'IPv6'; ip_address?: string }>;
  name?: string;
  labels?: Labels;
  port_mappings?: Array<{ host_port: number; container_port: number; protocol?: string }>;
}

export interface DurationInfo { nanoseconds: number }
export interface TimeInfo { nanoseconds: number }
export interface KillPolicy { grace_period?: DurationInfo }

export interface TaskInfo {
  name: string;
  task_id: TaskID;
  agent_id: AgentID;
  resources?: Resource[];
  executor?: ExecutorInfo;
  command?: CommandInfo;
  container?: unknown;
  health_check?: HealthCheck;
  check?: CheckInfo;
  kill_policy?: KillPolicy;
  data?: string;
  labels?: Labels;
  discovery?: unknown;
  max_completion_time?: DurationInfo;
}

export type CheckType = 'UNKNOWN' | 'COMMAND' | 'HTTP' | 'TCP';

/** TaskInfo.health_check (legacy form: `command` or `http` without `type`). */
export interface HealthCheck {
  type?: CheckType;
  command?: CommandInfo;
  http?: { port: number; scheme?: string; path?: string; statuses?: number[]; protocol?: 'IPv4' | 'IPv6' };
  tcp?: { port: number; protocol?: 'IPv4' | 'IPv6' };
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
  consecutive_failures?: number;
  grace_period_seconds?: number;
}

/** TaskInfo.check: a general check, reported (not interpreted) in TaskStatus.check_status. */
export interface CheckInfo {
  type?: CheckType;
  command?: { command: CommandInfo };
  http?: { port: number; path?: string };
  tcp?: { port: number };
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
}

export interface CheckStatusInfo {
  type?: CheckType;
  command?: { exit_code?: number };
  http?: { status_code?: number };
  tcp?: { succeeded?: boolean };
}

export interface TaskGroupInfo { tasks: TaskInfo[] }

export const TASK_STATES = [
  'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED',
  'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_UNREACHABLE', 'TASK_GONE',
  'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

const TERMINAL: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED',
  'TASK_GONE', 'TASK_GONE_BY_OPERATOR',
]);
export const isTerminalState = (state: TaskState): boolean => TERMINAL.has(state);

export type TaskStatusSource = 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';
export type TaskStatusReason =
  | 'REASON_COMMAND_EXECUTOR_FAILED' | 'REASON_CONTAINER_LAUNCH_FAILED' | 'REASON_EXECUTOR_REGISTRATION_TIMEOUT'
  | 'REASON_EXECUTOR_TERMINATED' | 'REASON_EXECUTOR_UNREGISTERED' | 'REASON_FRAMEWORK_REMOVED'
  | 'REASON_INVALID_FRAMEWORKID' | 'REASON_INVALID_OFFERS' | 'REASON_MASTER_DISCONNECTED'
  | 'REASON_RECONCILIATION' | 'REASON_RESOURCES_UNKNOWN' | 'REASON_AGENT_DISCONNECTED' | 'REASON_AGENT_DRAINING' | 'REASON_AGENT_REMOVED' | 'REASON_AGENT_REMOVED_BY_OPERATOR'
  | 'REASON_AGENT_REREGISTERED' | 'REASON_AGENT_RESTARTED' | 'REASON_AGENT_UNKNOWN' | 'REASON_TASK_INVALID' | 'REASON_TASK_GROUP_INVALID'
  | 'REASON_TASK_KILLED_DURING_LAUNCH' | 'REASON_TASK_UNKNOWN' | 'REASON_CONTAINER_PREEMPTED'
  | 'REASON_TASK_UNAUTHORIZED' | 'REASON_EXECUTOR_PREEMPTED' | 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT'
  | 'REASON_TASK_CHECK_STATUS_UPDATED' | 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED';

export interface TaskStatus {
  task_id: TaskID;
  state: TaskState;
  message?: string;
  source?: TaskStatusSource;
  reason?: TaskStatusReason;
  data?: string;
  agent_id?: AgentID;
  executor_id?: ExecutorID;
  timestamp?: number;
  uuid?: string;
  healthy?: boolean;
  check_status?: CheckStatusInfo;
  labels?: Labels;
  container_status?: ContainerStatus;
  unreachable_time?: TimeInfo;
}

export interface ContainerStatus {
  container_id?: ContainerID;
  executor_pid?: number;
  network_infos?: Array<{ ip_addresses?: Array<{ protocol?: 'IPv4' | 'IPv6'; ip_address?: string }> }>;
}

export interface Task {
  name: string;
  task_id: TaskID;
  framework_id: FrameworkID;
  executor_id?: ExecutorID;
  agent_id: AgentID;
  state: TaskState;
  resources: Resource[];
  statuses: TaskStatus[];
  status_update_state?: TaskState;
  status_update_uuid?: string;
  labels?: Labels;
  discovery?: unknown;
  container?: unknown;
  kill_policy?: KillPolicy;
  health_check?: HealthCheck;
  user?: string;
}

/** Where a machine is, for maintenance: both fields must match what its agents announce. */
export interface MachineID { hostname?: string; ip?: string }

/** When a machine may become unavailable (times in nanoseconds since the epoch). */
export interface Unavailability { start: { nanoseconds: number }; duration?: { nanoseconds: number } }

/** The master asks for resources back: their machine is scheduled for maintenance. */
export interface InverseOffer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id?: AgentID;
  unavailability: Unavailability;
  resources: Resource[];
}

export interface Offer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  hostname: string;
  url?: { scheme: string; address: Address; path?: string };
  resources: Resource[];
  attributes?: Attribute[];
  executor_ids?: ExecutorID[];
  allocation_info?: { role?: string };
  /** Set when the agent's machine is scheduled for maintenance. */
  unavailability?: Unavailability;
}

export interface Filters { refuse_seconds?: number }

export interface Operation {
  type: 'LAUNCH' | 'LAUNCH_GROUP' | 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY' | 'UNKNOWN';
  id?: Value;
  launch?: { task_infos: TaskInfo[] };
  launch_group?: { executor: ExecutorInfo; task_group: TaskGroupInfo };
  reserve?: { resources: Resource[] };
  unreserve?: { resources: Resource[] };
}

// scheduler.proto
export type SchedulerCallType =
  | 'SUBSCRIBE' | 'TEARDOWN' | 'ACCEPT' | 'DECLINE' | 'ACCEPT_INVERSE_OFFERS' | 'DECLINE_INVERSE_OFFERS'
  | 'REVIVE' | 'KILL' | 'SHUTDOWN' | 'ACKNOWLEDGE' | 'ACKNOWLEDGE_OPERATION_STATUS' | 'RECONCILE'
  | 'RECONCILE_OPERATIONS' | 'MESSAGE' | 'REQUEST' | 'SUPPRESS' | 'UPDATE_FRAMEWORK';

export interface SchedulerCall {
  framework_id?: FrameworkID;
  type: SchedulerCallType;
  subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
  accept?: { offer_ids: OfferID[]; operations?: Operation[]; filters?: Filters };
  decline?: { offer_ids: OfferID[]; filters?: Filters };
  revive?: { roles?: string[] };
  suppress?: { roles?: string[] };
  kill?: { task_id: TaskID; agent_id?: AgentID; kill_policy?: KillPolicy };
  shutdown?: { executor_id: ExecutorID; agent_id: AgentID };
  acknowledge?: { agent_id: AgentID; task_id: TaskID; uuid: string };
  reconcile?: { tasks?: Array<{ task_id: TaskID; agent_id?: AgentID }> };
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: string };
  request?: { requests?: unknown[] };
  update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
  accept_inverse_offers?: { inverse_offer_ids: OfferID[]; filters?: Filters };
  decline_inverse_offers?: { inverse_offer_ids: OfferID[]; filters?: Filters };
}

export type SchedulerEvent =
  | { type: 'SUBSCRIBED'; subscribed: { framework_id: FrameworkID; heartbeat_interval_seconds?: number; master_info?: MasterInfo } }
  | { type: 'OFFERS'; offers: { offers: Offer[] } }
  | { type: 'RESCIND'; rescind: { offer_id: OfferID } }
  | { type: 'INVERSE_OFFERS'; inverse_offers: { inverse_offers: InverseOffer[] } }
  | { type: 'RESCIND_INVERSE_OFFER'; rescind_inverse_offer: { inverse_offer_id: OfferID } }
  | { type: 'UPDATE'; update: { status: TaskStatus } }
  | { type: 'MESSAGE'; message: { agent_id: AgentID; executor_id: ExecutorID; data: string } }
  | { type: 'FAILURE'; failure: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'HEARTBEAT' };

// executor.proto
export type ExecutorCallType = 'SUBSCRIBE' | 'UPDATE' | 'MESSAGE' | 'HEARTBEAT';

export interface ExecutorCallUpdate { status: TaskStatus }

export interface ExecutorCall {
  executor_id: ExecutorID;
  framework_id: FrameworkID;
  type: ExecutorCallType;
  subscribe?: { unacknowledged_tasks?: TaskInfo[]; unacknowledged_updates?: ExecutorCallUpdate[] };
  update?: ExecutorCallUpdate;
  message?: { data: string };
}

export type ExecutorEvent =
  | { type: 'SUBSCRIBED'; subscribed: { executor_info: ExecutorInfo; framework_info: FrameworkInfo; agent_info: AgentInfo; container_id?: ContainerID } }
  | { type: 'LAUNCH'; launch: { task: TaskInfo } }
  | { type: 'LAUNCH_GROUP'; launch_group: { task_group: TaskGroupInfo } }
  | { type: 'KILL'; kill: { task_id: TaskID; kill_policy?: KillPolicy } }
  | { type: 'ACKNOWLEDGED'; acknowledged: { task_id: TaskID; uuid: string } }
  | { type: 'MESSAGE'; message: { data: string } }
  | { type: 'SHUTDOWN' }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'HEARTBEAT' };

// master.proto (operator API)
export type OperatorCallType =
  | 'GET_HEALTH' | 'GET_FLAGS' | 'GET_VERSION' | 'GET_METRICS' | 'GET_LOGGING_LEVEL' | 'GET_STATE'
  | 'GET_AGENTS' | 'GET_FRAMEWORKS' | 'GET_EXECUTORS' | 'GET_TASKS' | 'GET_MASTER' | 'SUBSCRIBE';

export interface OperatorCall { type: OperatorCallType; get_metrics?: { timeout?: DurationInfo } }
