// mesos.v1 (first half): field names, numbers, types and labels of Mesos' v1 messages (the facts of the wire format, as
// include/mesos/v1 defines them), in our own compact proto2 text; read by ../codec.ts with protobufjs.

export const MESOS = { package: 'mesos.v1', text: `
message FrameworkID { required string value = 1; }
message FrameworkInfo {
  message Capability {
    enum Type { UNKNOWN = 0; REVOCABLE_RESOURCES = 1; TASK_KILLING_STATE = 2; GPU_RESOURCES = 3; SHARED_RESOURCES = 4; PARTITION_AWARE = 5; MULTI_ROLE = 6; RESERVATION_REFINEMENT = 7; REGION_AWARE = 8; }
    optional Type type = 1;
  }
  required string user = 1; required string name = 2; optional FrameworkID id = 3; optional double failover_timeout = 4;
  optional bool checkpoint = 5; optional string role = 6; optional string hostname = 7; optional string principal = 8;
  optional string webui_url = 9; repeated Capability capabilities = 10; optional Labels labels = 11; repeated string roles = 12;
  map<string, OfferFilters> offer_filters = 13;
}
message Labels { repeated Label labels = 1; }
message Label { required string key = 1; optional string value = 2; }
message OfferFilters {
  message ResourceQuantities { map<string, Value.Scalar> quantities = 1; }
  message MinAllocatableResources { repeated ResourceQuantities quantities = 1; }
  optional MinAllocatableResources min_allocatable_resources = 1;
}
message Value {
  enum Type { SCALAR = 0; RANGES = 1; SET = 2; TEXT = 3; }
  message Scalar { required double value = 1; }
  message Range { required uint64 begin = 1; required uint64 end = 2; }
  message Ranges { repeated Range range = 1; }
  message Set { repeated string item = 1; }
  message Text { required string value = 1; }
  required Type type = 1; optional Scalar scalar = 2; optional Ranges ranges = 3; optional Set set = 4; optional Text text = 5;
}
message OfferID { required string value = 1; }
message Offer {
  message Operation {
    enum Type { UNKNOWN = 0; LAUNCH = 1; LAUNCH_GROUP = 6; RESERVE = 2; UNRESERVE = 3; CREATE = 4; DESTROY = 5; GROW_VOLUME = 11; SHRINK_VOLUME = 12; CREATE_DISK = 13; DESTROY_DISK = 14; }
    message Launch { repeated TaskInfo task_infos = 1; }
    message LaunchGroup { required ExecutorInfo executor = 1; required TaskGroupInfo task_group = 2; }
    message Reserve { repeated Resource resources = 1; repeated Resource source = 2; }
    message Unreserve { repeated Resource resources = 1; }
    message Create { repeated Resource volumes = 1; }
    message Destroy { repeated Resource volumes = 1; }
    message GrowVolume { required Resource volume = 1; required Resource addition = 2; }
    message ShrinkVolume { required Resource volume = 1; required Value.Scalar subtract = 2; }
    message CreateDisk {
      required Resource source = 1; required Resource.DiskInfo.Source.Type target_type = 2; optional string target_profile = 3;
    }
    message DestroyDisk { required Resource source = 1; }
    optional Type type = 1; optional Launch launch = 2; optional Reserve reserve = 3; optional Unreserve unreserve = 4;
    optional Create create = 5; optional Destroy destroy = 6; optional LaunchGroup launch_group = 7; optional OperationID id = 12;
    optional GrowVolume grow_volume = 13; optional ShrinkVolume shrink_volume = 14; optional CreateDisk create_disk = 15;
    optional DestroyDisk destroy_disk = 16;
  }
  required OfferID id = 1; required FrameworkID framework_id = 2; required AgentID agent_id = 3; required string hostname = 4;
  repeated Resource resources = 5; repeated ExecutorID executor_ids = 6; repeated Attribute attributes = 7; optional URL url = 8;
  optional Unavailability unavailability = 9; optional Resource.AllocationInfo allocation_info = 10;
  optional DomainInfo domain = 11;
}
message AgentID { required string value = 1; }
message URL {
  required string scheme = 1; required Address address = 2; optional string path = 3; repeated Parameter query = 4;
  optional string fragment = 5;
}
message Address { optional string hostname = 1; optional string ip = 2; required int32 port = 3; }
message Parameter { required string key = 1; required string value = 2; }
message DomainInfo {
  message FaultDomain {
    message RegionInfo { required string name = 1; }
    message ZoneInfo { required string name = 1; }
    required RegionInfo region = 1; required ZoneInfo zone = 2;
  }
  optional FaultDomain fault_domain = 1;
}
message Resource {
  message AllocationInfo { optional string role = 1; }
  message ReservationInfo {
    enum Type { UNKNOWN = 0; STATIC = 1; DYNAMIC = 2; }
    optional string principal = 1; optional Labels labels = 2; optional string role = 3; optional Type type = 4;
  }
  message DiskInfo {
    message Persistence { required string id = 1; optional string principal = 2; }
    message Source {
      enum Type { UNKNOWN = 0; PATH = 1; MOUNT = 2; BLOCK = 3; RAW = 4; }
      message Path { optional string root = 1; }
      message Mount { optional string root = 1; }
      required Type type = 1; optional Path path = 2; optional Mount mount = 3; optional string id = 4;
      optional Labels metadata = 5; optional string profile = 6; optional string vendor = 7;
    }
    optional Persistence persistence = 1; optional Volume volume = 2; optional Source source = 3;
  }
  message RevocableInfo {}
  message SharedInfo {}
  required string name = 1; required Value.Type type = 2; optional Value.Scalar scalar = 3; optional Value.Ranges ranges = 4;
  optional Value.Set set = 5; optional string role = 6; optional DiskInfo disk = 7; optional ReservationInfo reservation = 8;
  optional RevocableInfo revocable = 9; optional SharedInfo shared = 10; optional AllocationInfo allocation_info = 11;
  optional ResourceProviderID provider_id = 12; repeated ReservationInfo reservations = 13;
}
message ResourceProviderID { required string value = 1; }
message Volume {
  enum Mode { RW = 1; RO = 2; }
  message Source {
    enum Type { UNKNOWN = 0; DOCKER_VOLUME = 1; HOST_PATH = 4; SANDBOX_PATH = 2; SECRET = 3; CSI_VOLUME = 5; }
    message DockerVolume { optional string driver = 1; required string name = 2; optional Parameters driver_options = 3; }
    message HostPath { required string path = 1; optional MountPropagation mount_propagation = 2; }
    message SandboxPath { enum Type { UNKNOWN = 0; SELF = 1; PARENT = 2; } optional Type type = 1; required string path = 2; }
    message CSIVolume {
      message VolumeCapability {
        message BlockVolume {}
        message MountVolume { optional string fs_type = 1; repeated string mount_flags = 2; }
        message AccessMode {
          enum Mode { UNKNOWN = 0; SINGLE_NODE_WRITER = 1; SINGLE_NODE_READER_ONLY = 2; MULTI_NODE_READER_ONLY = 3; MULTI_NODE_SINGLE_WRITER = 4; MULTI_NODE_MULTI_WRITER = 5; }
          required Mode mode = 1;
        }
        optional BlockVolume block = 1; optional MountVolume mount = 2; required AccessMode access_mode = 3;
      }
      message StaticProvisioning {
        required string volume_id = 1; required VolumeCapability volume_capability = 2;
        map<string, Secret> node_stage_secrets = 3; map<string, Secret> node_publish_secrets = 4;
        map<string, string> volume_context = 5;
      }
      required string plugin_name = 1; optional StaticProvisioning static_provisioning = 2;
    }
    optional Type type = 1; optional DockerVolume docker_volume = 2; optional SandboxPath sandbox_path = 3;
    optional Secret secret = 4; optional HostPath host_path = 5; optional CSIVolume csi_volume = 6;
  }
  required string container_path = 1; optional string host_path = 2; required Mode mode = 3; optional Image image = 4;
  optional Source source = 5;
}
message Image {
  enum Type { APPC = 1; DOCKER = 2; }
  message Appc { required string name = 1; optional string id = 2; optional Labels labels = 3; }
  message Docker { required string name = 1; optional Credential credential = 2; optional Secret config = 3; }
  required Type type = 1; optional Appc appc = 2; optional Docker docker = 3; optional bool cached = 4;
}
message Credential { required string principal = 1; optional string secret = 2; }
message Secret {
  enum Type { UNKNOWN = 0; REFERENCE = 1; VALUE = 2; }
  message Reference { required string name = 1; optional string key = 2; }
  message Value { required bytes data = 1; }
  optional Type type = 1; optional Reference reference = 2; optional Value value = 3;
}
message Parameters { repeated Parameter parameter = 1; }
message MountPropagation { enum Mode { UNKNOWN = 0; HOST_TO_CONTAINER = 1; BIDIRECTIONAL = 2; } optional Mode mode = 1; }
message Attribute {
  required string name = 1; required Value.Type type = 2; optional Value.Scalar scalar = 3; optional Value.Ranges ranges = 4;
  optional Value.Text text = 5; optional Value.Set set = 6;
}
message ExecutorID { required string value = 1; }
message Unavailability { required TimeInfo start = 1; optional DurationInfo duration = 2; }
message TimeInfo { required int64 nanoseconds = 1; }
message DurationInfo { required int64 nanoseconds = 1; }
message OperationID { required string value = 1; }
message TaskInfo {
  required string name = 1; required TaskID task_id = 2; required AgentID agent_id = 3; repeated Resource resources = 4;
  optional ExecutorInfo executor = 5; optional bytes data = 6; optional CommandInfo command = 7;
  optional HealthCheck health_check = 8; optional ContainerInfo container = 9; optional Labels labels = 10;
  optional DiscoveryInfo discovery = 11; optional KillPolicy kill_policy = 12; optional CheckInfo check = 13;
  optional DurationInfo max_completion_time = 14; map<string, Value.Scalar> limits = 15;
}
message TaskID { required string value = 1; }
message ExecutorInfo {
  enum Type { UNKNOWN = 0; DEFAULT = 1; CUSTOM = 2; }
  required ExecutorID executor_id = 1; optional bytes data = 4; repeated Resource resources = 5; optional CommandInfo command = 7;
  optional FrameworkID framework_id = 8; optional string name = 9; optional string source = 10;
  optional ContainerInfo container = 11; optional DiscoveryInfo discovery = 12; optional DurationInfo shutdown_grace_period = 13;
  optional Labels labels = 14; optional Type type = 15;
}
message CommandInfo {
  message URI {
    required string value = 1; optional bool executable = 2; optional bool extract = 3; optional bool cache = 4;
    optional string output_file = 5;
  }
  repeated URI uris = 1; optional Environment environment = 2; optional string value = 3; optional string user = 5;
  optional bool shell = 6; repeated string arguments = 7;
}
message Environment {
  message Variable {
    enum Type { UNKNOWN = 0; VALUE = 1; SECRET = 2; }
    required string name = 1; optional string value = 2; optional Type type = 3; optional Secret secret = 4;
  }
  repeated Variable variables = 1;
}
message ContainerInfo {
  enum Type { DOCKER = 1; MESOS = 2; }
  message DockerInfo {
    enum Network { HOST = 1; BRIDGE = 2; NONE = 3; USER = 4; }
    message PortMapping { required uint32 host_port = 1; required uint32 container_port = 2; optional string protocol = 3; }
    required string image = 1; optional Network network = 2; repeated PortMapping port_mappings = 3; optional bool privileged = 4;
    repeated Parameter parameters = 5; optional bool force_pull_image = 6; optional string volume_driver = 7;
  }
  message MesosInfo { optional Image image = 1; }
  required Type type = 1; repeated Volume volumes = 2; optional DockerInfo docker = 3; optional string hostname = 4;
  optional MesosInfo mesos = 5; repeated NetworkInfo network_infos = 7; optional LinuxInfo linux_info = 8;
  optional RLimitInfo rlimit_info = 9; optional TTYInfo tty_info = 10;
}
message NetworkInfo {
  enum Protocol { IPv4 = 1; IPv6 = 2; }
  message IPAddress { optional Protocol protocol = 1; optional string ip_address = 2; }
  message PortMapping { required uint32 host_port = 1; required uint32 container_port = 2; optional string protocol = 3; }
  repeated string groups = 3; optional Labels labels = 4; repeated IPAddress ip_addresses = 5; optional string name = 6;
  repeated PortMapping port_mappings = 7;
}
message LinuxInfo {
  enum IpcMode { UNKNOWN = 0; PRIVATE = 1; SHARE_PARENT = 2; }
  optional CapabilityInfo capability_info = 1; optional CapabilityInfo bounding_capabilities = 2;
  optional CapabilityInfo effective_capabilities = 3; optional bool share_pid_namespace = 4; optional SeccompInfo seccomp = 5;
  optional IpcMode ipc_mode = 6; optional uint32 shm_size = 7; optional bool share_cgroups = 8;
}
message CapabilityInfo {
  enum Capability { UNKNOWN = 0; CHOWN = 1000; DAC_OVERRIDE = 1001; DAC_READ_SEARCH = 1002; FOWNER = 1003; FSETID = 1004; KILL = 1005; SETGID = 1006; SETUID = 1007; SETPCAP = 1008; LINUX_IMMUTABLE = 1009; NET_BIND_SERVICE = 1010; NET_BROADCAST = 1011; NET_ADMIN = 1012; NET_RAW = 1013; IPC_LOCK = 1014; IPC_OWNER = 1015; SYS_MODULE = 1016; SYS_RAWIO = 1017; SYS_CHROOT = 1018; SYS_PTRACE = 1019; SYS_PACCT = 1020; SYS_ADMIN = 1021; SYS_BOOT = 1022; SYS_NICE = 1023; SYS_RESOURCE = 1024; SYS_TIME = 1025; SYS_TTY_CONFIG = 1026; MKNOD = 1027; LEASE = 1028; AUDIT_WRITE = 1029; AUDIT_CONTROL = 1030; SETFCAP = 1031; MAC_OVERRIDE = 1032; MAC_ADMIN = 1033; SYSLOG = 1034; WAKE_ALARM = 1035; BLOCK_SUSPEND = 1036; AUDIT_READ = 1037; PERFMON = 1038; BPF = 1039; CHECKPOINT_RESTORE = 1040; }
  repeated Capability capabilities = 1;
}
message SeccompInfo { optional string profile_name = 1; optional bool unconfined = 2; }
message RLimitInfo {
  message RLimit {
    enum Type { UNKNOWN = 0; RLMT_AS = 1; RLMT_CORE = 2; RLMT_CPU = 3; RLMT_DATA = 4; RLMT_FSIZE = 5; RLMT_LOCKS = 6; RLMT_MEMLOCK = 7; RLMT_MSGQUEUE = 8; RLMT_NICE = 9; RLMT_NOFILE = 10; RLMT_NPROC = 11; RLMT_RSS = 12; RLMT_RTPRIO = 13; RLMT_RTTIME = 14; RLMT_SIGPENDING = 15; RLMT_STACK = 16; }
    optional Type type = 1; optional uint64 hard = 2; optional uint64 soft = 3;
  }
  repeated RLimit rlimits = 1;
}
message TTYInfo {
  message WindowSize { required uint32 rows = 1; required uint32 columns = 2; }
  optional WindowSize window_size = 1;
}
message DiscoveryInfo {
  enum Visibility { FRAMEWORK = 0; CLUSTER = 1; EXTERNAL = 2; }
  required Visibility visibility = 1; optional string name = 2; optional string environment = 3; optional string location = 4;
  optional string version = 5; optional Ports ports = 6; optional Labels labels = 7;
}
message Ports { repeated Port ports = 1; }
message Port {
  required uint32 number = 1; optional string name = 2; optional string protocol = 3;
  optional DiscoveryInfo.Visibility visibility = 4; optional Labels labels = 5;
}
message HealthCheck {
  enum Type { UNKNOWN = 0; COMMAND = 1; HTTP = 2; TCP = 3; }
  message HTTPCheckInfo {
    required uint32 port = 1; optional string path = 2; optional string scheme = 3; repeated uint32 statuses = 4;
    optional NetworkInfo.Protocol protocol = 5;
  }
  message TCPCheckInfo { required uint32 port = 1; optional NetworkInfo.Protocol protocol = 2; }
  optional HTTPCheckInfo http = 1; optional double delay_seconds = 2; optional double interval_seconds = 3;
  optional double timeout_seconds = 4; optional uint32 consecutive_failures = 5; optional double grace_period_seconds = 6;
  optional CommandInfo command = 7; optional Type type = 8; optional TCPCheckInfo tcp = 9;
}
` };
