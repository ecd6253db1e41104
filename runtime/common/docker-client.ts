// The Docker engine's API client (dockerode) for the agent's docker containerizer and the docker executor.
// Always imported lazily (a dynamic import): the bundle keeps it in dist/mesolite-dockerode.js,
// so daemons that run no Docker task never load it.
import Dockerode from 'dockerode';

export type { default as Dockerode } from 'dockerode';

/** A client of the engine listening on `socket` (--docker_socket: a unix socket path, or tcp://host:port). */
export function dockerClient(socket: string): Dockerode {
  if (socket.startsWith('tcp://')) {
    const url = new URL(socket.replace(/^tcp:/, 'http:'));
    return new Dockerode({ host: url.hostname, port: Number(url.port || 2375) });
  }
  return new Dockerode({ socketPath: socket.replace(/^unix:\/\//, '') });
}

/** The engine's own words for a failed call (dockerode's errors carry them in `json.message`). */
export function engineMessage(e: unknown): string {
  const error = e as { json?: { message?: string }; reason?: string; message?: string };
  return error.json?.message ?? error.message ?? String(e);
}

/** A 404 or 409 from the engine: the container is gone already, or being removed. */
export const isGone = (e: unknown): boolean => [404, 409].includes((e as { statusCode?: number }).statusCode ?? 0);
