// Wires an agent process together: flags -> Agent, HTTP endpoints, master connection.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { HttpAuthenticator, type Realm } from '../common/authentication';
import { FlagError, parseFlags, type FlagValues } from '../common/flags';
import { listen, Router, type Listening } from '../common/http';
import { CLUSTER_LABEL, DOCKER_CLUSTER_ENV, DOCKER_HOST_WORK_DIR_ENV, DOCKER_NETWORK_ENV } from '../common/docker-labels';
import { createLogger } from '../common/log';
import { parseResources } from '../common/resources';
import { EXECUTOR_HOST_API_PATH } from '../common/protocol/internal';
import type { Attribute, Resource } from '../common/protocol/v1';
import { LeaderSource } from '../zk/leader';
import { Agent } from './agent';
import { checkDockerEngine } from './containerizer/docker';
import { mountFiles } from './files';
import { AGENT_FLAGS, type DockerOptions } from './flags';
import { mountExecutorApi } from './http/executor';
import { mountAgentState } from './http/state';
import { sandboxRoot } from './sandbox';

/** Mesos-like detection: all cores, memory less 1 GB (or half when small), disk less 5 GB (or half). */
export function detectResources(workDir: string): Resource[] {
  const memMb = Math.floor(os.totalmem() / 1048576);
  const mem = memMb >= 2048 ? memMb - 1024 : Math.floor(memMb / 2);
  let diskMb = 10_000;
  try {
    const s = fs.statfsSync(workDir);
    const total = Math.floor((s.bavail * s.bsize) / 1048576);
    diskMb = total >= 10_240 ? total - 5120 : Math.floor(total / 2);
  } catch {
    // keep the default
  }
  return parseResources(`cpus:${os.cpus().length};mem:${mem};disk:${diskMb};ports:[31000-32000]`);
}

export function parseAttributes(text: string | undefined): Attribute[] {
  if (!text) return [];
  return text.split(';').filter(Boolean).map((part) => {
    const [name, value] = part.split(':');
    if (!name || value === undefined) throw new FlagError(`Invalid attribute '${part}' (expected name:value)`);
    return /^-?\d+(\.\d+)?$/.test(value) ? { name, type: 'SCALAR', scalar: { value: Number(value) } } : { name, type: 'TEXT', text: { value } };
  });
}

/**
 * As Mesos' agent: the operator API (the attach calls included) is read-write, state, metrics and files
 * read-only; the executor APIs and /health are not authenticated by these flags.
 */
function realmOf(_method: string, path: string): Realm {
  if (path === '/api/v1') return 'readwrite';
  return path === '/health' || path === '/api/v1/executor' || path === EXECUTOR_HOST_API_PATH ? undefined : 'readonly';
}

function leaderSource(master: string): LeaderSource {
  try {
    return new LeaderSource(master);
  } catch (e) {
    throw new FlagError(`Flag --master: ${(e as Error).message}`);
  }
}

/**
 * The docker containerizer's settings when --containerizers names it (its engine must answer: an agent
 * that cannot run what it would accept does not start), else undefined.
 */
async function dockerOptions(flags: FlagValues<typeof AGENT_FLAGS>): Promise<DockerOptions | undefined> {
  const containerizers = flags.containerizers!.split(',').map((c) => c.trim());
  const unknown = containerizers.filter((c) => c !== 'mesos' && c !== 'docker');
  if (unknown.length || containerizers.length === 0) throw new FlagError(`Flag --containerizers: unknown containerizer '${unknown[0] ?? ''}' (mesos, docker)`);
  if (!containerizers.includes('docker')) return undefined;
  const cluster = process.env[DOCKER_CLUSTER_ENV];
  const network = process.env[DOCKER_NETWORK_ENV];
  const hostIp = await checkDockerEngine(flags.docker_socket!, network);
  return {
    socket: flags.docker_socket!, stopTimeoutMs: flags.docker_stop_timeout!, removeDelayMs: flags.docker_remove_delay!, killOrphans: flags.docker_kill_orphans,
    sandboxDirectory: flags.sandbox_directory!, labels: cluster ? { [CLUSTER_LABEL]: cluster } : {},
    ...(network && hostIp ? { bridge: { network, hostIp } } : {}),
    ...(process.env[DOCKER_HOST_WORK_DIR_ENV] ? { hostWorkDir: process.env[DOCKER_HOST_WORK_DIR_ENV] } : {}),
    ...(flags.docker_config ? { auths: registryAuths(flags.docker_config) } : {}),
  };
}

/** --docker_config: a docker config.json, by path or as JSON; its `auths`. */
function registryAuths(config: string): DockerOptions['auths'] {
  try {
    const text = config.trim().startsWith('{') ? config : fs.readFileSync(config.replace(/^file:\/\//, ''), 'utf8');
    return (JSON.parse(text) as { auths?: DockerOptions['auths'] }).auths ?? {};
  } catch (e) {
    throw new FlagError(`Flag --docker_config: ${(e as Error).message}`);
  }
}

export async function startAgent(argv: string[]): Promise<{ agent: Agent; listening: Listening }> {
  const { values: flags, raw } = parseFlags(AGENT_FLAGS, argv);
  if (!flags.master) throw new FlagError('Flag --master is required (HOST:PORT of the master)');
  if (!flags.work_dir) throw new FlagError('Flag --work_dir is required');
  if (flags.recover !== 'reconnect' && flags.recover !== 'cleanup') throw new FlagError(`Flag --recover must be reconnect or cleanup, got '${flags.recover}'`);
  const log = createLogger('agent', flags.quiet);
  fs.mkdirSync(flags.work_dir, { recursive: true });
  let resources: Resource[];
  try {
    resources = flags.resources ? parseResources(flags.resources) : detectResources(flags.work_dir);
  } catch (e) {
    throw new FlagError(`Flag --resources: ${(e as Error).message}`);
  }
  const docker = await dockerOptions(flags);
  const authenticator = HttpAuthenticator.fromFlags(flags);
  const router = new Router(log);
  const listening = await listen(authenticator ? new Router(log).fallback(authenticator.guard(realmOf, router.handle)) : router, flags.ip!, flags.port!);
  const agent = new Agent({
    master: leaderSource(flags.master), ip: flags.ip!, port: listening.port, hostname: flags.hostname ?? flags.ip!, workDir: flags.work_dir,
    resources, attributes: parseAttributes(flags.attributes), recover: flags.recover as 'reconnect' | 'cleanup',
    executorShutdownGraceMs: flags.executor_shutdown_grace_period!, executorShutdownGraceText: raw.executor_shutdown_grace_period,
    executorReregistrationTimeoutMs: flags.executor_reregistration_timeout!, executorRegistrationTimeoutMs: flags.executor_registration_timeout!,
    httpHeartbeatIntervalMs: flags.http_heartbeat_interval!, flags: { ...raw, port: String(listening.port) }, ...(docker ? { docker } : {}),
  }, log);
  mountExecutorApi(router, agent);
  mountAgentState(router, agent);
  mountFiles(router, () => sandboxRoot(flags.work_dir!));
  agent.start();
  log.info(`Agent listening on http://${flags.ip}:${listening.port}, work_dir ${flags.work_dir}`);
  return { agent, listening };
}
