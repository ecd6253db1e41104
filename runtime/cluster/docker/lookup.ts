// How many containers a Docker cluster has, asked of the engine's API directly: a few milliseconds,
// where loading testcontainers costs a second. Lets process-mode commands (`up`, `status`) see a Docker
// cluster of the same name without paying for the Docker launcher, and `down` remove the Docker task
// containers of a process cluster's agents.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { CLUSTER_LABEL, DOCKER_TASK_LABELS } from '../../common/docker-labels';

export { CLUSTER_LABEL };

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
export async function countClusterContainers(name: string, timeoutMs = 2000): Promise<number | undefined> {
  return (await listContainers(`${CLUSTER_LABEL}=${name}`, timeoutMs))?.length;
}

/**
 * Removes the Docker task containers of the agents working under `workDir` (a process cluster's, whose
 * agents ran Docker tasks): the agents are gone, and nothing of the cluster may outlive `down`.
 */
export async function removeTaskContainersUnder(workDir: string, timeoutMs = 10_000): Promise<number> {
  const listed = (await listContainers(DOCKER_TASK_LABELS.workDir, timeoutMs)) ?? [];
  const under = listed.filter((c) => {
    const dir = c.Labels[DOCKER_TASK_LABELS.workDir] ?? '';
    return dir === workDir || dir.startsWith(`${workDir}/`);
  });
  await Promise.all(under.map((c) => engineRequest('DELETE', `/containers/${c.Id}?force=1&v=1`, timeoutMs)));
  return under.length;
}

/** Whether a Docker engine answers here (a process cluster's agents then run Docker tasks too). */
export async function engineAnswers(timeoutMs = 1000): Promise<boolean> {
  return (await engineRequest('GET', '/_ping', timeoutMs))?.status === 200;
}

interface Listed { Id: string; Labels: Record<string, string> }

function listContainers(label: string, timeoutMs: number): Promise<Listed[] | undefined> {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  return engineRequest('GET', `/containers/json?all=1&filters=${filters}`, timeoutMs).then((r) => {
    try {
      return r?.status === 200 ? (JSON.parse(r.body) as Listed[]) : undefined;
    } catch {
      return undefined;
    }
  });
}

/** One call to the engine's API; undefined when no engine answers. */
function engineRequest(method: string, path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
  const address = engineAddress();
  if (!address) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = http.request({ ...address, method, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
