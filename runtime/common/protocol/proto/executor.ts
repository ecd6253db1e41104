// mesos.v1.executor: field names, numbers, types and labels of Mesos' v1 messages (the facts of the wire format, as
// include/mesos/v1 defines them), in our own compact proto2 text; read by ../codec.ts with protobufjs.

export const EXECUTOR = { package: 'mesos.v1.executor', text: `
message Call {
  enum Type { UNKNOWN = 0; SUBSCRIBE = 1; UPDATE = 2; MESSAGE = 3; HEARTBEAT = 4; }
  message Subscribe { repeated TaskInfo unacknowledged_tasks = 1; repeated Update unacknowledged_updates = 2; }
  message Update { required TaskStatus status = 1; }
  message Message { required bytes data = 2; }
  required ExecutorID executor_id = 1; required FrameworkID framework_id = 2; optional Type type = 3;
  optional Subscribe subscribe = 4; optional Update update = 5; optional Message message = 6;
}
message Event {
  enum Type { UNKNOWN = 0; SUBSCRIBED = 1; LAUNCH = 2; LAUNCH_GROUP = 8; KILL = 3; ACKNOWLEDGED = 4; MESSAGE = 5; ERROR = 6; SHUTDOWN = 7; HEARTBEAT = 9; }
  message Subscribed {
    required ExecutorInfo executor_info = 1; required FrameworkInfo framework_info = 2; required AgentInfo agent_info = 3;
    optional ContainerID container_id = 4;
  }
  message Launch { required TaskInfo task = 1; }
  message LaunchGroup { required TaskGroupInfo task_group = 1; }
  message Kill { required TaskID task_id = 1; optional KillPolicy kill_policy = 2; }
  message Acknowledged { required TaskID task_id = 1; required bytes uuid = 2; }
  message Message { required bytes data = 1; }
  message Error { required string message = 1; }
  optional Type type = 1; optional Subscribed subscribed = 2; optional Acknowledged acknowledged = 3; optional Launch launch = 4;
  optional Kill kill = 5; optional Message message = 6; optional Error error = 7; optional LaunchGroup launch_group = 8;
}
` };
