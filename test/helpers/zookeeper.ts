// A real ZooKeeper server (Debian's zkServer.sh) on a free loopback port, for the HA tests.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitUntil } from './cluster';

export const ZK_SERVER = process.env.MESOLITE_ZK_SERVER ?? '/usr/share/zookeeper/bin/zkServer.sh';

function ruok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end('ruok'));
    // A server still starting may accept the connection and never answer: ask again instead.
    socket.setTimeout(1000, () => socket.destroy());
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => resolve(answer === 'imok'));
    socket.on('error', () => resolve(false));
  });
}

export class ZooKeeperServer {
  private process?: ChildProcess;

  private constructor(readonly port: number, readonly dir: string) {}

  static async start(): Promise<ZooKeeperServer> {
    if (!fs.existsSync(ZK_SERVER)) throw new Error(`ZooKeeper is not installed (${ZK_SERVER} is missing): run scripts/provision.sh`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-zk-'));
    const server = new ZooKeeperServer(await freePort(), dir);
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'zoo.cfg'), [
      'tickTime=500', `dataDir=${path.join(dir, 'data')}`, `clientPort=${server.port}`, 'clientPortAddress=127.0.0.1',
      'minSessionTimeout=1000', 'maxSessionTimeout=60000', 'admin.enableServer=false', '4lw.commands.whitelist=ruok', '',
    ].join('\n'));
    await server.resume();
    return server;
  }

  url(chroot = '/mesos'): string {
    return `zk://127.0.0.1:${this.port}${chroot}`;
  }

  /** Starts (again) on the same port and data directory. */
  async resume(): Promise<void> {
    this.process = spawn(ZK_SERVER, ['start-foreground', path.join(this.dir, 'zoo.cfg')], {
      env: { ...process.env, ZOO_LOG_DIR: this.dir, JVMFLAGS: '-Xmx256m' }, stdio: 'ignore', detached: true,
    });
    await waitUntil('ZooKeeper to answer ruok', () => ruok(this.port).then((ok) => ok || undefined), 30_000);
  }

  async halt(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    await exited;
  }

  async stop(): Promise<void> {
    await this.halt();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
