// Ports a cluster is about to use: checked before anything starts (as kind and k3d do), and who holds
// one that is taken, so that the error names it instead of leaving a daemon to die of EADDRINUSE.
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface PortUse {
  port: number;
  /** What the cluster would run there: "master-1", "agent-2", "the app framework", "ZooKeeper". */
  member: string;
}

export interface TakenPort extends PortUse {
  /** The holding process ("python3 -m http.server 5050 (pid 1234)"), when this host lets us see it. */
  holder?: string;
}

export class PortsInUseError extends Error {
  constructor(readonly taken: TakenPort[]) {
    super(taken.map((t) => `port ${t.port} (${t.member}) is in use${t.holder ? ` by ${t.holder}` : ''}`).join('; '));
  }
}

/** Whether `host:port` can be bound now (a listener on 0.0.0.0 or another process's socket says no). */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A TCP port on `host` the system picks as free now. */
function pickPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** Free ports for a DNS server (one port free for both TCP and UDP) and its HTTP API; 53 would need root. */
export async function freeDnsPorts(host = '127.0.0.1'): Promise<{ dns: number; http: number }> {
  for (let attempt = 0; ; attempt++) {
    const dns = await pickPort(host);
    if (await udpFree(dns, host)) return { dns, http: await pickPort(host) };
    if (attempt === 20) throw new Error('no port is free for both TCP and UDP on ' + host);
  }
}

/** Throws PortsInUseError naming every taken port and its holder. */
export async function checkPorts(uses: PortUse[], host = '127.0.0.1'): Promise<void> {
  const free = await Promise.all(uses.map((u) => portFree(u.port, host)));
  const taken = uses.filter((_, i) => !free[i]);
  if (taken.length > 0) throw new PortsInUseError(taken.map((t) => ({ ...t, holder: portHolder(t.port) })));
}

/** The process listening on a TCP port, from /proc (Linux); undefined elsewhere or when hidden from us. */
export function portHolder(port: number): string | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the 10th field is the socket's inode.
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return `${commandLine(pid)} (pid ${pid})`;
    }
  }
  return undefined;
}

/** A mesolite daemon by its role and cluster (from its --work_dir under clusters/NAME/), anything else by its command line. */
function commandLine(pid: string): string {
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return 'a process';
  }
  const daemon = argv.findIndex((a) => /(^|\/)mesolite(\.js)?$/.test(a)) + 1;
  const cluster = argv.map((a) => /^--work_dir=.*\/clusters\/([^/]+)\//.exec(a)?.[1]).find(Boolean);
  if (daemon > 0 && argv[daemon]) return `mesolite ${argv[daemon]}${cluster ? ` of cluster '${cluster}'` : ''}`;
  const text = argv.join(' ');
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
