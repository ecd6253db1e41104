// The agent's link to the leading master (Mesos' registration, re-registration and the master's
// messages): REGISTER, or REREGISTER with everything it runs once it has an id, opens the master's event
// stream; when the stream ends, or ZooKeeper elects another master, the link connects again. Status
// updates flow only while a stream is open.
import { guarded, type Logger } from '../common/log';
import type { OpenStream } from '../common/http';
import { AGENT_PROTOCOL_VERSION, type AgentCall, type AgentEvent } from '../common/protocol/internal';
import type { AgentInfo, MasterInfo, Task } from '../common/protocol/v1';
import type { Checkpointer } from './checkpoint';
import type { AgentOptions } from './flags';
import type { Executor, Framework } from './framework';
import { MasterApi } from './http/master-api';
import type { StatusUpdateManager } from './status-updates';

// As the scheduler SDK: a master just elected may not serve yet, so try again soon.
const RECONNECT_MS = 250;

/** The agent as its link to the master sees it. */
export interface LinkedAgent {
  agentId?: string;
  masterInfo?: MasterInfo;
  readonly pid: string;
  readonly info: AgentInfo;
  readonly options: AgentOptions;
  readonly frameworks: ReadonlyMap<string, Framework>;
  readonly statusUpdates: StatusUpdateManager;
  allExecutors(): Executor[];
  allTasks(): Task[];
}

export class MasterLink {
  private readonly api: MasterApi;
  private stream?: OpenStream;
  private connecting?: AbortController;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;

  /** `onEvent` gets every event of the master's stream but REGISTERED and PING, which the link answers. */
  constructor(
    private readonly agent: LinkedAgent,
    private readonly checkpoint: Checkpointer,
    private readonly onEvent: (event: AgentEvent) => void,
    private readonly log: Logger,
  ) {
    this.api = new MasterApi(() => agent.agentId, (calls, reason) => log.warn(`Master refused ${calls.map((c) => c.type).join(', ')}: ${reason}`));
  }

  start(): void {
    // A new leader: drop the stream to the old one, or the attempt to reach it (a dead host in another
    // network namespace leaves a connect hanging for minutes); the reconnect goes to the new one.
    this.agent.options.master.on('change', (url) => { if (url !== this.api.master) this.connecting?.abort(); });
    this.connect();
  }

  /** No more reconnecting (the agent stops, or the master shut it down). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.stream?.close();
    this.agent.options.master.close();
  }

  /** A call to the master the agent is connected to (dropped before the first connection: the registration carries the state). */
  send(call: AgentCall): void {
    this.api.send(call);
  }

  private connect(): void {
    if (this.stopped) return;
    const master = this.agent.options.master.current();
    if (!master) {
      this.reconnectTimer = setTimeout(guarded(this.log, 'Reconnecting to the master', () => this.connect()), RECONNECT_MS);
      return;
    }
    const reregister = this.agent.agentId !== undefined;
    const attempt = new AbortController();
    this.connecting = attempt;
    this.api.subscribe(master, this.registration(), (event) => this.received(event), attempt.signal)
      .then((stream) => {
        this.stream = stream;
        return stream.ended;
      })
      .catch((e: Error) => this.log.warn(`Could not ${reregister ? 're-register' : 'register'} with master ${master}: ${e.message}`))
      .finally(() => {
        this.stream = undefined;
        this.agent.statusUpdates.pause();
        if (this.stopped) return;
        this.reconnectTimer = setTimeout(guarded(this.log, 'Reconnecting to the master', () => this.connect()), RECONNECT_MS);
      });
  }

  private registration(): AgentCall {
    const { agent } = this;
    const { resources } = agent.options;
    if (agent.agentId === undefined) return { type: 'REGISTER', version: AGENT_PROTOCOL_VERSION, pid: agent.pid, register: { agent_info: agent.info, resources } };
    return {
      type: 'REREGISTER', version: AGENT_PROTOCOL_VERSION, pid: agent.pid,
      reregister: {
        agent_info: { ...agent.info, id: { value: agent.agentId } }, resources,
        tasks: agent.allTasks(), executors: agent.allExecutors().map((e) => e.info), frameworks: [...agent.frameworks.values()].map((f) => f.info),
      },
    };
  }

  private received(event: AgentEvent): void {
    const { agent } = this;
    if (event.type === 'REGISTERED') {
      const first = agent.agentId === undefined;
      agent.agentId = event.registered.agent_id.value;
      agent.masterInfo = event.registered.master_info;
      if (first) this.checkpoint.agentInfo({ ...agent.info, id: { value: agent.agentId } });
      this.log.info(`${first ? 'Registered' : 'Re-registered'} with master ${agent.masterInfo.pid} as agent ${agent.agentId}`);
      agent.statusUpdates.resume();
    } else if (event.type === 'PING') {
      if (agent.agentId) this.send({ type: 'PONG', agent_id: { value: agent.agentId } });
    } else {
      this.onEvent(event);
    }
  }
}
