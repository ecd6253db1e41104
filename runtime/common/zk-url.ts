// `zk://[user:pass@]host1:2181,host2:2181/mesos`: the ZooKeeper servers and the path under them.
export interface ZkUrl { servers: string; path: string }

export function parseZkUrl(url: string): ZkUrl {
  const match = /^zk:\/\/(?:[^@/]+@)?([^/]+)(\/.*)$/.exec(url);
  if (!match || match[2] === '/') throw new Error(`Invalid ZooKeeper URL '${url}' (expected zk://host:port[,host:port...]/path)`);
  return { servers: match[1], path: match[2].replace(/\/+$/, '') };
}
