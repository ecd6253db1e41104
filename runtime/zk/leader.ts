// Where the leading master is: a fixed HOST:PORT, or whatever ZooKeeper says for zk://... URLs.
// Agents, the scheduler SDK and the CLI take --master in either form, as in Mesos.
import { EventEmitter } from 'node:events';
import { MasterDetector, masterUrl } from './detector';
import { masterBaseUrl, parseZkUrl } from '../common/zk-url';
import { ZkSession } from './session';

export class LeaderSource extends EventEmitter<{ change: [string | undefined] }> {
  private url?: string;
  private readonly close_: () => void;

  constructor(master: string, sessionTimeoutMs = 10_000) {
    super();
    if (!master.startsWith('zk://')) {
      this.url = masterBaseUrl(master);
      this.close_ = () => undefined;
      return;
    }
    const { servers, path } = parseZkUrl(master);
    const session = new ZkSession(servers, sessionTimeoutMs);
    const detector = new MasterDetector(session, path);
    detector.on('leader', (info) => {
      this.url = info ? masterUrl(info) : undefined;
      this.emit('change', this.url);
    });
    this.close_ = () => { detector.stop(); session.close(); };
  }

  /** http://host:port of the leading master, if one is known. */
  current(): string | undefined {
    return this.url;
  }

  /** Resolves with the leader's URL as soon as one is known. */
  next(): Promise<string> {
    if (this.url) return Promise.resolve(this.url);
    return new Promise((resolve) => {
      const onChange = (url: string | undefined) => {
        if (!url) return;
        this.off('change', onChange);
        resolve(url);
      };
      this.on('change', onChange);
    });
  }

  close(): void {
    this.close_();
  }
}
