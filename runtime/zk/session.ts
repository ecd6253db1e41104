// A ZooKeeper session (node-zookeeper-client) with promise-returning calls, for the contender,
// the detector and the registry. `zk://host1:2181,host2:2181/mesos` names the servers and the path.
import type * as Zk from 'node-zookeeper-client';
import { EventEmitter } from 'node:events';

/** Lazy-loaded: only ZooKeeper users pay for the client library. */
function zookeeper(): typeof Zk {
  return require('node-zookeeper-client') as typeof Zk;
}

/** A server that is restarting can take a few seconds to answer; short sessions must not mistake that for a freeze. */
const MIN_READ_TIMEOUT_MS = 5000;

/**
 * A server still starting accepts connections and never answers their handshake: after this long,
 * connect again (doubling up to the read timeout while no handshake succeeds, so a slow server is not
 * cut off at every try).
 */
const HANDSHAKE_TIMEOUT_MS = 2000;

/**
 * node-zookeeper-client 1.1.3 keeps the unread tail of a packet (`pendingBuffer`) when its socket closes,
 * and reads the next socket's first bytes after it: misaligned, a reply's error code is garbage and the
 * library throws "Unknown code: N" from its socket handler, which ends the process (seen when a daemon
 * reconnected while masters were being elected; alexguan/node-zookeeper-client#70). A new socket starts
 * with nothing pending.
 */
function forgetPartialPacketsOnReconnect(client: Zk.Client): void {
  const manager = (client as unknown as { connectionManager: { connect(): void; pendingBuffer: Buffer | null } }).connectionManager;
  const connectSocket = manager.connect.bind(manager);
  manager.connect = () => {
    manager.pendingBuffer = null;
    connectSocket();
  };
}

/** How long a request may go unanswered (and a connection attempt hang) before it is given up. */
export const readTimeoutMs = (sessionTimeoutMs: number): number => Math.max((sessionTimeoutMs * 2) / 3, MIN_READ_TIMEOUT_MS);

export class ZkSession extends EventEmitter<{ connected: []; disconnected: []; expired: [] }> {
  private client: Zk.Client;
  private closed = false;
  private probing = false;
  /** When the client last connected or disconnected, or was last told to try again. */
  private lastProgress = Date.now();
  private handshakeTimeoutMs = HANDSHAKE_TIMEOUT_MS;
  private readonly readTimeoutMs: number;
  private readonly watchdog: NodeJS.Timeout;

  constructor(readonly servers: string, readonly sessionTimeoutMs: number) {
    super();
    this.readTimeoutMs = readTimeoutMs(sessionTimeoutMs);
    this.client = this.connect();
    this.watchdog = setInterval(() => this.probe(), Math.min(sessionTimeoutMs / 3, HANDSHAKE_TIMEOUT_MS / 2));
    this.watchdog.unref();
  }

  /**
   * node-zookeeper-client pings an idle server but never times out a missing answer, so a frozen server
   * (paused, or a half-open connection) would leave us "connected" — and a leader leading — forever.
   * Like the Java client's read timeout, a request unanswered for 2/3 of the session timeout (at least 5 s) ends the
   * session here: the client is replaced, as on expiry.
   */
  private probe(): void {
    if (this.closed || this.probing) return;
    if (!this.connected) return this.unstick();
    this.probing = true;
    const client = this.client;
    let answered = false;
    const timer = setTimeout(() => setImmediate(() => {
      // setImmediate: an answer that arrived while the event loop was busy is read before we judge.
      this.probing = false;
      if (answered || client !== this.client || this.closed) return;
      this.client = this.connect();
      client.close();
      this.emit('disconnected');
      this.emit('expired');
    }), this.readTimeoutMs);
    client.exists('/', () => {
      answered = true;
      this.probing = false;
      clearTimeout(timer);
    });
  }

  /**
   * The library's connect timeout ends when TCP connects; a server that accepts the connection and never
   * answers the handshake (one that is still starting, say) leaves it connecting forever. Not connected for
   * the handshake timeout, we close its socket: it then tries again, resuming the same session (agents took
   * 5 s and more to follow a leader elected after a ZooKeeper restart while they waited on such a socket).
   */
  private unstick(): void {
    if (Date.now() - this.lastProgress < this.handshakeTimeoutMs) return;
    this.lastProgress = Date.now();
    this.handshakeTimeoutMs = Math.min(this.handshakeTimeoutMs * 2, this.readTimeoutMs);
    (this.client as unknown as { connectionManager?: { socket?: { destroy(): void } } }).connectionManager?.socket?.destroy();
  }

  private connect(): Zk.Client {
    const client = zookeeper().createClient(this.servers, { sessionTimeout: this.sessionTimeoutMs, spinDelay: 200, retries: 1 });
    forgetPartialPacketsOnReconnect(client);
    // Only the current client speaks for the session: an expired client still reports 'disconnected'
    // when its socket closes, possibly after its replacement connected, which would leave watchers
    // believing ZooKeeper is gone while it is not.
    const current = () => client === this.client;
    client.on('connected', () => {
      this.lastProgress = Date.now();
      this.handshakeTimeoutMs = HANDSHAKE_TIMEOUT_MS;
      if (current()) this.emit('connected');
    });
    client.on('disconnected', () => {
      this.lastProgress = Date.now();
      if (current()) this.emit('disconnected');
    });
    client.on('expired', () => {
      if (!current()) return;
      // A new session replaces the expired one; everything ephemeral of ours is gone.
      if (!this.closed) this.client = this.connect();
      client.close();
      this.emit('expired');
    });
    client.connect();
    return client;
  }

  get connected(): boolean {
    return this.client.getState() === zookeeper().State.SYNC_CONNECTED;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.watchdog);
    this.client.close();
  }

  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.client.mkdirp(path, (e) => (e ? reject(e) : resolve())));
  }

  createEphemeralSequential(path: string, data: Buffer): Promise<string> {
    return new Promise((resolve, reject) => this.client.create(path, data, zookeeper().CreateMode.EPHEMERAL_SEQUENTIAL, (e, p) => (e ? reject(e) : resolve(p))));
  }

  create(path: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.client.create(path, data, (e) => (e ? reject(e) : resolve())));
  }

  remove(path: string): Promise<void> {
    return new Promise((resolve) => this.client.remove(path, () => resolve()));
  }

  /**
   * Children of path; `watch` fires once on the next change. Pass the same function each time: the
   * library keeps one watch per function, so a new closure per call would pile up a watch per call
   * (and per reconnect) until the path changes.
   */
  children(path: string, watch?: () => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const cb = (e: Error | Zk.Exception | null, children: string[]) => (e ? reject(e) : resolve(children));
      if (watch) this.client.getChildren(path, watch, cb);
      else this.client.getChildren(path, cb);
    });
  }

  data(path: string): Promise<{ data: Buffer; version: number }> {
    return new Promise((resolve, reject) => this.client.getData(path, (e, data, stat) => (e ? reject(e) : resolve({ data: data ?? Buffer.alloc(0), version: stat.version }))));
  }

  /** Compare-and-set write: fails with BAD_VERSION when someone else wrote in between. */
  setData(path: string, data: Buffer, version: number): Promise<number> {
    return new Promise((resolve, reject) => this.client.setData(path, data, version, (e, stat) => (e ? reject(e) : resolve(stat.version))));
  }

  static isNoNode(e: unknown): boolean {
    return (e as Zk.Exception)?.getCode?.() === zookeeper().Exception.NO_NODE;
  }

  static isNodeExists(e: unknown): boolean {
    return (e as Zk.Exception)?.getCode?.() === zookeeper().Exception.NODE_EXISTS;
  }
}
