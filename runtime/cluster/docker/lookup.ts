// How many containers a Docker cluster has, asked of the engine's API directly: a few milliseconds,
// where loading testcontainers costs a second. Lets process-mode commands (`up`, `status`) see a Docker
// cluster of the same name without paying for the Docker launcher.
import * as fs from 'node:fs';
import * as http from 'node:http';

/** The label every container and network of a cluster carries, with the cluster's name. */
export const CLUSTER_LABEL = 'mesolite.cluster';

/** The engine as DOCKER_HOST names it (unix:// or tcp://), else the default socket. */
function engineAddress(): { socketPath: string } | { host: string; port: number } | undefined {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
  return fs.existsSync(socketPath) ? { socketPath } : undefined;
}

/** The cluster's containers (any state), or undefined when no engine answers within `timeoutMs`. */
export function countClusterContainers(name: string, timeoutMs = 2000): Promise<number | undefined> {
  const address = engineAddress();
  if (!address) return Promise.resolve(undefined);
  const filters = encodeURIComponent(JSON.stringify({ label: [`${CLUSTER_LABEL}=${name}`] }));
  return new Promise((resolve) => {
    const req = http.get({ ...address, path: `/containers/json?all=1&filters=${filters}`, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as unknown[]).length : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
