// How a framework daemon (the app framework, Chronos) leads. Standalone it always leads and keeps its
// state in --work_dir; with --zk, instances elect a leader in ZooKeeper (`<path>/leader`, the shared
// election loop of runtime/zk, the same scheme as the masters), only the leader reads the state
// (`<path>/state`) and is the framework, and the others proxy every API call to it (follower.ts).
import * as http from 'node:http';
import type { FlagSpecs } from '../common/flags';
import { listen, Router, type ErrorAnswer, type Handler, type Listening } from '../common/http';
import { newUUID } from '../common/ids';
import { mountWebUi, type WebUiApp } from '../common/webui';
import type { Logger } from '../common/log';
import type { MasterInfo } from '../common/protocol/v1';
import { parseZkUrl } from '../common/zk-url';
import { masterUrl } from '../zk/detector';
import { LeaderElection } from '../zk/election';
import { ZkSession } from '../zk/session';
import { proxyToLeader, type FollowerHeaders } from './follower';
import { StateStore, type StateShape } from './store';

/** The flags both framework daemons take, with Marathon's and Chronos' (shared) names. */
export const FRAMEWORK_FLAGS = {
  master: { type: 'string', help: 'Mesos master: HOST:PORT or zk://host:port/mesos (required)' },
  http_address: { type: 'string', default: '127.0.0.1', help: 'Address the REST API listens on' },
  hostname: { type: 'string', help: 'Host name other instances and clients reach this one by (default: --http_address)' },
  mesos_role: { type: 'string', default: '*', help: 'Mesos role the framework registers with' },
  failover_timeout: { type: 'int', default: '604800', help: 'Seconds Mesos waits for this framework to fail over before killing its tasks' },
  webui_url: { type: 'string', help: 'URL Mesos shows for this framework' },
  quiet: { type: 'bool', help: 'Log warnings and errors only' },
} satisfies FlagSpecs;

/** What leading started: the API it serves, and how it ends. */
export interface Tenure {
  api: Router;
  stop(): void;
}

export interface LeadershipOptions<S extends object> {
  log: Logger;
  /** zk://host:port/path: elect and keep the state there. Without it, lead alone with the state in workDir. */
  zk?: string;
  zkSessionTimeoutMs: number;
  workDir: string;
  shape: StateShape<S>;
  /** The host name other instances and clients reach this one by (its port is the API's, given to start). */
  hostname: string;
  follower: FollowerHeaders;
  /** Acts as the framework with the state read; `stepDown` is called when it cannot (e.g. subscribing failed). */
  lead(store: StateStore<S>, stepDown: (why: string) => void): Tenure;
}

export class Leadership<S extends object> {
  /** HOST:PORT of the leader, this instance included. */
  leader?: string;
  private tenure?: Tenure;
  /** Without --zk this instance leads once its state is read: requests that come meanwhile wait for it. */
  private standaloneStart?: Promise<void>;
  private resignation: (why: string) => Promise<void> = async () => undefined;
  private stopElection: () => void = () => undefined;
  /** The API's port, once started. */
  port = 0;

  /** Made before the API listens (its router serves through it), started once it does. */
  constructor(private readonly options: LeadershipOptions<S>) {}

  /** Starts leading (standalone: resolves once it leads) or contending (--zk), for the API on `port`. */
  async start(port: number): Promise<void> {
    const { zk, workDir, shape, log } = this.options;
    this.port = port;
    if (zk) return this.elect(zk);
    const start = async () => this.lead(await StateStore.file(workDir, shape, log), (why) => log.error(`Cannot act as the framework: ${why}`));
    this.resignation = async () => { this.unlead(); await (this.standaloneStart = start()); };
    await (this.standaloneStart = start());
  }

  get elected(): boolean {
    return this.tenure !== undefined;
  }

  /** HOST:PORT of this instance, once started. */
  get self(): string {
    return `${this.options.hostname}:${this.port}`;
  }

  /** Serves a request with the leader's API, or proxies it to the leader (503 while none is known). */
  serve = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (!this.tenure) await this.standaloneStart;
    if (this.tenure) return void this.tenure.api.handle(req, res);
    // A leader that is not (yet) serving is this instance: 503, not a proxy loop to ourselves.
    proxyToLeader(this.leader !== this.self ? this.leader : undefined, this.self, this.options.follower, req, res);
  };

  /** Stops leading on purpose; standalone it leads again at once, with ZooKeeper the next in line leads. */
  abdicate(why: string): Promise<void> {
    return this.resignation(why);
  }

  stop(): void {
    this.stopElection();
    this.unlead();
  }

  private lead(store: StateStore<S>, stepDown: (why: string) => void): void {
    this.tenure = this.options.lead(store, stepDown);
    this.leader = this.self;
    this.options.log.info(`Leading at ${this.self}`);
  }

  private unlead(): void {
    this.tenure?.stop();
    this.tenure = undefined;
    this.leader = undefined;
  }

  /** Contends in ZooKeeper: elected, the state is read from ZooKeeper before leading; losing leadership ends leading at once. */
  private elect(zkUrl: string): void {
    const { log, hostname } = this.options;
    const port = this.port;
    const zk = parseZkUrl(zkUrl);
    const session = new ZkSession(zk.servers, this.options.zkSessionTimeoutMs);
    const election = new LeaderElection(session, { path: `${zk.path}/leader`, log });
    const info: MasterInfo = { id: newUUID(), ip: 0, port, hostname, address: { hostname, ip: hostname, port } };
    const address = (l: MasterInfo | undefined) => (l ? masterUrl(l).replace(/^http:\/\//, '') : undefined);
    const follow = (l: MasterInfo | undefined) => { if (!this.tenure) this.leader = address(l); };
    election.on('leader', follow);
    election.on('elected', (tenure) => {
      const stepDown = (why: string) => {
        if (tenure.aborted) return;
        log.error(`${why}; stepping down`);
        void election.resign(why);
      };
      StateStore.zk(session, zk.path, this.options.shape, log)
        .then((store) => { if (!tenure.aborted) this.lead(store, stepDown); })
        .catch((e: Error) => stepDown(`Reading the state failed: ${e.message}`));
    });
    let stopping = false;
    election.on('lost', (why) => {
      if (!stopping) log.warn(`Lost leadership: ${why}`);
      this.unlead();
      // Until the detector names the next leader (it may still name us), requests get 503.
      follow(election.leader);
    });
    election.contend(() => info);
    this.resignation = (why) => election.resign(why);
    this.stopElection = () => {
      stopping = true;
      election.stop();
      session.close();
    };
  }
}

export interface RunningFramework {
  listening: Listening;
  stop(): Promise<void>;
}

/** Serves a framework daemon's API: `/ping` on every instance, the rest by the leader (or proxied to it); then starts leading or contending. */
export async function serveFramework<S extends object>(leadership: Leadership<S>, address: string, port: number, log: Logger, errors: ErrorAnswer, ping: Handler, webUi?: WebUiApp): Promise<RunningFramework> {
  const router = new Router(log, errors);
  if (webUi) mountWebUi(router, webUi);
  router.on('GET', '/ping', ping).fallback(leadership.serve);
  const listening = await listen(router, address, port);
  await leadership.start(listening.port);
  return {
    listening,
    async stop() {
      leadership.stop();
      await listening.close();
    },
  };
}
