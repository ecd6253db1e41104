// mesos.v1 (second half): field names, numbers, types and labels of Mesos' v1 messages (the facts of the wire format, as
// include/mesos/v1 defines them), in our own compact proto2 text; read by ../codec.ts with protobufjs.

export const MESOS_2 = { package: 'mesos.v1', text: `
message CheckInfo {
  enum Type { UNKNOWN = 0; COMMAND = 1; HTTP = 2; TCP = 3; }
  message Command { required CommandInfo command = 1; }
  message Http { required uint32 port = 1; optional string path = 2; }
  message Tcp { required uint32 port = 1; }
  optional Type type = 1; optional Command command = 2; optional Http http = 3; optional double delay_seconds = 4;
  optional double interval_seconds = 5; optional double timeout_seconds = 6; optional Tcp tcp = 7;
}
message KillPolicy { optional DurationInfo grace_period = 1; }
message TaskGroupInfo { repeated TaskInfo tasks = 1; }
message Filters { optional double refuse_seconds = 1; }
message Request { optional AgentID agent_id = 1; repeated Resource resources = 2; }
message MasterInfo {
  message Capability { enum Type { UNKNOWN = 0; AGENT_UPDATE = 1; AGENT_DRAINING = 2; QUOTA_V2 = 3; } optional Type type = 1; }
  required string id = 1; required uint32 ip = 2; required uint32 port = 3; optional string pid = 4; optional string hostname = 5;
  optional string version = 6; optional Address address = 7; optional DomainInfo domain = 8; repeated Capability capabilities = 9;
}
message InverseOffer {
  required OfferID id = 1; optional URL url = 2; required FrameworkID framework_id = 3; optional AgentID agent_id = 4;
  required Unavailability unavailability = 5; repeated Resource resources = 6;
}
message TaskStatus {
  enum Source { SOURCE_MASTER = 0; SOURCE_AGENT = 1; SOURCE_EXECUTOR = 2; }
  enum Reason { REASON_COMMAND_EXECUTOR_FAILED = 0; REASON_CONTAINER_LAUNCH_FAILED = 21; REASON_CONTAINER_LIMITATION = 19; REASON_CONTAINER_LIMITATION_DISK = 20; REASON_CONTAINER_LIMITATION_MEMORY = 8; REASON_CONTAINER_PREEMPTED = 17; REASON_CONTAINER_UPDATE_FAILED = 22; REASON_MAX_COMPLETION_TIME_REACHED = 33; REASON_EXECUTOR_REGISTRATION_TIMEOUT = 23; REASON_EXECUTOR_REREGISTRATION_TIMEOUT = 24; REASON_EXECUTOR_TERMINATED = 1; REASON_EXECUTOR_UNREGISTERED = 2; REASON_FRAMEWORK_REMOVED = 3; REASON_GC_ERROR = 4; REASON_INVALID_FRAMEWORKID = 5; REASON_INVALID_OFFERS = 6; REASON_IO_SWITCHBOARD_EXITED = 27; REASON_MASTER_DISCONNECTED = 7; REASON_RECONCILIATION = 9; REASON_RESOURCES_UNKNOWN = 18; REASON_AGENT_DISCONNECTED = 10; REASON_AGENT_DRAINING = 34; REASON_AGENT_REMOVED = 11; REASON_AGENT_REMOVED_BY_OPERATOR = 31; REASON_AGENT_REREGISTERED = 32; REASON_AGENT_RESTARTED = 12; REASON_AGENT_UNKNOWN = 13; REASON_TASK_KILLED_DURING_LAUNCH = 30; REASON_TASK_CHECK_STATUS_UPDATED = 28; REASON_TASK_HEALTH_CHECK_STATUS_UPDATED = 29; REASON_TASK_GROUP_INVALID = 25; REASON_TASK_GROUP_UNAUTHORIZED = 26; REASON_TASK_INVALID = 14; REASON_TASK_UNAUTHORIZED = 15; REASON_TASK_UNKNOWN = 16; }
  required TaskID task_id = 1; required TaskState state = 2; optional bytes data = 3; optional string message = 4;
  optional AgentID agent_id = 5; optional double timestamp = 6; optional ExecutorID executor_id = 7; optional bool healthy = 8;
  optional Source source = 9; optional Reason reason = 10; optional bytes uuid = 11; optional Labels labels = 12;
  optional ContainerStatus container_status = 13; optional TimeInfo unreachable_time = 14;
  optional CheckStatusInfo check_status = 15; optional TaskResourceLimitation limitation = 16;
}
enum TaskState { TASK_STAGING = 6; TASK_STARTING = 0; TASK_RUNNING = 1; TASK_KILLING = 8; TASK_FINISHED = 2; TASK_FAILED = 3; TASK_KILLED = 4; TASK_ERROR = 7; TASK_LOST = 5; TASK_DROPPED = 9; TASK_UNREACHABLE = 10; TASK_GONE = 11; TASK_GONE_BY_OPERATOR = 12; TASK_UNKNOWN = 13; }
message CheckStatusInfo {
  message Command { optional int32 exit_code = 1; }
  message Http { optional uint32 status_code = 1; }
  message Tcp { optional bool succeeded = 1; }
  optional CheckInfo.Type type = 1; optional Command command = 2; optional Http http = 3; optional Tcp tcp = 4;
}
message ContainerStatus {
  repeated NetworkInfo network_infos = 1; optional CgroupInfo cgroup_info = 2; optional uint32 executor_pid = 3;
  optional ContainerID container_id = 4;
}
message ContainerID { required string value = 1; optional ContainerID parent = 2; }
message CgroupInfo {
  message Blkio {
    enum Operation { UNKNOWN = 0; TOTAL = 1; READ = 2; WRITE = 3; SYNC = 4; ASYNC = 5; DISCARD = 6; }
    message Value { optional Operation op = 1; optional uint64 value = 2; }
    message CFQ {
      message Statistics {
        optional Device.Number device = 1; optional uint64 sectors = 2; optional uint64 time = 3; repeated Value io_serviced = 4;
        repeated Value io_service_bytes = 5; repeated Value io_service_time = 6; repeated Value io_wait_time = 7;
        repeated Value io_merged = 8; repeated Value io_queued = 9;
      }
    }
    message Throttling {
      message Statistics {
        optional Device.Number device = 1; repeated Value io_serviced = 2; repeated Value io_service_bytes = 3;
      }
    }
    message Statistics {
      repeated CFQ.Statistics cfq = 1; repeated CFQ.Statistics cfq_recursive = 2; repeated Throttling.Statistics throttling = 3;
    }
  }
  message NetCls { optional uint32 classid = 1; }
  optional NetCls net_cls = 1;
}
message TaskResourceLimitation { repeated Resource resources = 1; }
message OperationStatus {
  optional OperationID operation_id = 1; required OperationState state = 2; optional string message = 3;
  repeated Resource converted_resources = 4; optional UUID uuid = 5; optional AgentID agent_id = 6;
  optional ResourceProviderID resource_provider_id = 7;
}
enum OperationState { OPERATION_UNSUPPORTED = 0; OPERATION_PENDING = 1; OPERATION_FINISHED = 2; OPERATION_FAILED = 3; OPERATION_ERROR = 4; OPERATION_DROPPED = 5; OPERATION_UNREACHABLE = 6; OPERATION_GONE_BY_OPERATOR = 7; OPERATION_RECOVERING = 8; OPERATION_UNKNOWN = 9; }
message UUID { required bytes value = 1; }
message AgentInfo {
  message Capability {
    enum Type { UNKNOWN = 0; MULTI_ROLE = 1; HIERARCHICAL_ROLE = 2; RESERVATION_REFINEMENT = 3; RESOURCE_PROVIDER = 4; RESIZE_VOLUME = 5; AGENT_OPERATION_FEEDBACK = 6; AGENT_DRAINING = 7; TASK_RESOURCE_LIMITS = 8; }
    optional Type type = 1;
  }
  required string hostname = 1; repeated Resource resources = 3; repeated Attribute attributes = 5; optional AgentID id = 6;
  optional int32 port = 8; optional DomainInfo domain = 10;
}
message WeightInfo { required double weight = 1; optional string role = 2; }
message MachineID { optional string hostname = 1; optional string ip = 2; }
message Flag { required string name = 1; optional string value = 2; }
message VersionInfo {
  required string version = 1; optional string build_date = 2; optional double build_time = 3; optional string build_user = 4;
  optional string git_sha = 5; optional string git_branch = 6; optional string git_tag = 7;
}
message Metric { required string name = 1; optional double value = 2; }
message FileInfo {
  required string path = 1; optional int32 nlink = 2; optional uint64 size = 3; optional TimeInfo mtime = 4;
  optional uint32 mode = 5; optional string uid = 6; optional string gid = 7;
}
message Task {
  required string name = 1; required TaskID task_id = 2; required FrameworkID framework_id = 3;
  optional ExecutorID executor_id = 4; required AgentID agent_id = 5; required TaskState state = 6;
  repeated Resource resources = 7; repeated TaskStatus statuses = 8; optional TaskState status_update_state = 9;
  optional bytes status_update_uuid = 10; optional Labels labels = 11; optional DiscoveryInfo discovery = 12;
  optional ContainerInfo container = 13; optional string user = 14; optional HealthCheck health_check = 15;
  optional KillPolicy kill_policy = 16; map<string, Value.Scalar> limits = 17;
}
message ResourceProviderInfo {
  message Storage { required CSIPluginInfo plugin = 1; optional double reconciliation_interval_seconds = 2; }
  optional ResourceProviderID id = 1; repeated Attribute attributes = 2; required string type = 3; required string name = 4;
  repeated Resource.ReservationInfo default_reservations = 5; optional Storage storage = 6;
}
message CSIPluginInfo {
  required string type = 1; optional string name = 2; repeated CSIPluginContainerInfo containers = 3;
  repeated CSIPluginEndpoint endpoints = 4; optional string target_path_root = 5; optional bool target_path_exists = 6;
}
message CSIPluginContainerInfo {
  enum Service { UNKNOWN = 0; CONTROLLER_SERVICE = 1; NODE_SERVICE = 2; }
  repeated Service services = 1; optional CommandInfo command = 2; repeated Resource resources = 3;
  optional ContainerInfo container = 4;
}
message CSIPluginEndpoint { required CSIPluginContainerInfo.Service csi_service = 1; required string endpoint = 2; }
message DrainInfo { required DrainState state = 1; required DrainConfig config = 2; }
enum DrainState { UNKNOWN = 0; DRAINING = 1; DRAINED = 2; }
message DrainConfig { optional DurationInfo max_grace_period = 1; optional bool mark_gone = 2; }
message Operation {
  optional FrameworkID framework_id = 1; optional AgentID agent_id = 2; required Offer.Operation info = 3;
  required OperationStatus latest_status = 4; repeated OperationStatus statuses = 5; required UUID uuid = 6;
}
message Role {
  required string name = 1; required double weight = 2; repeated FrameworkID frameworks = 3; repeated Resource resources = 4;
}
message ResourceStatistics {
  message RatePercentiles {
    optional uint64 min = 1; optional uint64 max = 2; optional uint64 p50 = 3; optional uint64 p90 = 4; optional uint64 p95 = 5;
    optional uint64 p99 = 6; optional uint64 p999 = 7; optional uint64 p9999 = 8; optional uint64 samples = 9;
  }
  message RateStatistics {
    optional RatePercentiles rx_rate = 1; optional RatePercentiles rx_packet_rate = 2; optional RatePercentiles rx_drop_rate = 3;
    optional RatePercentiles rx_error_rate = 4; optional RatePercentiles tx_rate = 5; optional RatePercentiles tx_packet_rate = 6;
    optional RatePercentiles tx_drop_rate = 7; optional RatePercentiles tx_error_rate = 8;
    optional double sampling_window_secs = 9; optional double sampling_interval_secs = 10;
  }
  required double timestamp = 1; optional double cpus_user_time_secs = 2; optional double cpus_system_time_secs = 3;
  optional double cpus_limit = 4; optional uint64 mem_rss_bytes = 5; optional uint64 mem_limit_bytes = 6;
  optional uint32 cpus_nr_periods = 7; optional uint32 cpus_nr_throttled = 8; optional double cpus_throttled_time_secs = 9;
  optional uint64 mem_file_bytes = 10; optional uint64 mem_anon_bytes = 11; optional uint64 mem_mapped_file_bytes = 12;
  optional PerfStatistics perf = 13; optional uint64 net_rx_packets = 14; optional uint64 net_rx_bytes = 15;
  optional uint64 net_rx_errors = 16; optional uint64 net_rx_dropped = 17; optional uint64 net_tx_packets = 18;
  optional uint64 net_tx_bytes = 19; optional uint64 net_tx_errors = 20; optional uint64 net_tx_dropped = 21;
  optional double net_tcp_rtt_microsecs_p50 = 22; optional double net_tcp_rtt_microsecs_p90 = 23;
  optional double net_tcp_rtt_microsecs_p95 = 24; optional double net_tcp_rtt_microsecs_p99 = 25;
  optional uint64 disk_limit_bytes = 26; optional uint64 disk_used_bytes = 27; optional double net_tcp_active_connections = 28;
  optional double net_tcp_time_wait_connections = 29; optional uint32 processes = 30; optional uint32 threads = 31;
  optional uint64 mem_low_pressure_counter = 32; optional uint64 mem_medium_pressure_counter = 33;
  optional uint64 mem_critical_pressure_counter = 34; repeated TrafficControlStatistics net_traffic_control_statistics = 35;
  optional uint64 mem_total_bytes = 36; optional uint64 mem_total_memsw_bytes = 37; optional uint64 mem_soft_limit_bytes = 38;
  optional uint64 mem_cache_bytes = 39; optional uint64 mem_swap_bytes = 40; optional uint64 mem_unevictable_bytes = 41;
  optional SNMPStatistics net_snmp_statistics = 42; repeated DiskStatistics disk_statistics = 43;
  optional CgroupInfo.Blkio.Statistics blkio_statistics = 44; optional double cpus_soft_limit = 45;
  optional uint64 net_tx_rate_limit = 46; optional uint64 net_tx_burst_rate_limit = 47; optional uint64 net_tx_burst_size = 48;
  optional uint64 net_rx_rate_limit = 49; optional uint64 net_rx_burst_rate_limit = 50; optional uint64 net_rx_burst_size = 51;
  optional uint64 mem_kmem_usage_bytes = 52; optional uint64 mem_kmem_tcp_usage_bytes = 53;
  optional RateStatistics net_rate_statistics = 54; optional Value.Range net_ephemeral_ports = 55;
}
message DiskStatistics {
  optional Resource.DiskInfo.Source source = 1; optional Resource.DiskInfo.Persistence persistence = 2;
  optional uint64 limit_bytes = 3; optional uint64 used_bytes = 4;
}
message Device {
  message Number { required uint64 major_number = 1; required uint64 minor_number = 2; }
  optional string path = 1; optional Number number = 2;
}
message PerfStatistics {
  required double timestamp = 1; required double duration = 2; optional uint64 cycles = 3;
  optional uint64 stalled_cycles_frontend = 4; optional uint64 stalled_cycles_backend = 5; optional uint64 instructions = 6;
  optional uint64 cache_references = 7; optional uint64 cache_misses = 8; optional uint64 branches = 9;
  optional uint64 branch_misses = 10; optional uint64 bus_cycles = 11; optional uint64 ref_cycles = 12;
  optional double cpu_clock = 13; optional double task_clock = 14; optional uint64 page_faults = 15;
  optional uint64 minor_faults = 16; optional uint64 major_faults = 17; optional uint64 context_switches = 18;
  optional uint64 cpu_migrations = 19; optional uint64 alignment_faults = 20; optional uint64 emulation_faults = 21;
  optional uint64 l1_dcache_loads = 22; optional uint64 l1_dcache_load_misses = 23; optional uint64 l1_dcache_stores = 24;
  optional uint64 l1_dcache_store_misses = 25; optional uint64 l1_dcache_prefetches = 26;
  optional uint64 l1_dcache_prefetch_misses = 27; optional uint64 l1_icache_loads = 28;
  optional uint64 l1_icache_load_misses = 29; optional uint64 l1_icache_prefetches = 30;
  optional uint64 l1_icache_prefetch_misses = 31; optional uint64 llc_loads = 32; optional uint64 llc_load_misses = 33;
  optional uint64 llc_stores = 34; optional uint64 llc_store_misses = 35; optional uint64 llc_prefetches = 36;
  optional uint64 llc_prefetch_misses = 37; optional uint64 dtlb_loads = 38; optional uint64 dtlb_load_misses = 39;
  optional uint64 dtlb_stores = 40; optional uint64 dtlb_store_misses = 41; optional uint64 dtlb_prefetches = 42;
  optional uint64 dtlb_prefetch_misses = 43; optional uint64 itlb_loads = 44; optional uint64 itlb_load_misses = 45;
  optional uint64 branch_loads = 46; optional uint64 branch_load_misses = 47; optional uint64 node_loads = 48;
  optional uint64 node_load_misses = 49; optional uint64 node_stores = 50; optional uint64 node_store_misses = 51;
  optional uint64 node_prefetches = 52; optional uint64 node_prefetch_misses = 53;
}
message TrafficControlStatistics {
  required string id = 1; optional uint64 backlog = 2; optional uint64 bytes = 3; optional uint64 drops = 4;
  optional uint64 overlimits = 5; optional uint64 packets = 6; optional uint64 qlen = 7; optional uint64 ratebps = 8;
  optional uint64 ratepps = 9; optional uint64 requeues = 10;
}
message SNMPStatistics {
  optional IpStatistics ip_stats = 1; optional IcmpStatistics icmp_stats = 2; optional TcpStatistics tcp_stats = 3;
  optional UdpStatistics udp_stats = 4;
}
message IpStatistics {
  optional int64 Forwarding = 1; optional int64 DefaultTTL = 2; optional int64 InReceives = 3; optional int64 InHdrErrors = 4;
  optional int64 InAddrErrors = 5; optional int64 ForwDatagrams = 6; optional int64 InUnknownProtos = 7;
  optional int64 InDiscards = 8; optional int64 InDelivers = 9; optional int64 OutRequests = 10; optional int64 OutDiscards = 11;
  optional int64 OutNoRoutes = 12; optional int64 ReasmTimeout = 13; optional int64 ReasmReqds = 14; optional int64 ReasmOKs = 15;
  optional int64 ReasmFails = 16; optional int64 FragOKs = 17; optional int64 FragFails = 18; optional int64 FragCreates = 19;
}
message IcmpStatistics {
  optional int64 InMsgs = 1; optional int64 InErrors = 2; optional int64 InCsumErrors = 3; optional int64 InDestUnreachs = 4;
  optional int64 InTimeExcds = 5; optional int64 InParmProbs = 6; optional int64 InSrcQuenchs = 7; optional int64 InRedirects = 8;
  optional int64 InEchos = 9; optional int64 InEchoReps = 10; optional int64 InTimestamps = 11;
  optional int64 InTimestampReps = 12; optional int64 InAddrMasks = 13; optional int64 InAddrMaskReps = 14;
  optional int64 OutMsgs = 15; optional int64 OutErrors = 16; optional int64 OutDestUnreachs = 17;
  optional int64 OutTimeExcds = 18; optional int64 OutParmProbs = 19; optional int64 OutSrcQuenchs = 20;
  optional int64 OutRedirects = 21; optional int64 OutEchos = 22; optional int64 OutEchoReps = 23;
  optional int64 OutTimestamps = 24; optional int64 OutTimestampReps = 25; optional int64 OutAddrMasks = 26;
  optional int64 OutAddrMaskReps = 27;
}
message TcpStatistics {
  optional int64 RtoAlgorithm = 1; optional int64 RtoMin = 2; optional int64 RtoMax = 3; optional int64 MaxConn = 4;
  optional int64 ActiveOpens = 5; optional int64 PassiveOpens = 6; optional int64 AttemptFails = 7;
  optional int64 EstabResets = 8; optional int64 CurrEstab = 9; optional int64 InSegs = 10; optional int64 OutSegs = 11;
  optional int64 RetransSegs = 12; optional int64 InErrs = 13; optional int64 OutRsts = 14; optional int64 InCsumErrors = 15;
}
message UdpStatistics {
  optional int64 InDatagrams = 1; optional int64 NoPorts = 2; optional int64 InErrors = 3; optional int64 OutDatagrams = 4;
  optional int64 RcvbufErrors = 5; optional int64 SndbufErrors = 6; optional int64 InCsumErrors = 7;
  optional int64 IgnoredMulti = 8;
}
` };

export const DURATION = { package: 'google.protobuf', text: `
message Duration { optional int64 seconds = 1; optional int32 nanos = 2; }
` };
