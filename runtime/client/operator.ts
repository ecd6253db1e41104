// Typed client of the master's v1 operator API (POST /api/v1), following the leading master (a fixed
// HOST:PORT or zk://...). subscribe() keeps a SUBSCRIBE stream open across leader failovers.
import { EventEmitter } from 'node:events';
import { authorization, type Credentials } from '../common/authentication';
import { HttpError, openStream, postJson, type OpenStream } from '../common/http';
import type { AgentInfo, FrameworkInfo, Offer, Resource, Task } from '../common/protocol/v1';
import { masterBaseUrl } from '../common/zk-url';
import type { LeaderSource } from '../zk/leader';

/** Where the leading master is, as the clients need it (control.ts follows it too). */
export type Leader = Pick<LeaderSource, 'next' | 'close'>;

/**
 * The leading master: a fixed URL, or for zk:// what ZooKeeper says. The ZooKeeper client is loaded
 * only then: the extension's bundle leaves it out (scripts/build.mjs puts it in dist/mesolite-zk.js).
 */
function leaderOf(master: string): Leader {
  if (!master.startsWith('zk://')) {
    const url = masterBaseUrl(master);
    return { next: async () => url, close: () => undefined };
  }
  let source: Promise<LeaderSource> | undefined;
  const load = () => (source ??= import('../zk/leader').then(({ LeaderSource }) => new LeaderSource(master)));
  // A source that failed to load has nothing to close: next() reported the failure to its caller.
  return { next: async () => (await load()).next(), close: () => void source?.then((s) => s.close(), () => undefined) };
}

export interface AgentV1 {
  agent_info: AgentInfo;
  active: boolean;
  total_resources: Resource[];
  allocated_resources: Resource[];
  offered_resources: Resource[];
}

export interface FrameworkV1 {
  framework_info: FrameworkInfo;
  active: boolean;
  connected: boolean;
  offers?: Offer[];
  allocated_resources: Resource[];
  offered_resources: Resource[];
}

export interface GetTasks { tasks: Task[]; completed_tasks: Task[]; unreachable_tasks: Task[] }
export interface GetAgents { agents: AgentV1[] }
export interface GetFrameworks { frameworks: FrameworkV1[]; completed_frameworks: FrameworkV1[] }
export interface GetState { get_tasks: GetTasks; get_agents: GetAgents; get_frameworks: GetFrameworks }

export type OperatorEvent = { type: string } & Record<string, unknown>;

export class OperatorClient {
  readonly leader: Leader;
  /** Calls made, by type: what the extension's idle cost is counted in (test/bench/extension-idle.ts). */
  readonly calls: Record<string, number> = {};

  /** Authorization for masters that authenticate HTTP (--authenticate_http_readwrite). */
  private readonly headers: Record<string, string>;

  /** master: HOST:PORT, http://HOST:PORT or zk://host:port,.../mesos */
  constructor(master: string, credentials?: Credentials) {
    this.leader = leaderOf(master);
    this.headers = credentials ? { Authorization: authorization(credentials) } : {};
  }

  async call<T>(type: string, field: string, extra: Record<string, unknown> = {}): Promise<T> {
    this.calls[type] = (this.calls[type] ?? 0) + 1;
    const url = await this.leader.next();
    const res = await postJson(`${url}/api/v1`, { type, ...extra }, this.headers);
    if (res.status !== 200) throw new HttpError(res.status, `${type}: ${res.status} ${res.body}`);
    return (JSON.parse(res.body) as Record<string, T>)[field];
  }

  getState(): Promise<GetState> { return this.call('GET_STATE', 'get_state'); }
  getAgents(): Promise<GetAgents> { return this.call('GET_AGENTS', 'get_agents'); }
  getFrameworks(): Promise<GetFrameworks> { return this.call('GET_FRAMEWORKS', 'get_frameworks'); }
  getTasks(): Promise<GetTasks> { return this.call('GET_TASKS', 'get_tasks'); }

  /** Opens SUBSCRIBE (with Mesolite's allocation cycle events when asked) and reopens it on the new leader. */
  subscribe(options: { allocationCycles?: boolean; retryMs?: number } = {}): OperatorSubscription {
    return new OperatorSubscription(this.leader, options.allocationCycles ?? false, options.retryMs ?? 500, this.headers);
  }

  close(): void {
    this.leader.close();
  }
}

export class OperatorSubscription extends EventEmitter<{
  event: [OperatorEvent];
  connected: [string];
  disconnected: [string];
}> {
  private stream?: OpenStream;
  private closed = false;

  constructor(private readonly leader: Leader, private readonly cycles: boolean, private readonly retryMs: number, private readonly headers: Record<string, string>) {
    super();
    void this.run();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const url = await this.leader.next();
      if (this.closed) return;
      try {
        this.stream = await openStream(`${url}/api/v1${this.cycles ? '?allocation_cycles=true' : ''}`, { type: 'SUBSCRIBE' },
          (event) => this.emit('event', event as OperatorEvent), this.headers, () => this.emit('connected', url));
        if (this.closed) this.stream.close();
        await this.stream.ended;
        if (!this.closed) this.emit('disconnected', `stream from ${url} ended`);
      } catch (e) {
        if (!this.closed) this.emit('disconnected', (e as Error).message);
      }
      // A leader that just died is still named until the detector notices: back off before retrying.
      if (!this.closed) await new Promise((r) => setTimeout(r, this.retryMs));
    }
  }

  close(): void {
    this.closed = true;
    this.stream?.close();
  }
}
