// Where a master is: `zk://[user:pass@]host1:2181,host2:2181/mesos` (the ZooKeeper servers and the
// path under them), or HOST:PORT / http://HOST:PORT.
export interface ZkUrl { servers: string; path: string }

export function parseZkUrl(url: string): ZkUrl {
  const match = /^zk:\/\/(?:[^@/]+@)?([^/]+)(\/.*)$/.exec(url);
  if (!match || match[2] === '/') throw new Error(`Invalid ZooKeeper URL '${url}' (expected zk://host:port[,host:port...]/path)`);
  return { servers: match[1], path: match[2].replace(/\/+$/, '') };
}

/** HOST:PORT or http://HOST:PORT as a base URL (no trailing slash). */
export const masterBaseUrl = (master: string): string => (master.startsWith('http') ? master : `http://${master}`).replace(/\/+$/, '');
