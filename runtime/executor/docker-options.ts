// What `docker run` Mesos' docker containerizer builds from a TaskInfo, as the engine API's create
// options: the command (a shell command overrides the entrypoint with /bin/sh -c; otherwise value and
// arguments follow the image's entrypoint), the environment, the sandbox volume, cpu shares and memory,
// the network and port mappings, volumes, privileged, and DockerInfo.parameters (`--key=value`); and
// the registry credentials a pull of the image takes from --docker_config.
import * as path from 'node:path';
import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import { DOCKER_TASK_LABELS } from '../common/docker-labels';
import type { DockerExecutorSettings } from '../common/protocol/internal';
import type { ContainerInfo, Parameter, TaskInfo } from '../common/protocol/v1';

const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
const MIN_MEMORY_BYTES = 32 * 1024 * 1024;

export function dockerCreateOptions(
  task: TaskInfo, info: ContainerInfo, settings: DockerExecutorSettings, sandbox: string, env: Record<string, string>,
): ContainerCreateOptions {
  const docker = info.docker;
  if (!docker?.image) throw new Error("ContainerInfo.docker.image is required for a DOCKER container");
  const network = docker.network ?? 'HOST';
  const scalar = (name: string) => task.resources?.find((r) => r.name === name)?.scalar?.value;
  const cpus = scalar('cpus');
  const mem = scalar('mem');
  const host: HostConfig = {
    Binds: [`${settings.sandbox_host_path ?? sandbox}:${settings.sandbox_directory}`, ...(info.volumes ?? []).map((v) => {
      const source = !v.host_path ? undefined : path.isAbsolute(v.host_path) ? v.host_path : path.join(sandbox, v.host_path);
      return `${source ?? v.container_path}:${v.container_path}:${v.mode === 'RO' ? 'ro' : 'rw'}`;
    })],
    NetworkMode: network === 'USER' ? info.network_infos?.[0]?.name ?? 'bridge' : network === 'BRIDGE' ? settings.bridge_network ?? 'bridge' : network.toLowerCase(),
    Privileged: docker.privileged === true,
    ...(cpus !== undefined ? { CpuShares: Math.max(Math.round(cpus * CPU_SHARES_PER_CPU), MIN_CPU_SHARES) } : {}),
    ...(mem !== undefined ? { Memory: Math.max(Math.round(mem * 1024 * 1024), MIN_MEMORY_BYTES) } : {}),
  };
  const options: ContainerCreateOptions = {
    name: settings.container_name,
    Image: docker.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...settings.labels, [DOCKER_TASK_LABELS.taskId]: task.task_id.value, ...Object.fromEntries((task.labels?.labels ?? []).map((l) => [l.key, l.value ?? ''])) },
    ...(info.hostname && network !== 'HOST' ? { Hostname: info.hostname } : {}),
    HostConfig: host,
    ...command(task),
  };
  if (network === 'BRIDGE' || network === 'USER') publishPorts(options, task, docker.port_mappings ?? [], settings.host_ip);
  for (const parameter of docker.parameters ?? []) applyParameter(options, parameter);
  return options;
}

function command(task: TaskInfo): Pick<ContainerCreateOptions, 'Entrypoint' | 'Cmd'> {
  const c = task.command;
  if (!c) return {};
  if (c.shell !== false) {
    if (c.value === undefined) throw new Error('Shell specified but no command value provided');
    return { Entrypoint: ['/bin/sh'], Cmd: ['-c', c.value] };
  }
  const argv = [...(c.value !== undefined ? [c.value] : []), ...(c.arguments ?? [])];
  return argv.length ? { Cmd: argv } : {};
}

/** host_port → container_port; a host port must be one of the task's port resources, as Mesos checks. */
function publishPorts(options: ContainerCreateOptions, task: TaskInfo, mappings: Array<{ host_port: number; container_port: number; protocol?: string }>, hostIp: string): void {
  const ranges = (task.resources ?? []).filter((r) => r.name === 'ports').flatMap((r) => r.ranges?.range ?? []);
  options.ExposedPorts = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const m of mappings) {
    if (!ranges.some((r) => m.host_port >= r.begin && m.host_port <= r.end)) {
      throw new Error(`Port mapping with host port ${m.host_port} is not one of the task's port resources`);
    }
    for (const protocol of (m.protocol ?? 'tcp').toLowerCase().split(',')) {
      const key = `${m.container_port}/${protocol}`;
      options.ExposedPorts[key] = {};
      (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: String(m.host_port) });
    }
  }
  options.HostConfig!.PortBindings = bindings;
}

/** `docker run --key=value` options by name; each adds to (or sets) its field of the create options. */
const PARAMETERS: Record<string, (o: ContainerCreateOptions, h: HostConfig, value: string) => void> = {
  env: (o, _h, v) => void (o.Env ??= []).push(v.includes('=') ? v : `${v}=${process.env[v] ?? ''}`),
  label: (o, _h, v) => { const [k, ...rest] = v.split('='); o.Labels![k] = rest.join('='); },
  hostname: (o, _h, v) => void (o.Hostname = v),
  user: (o, _h, v) => void (o.User = v),
  workdir: (o, _h, v) => void (o.WorkingDir = v),
  entrypoint: (o, _h, v) => void (o.Entrypoint = [v]),
  'stop-signal': (o, _h, v) => void (o.StopSignal = v),
  volume: (_o, h, v) => void (h.Binds ??= []).push(v),
  'add-host': (_o, h, v) => void (h.ExtraHosts ??= []).push(v),
  'cap-add': (_o, h, v) => void (h.CapAdd ??= []).push(v),
  'cap-drop': (_o, h, v) => void (h.CapDrop ??= []).push(v),
  dns: (_o, h, v) => void (h.Dns ??= []).push(v),
  'security-opt': (_o, h, v) => void (h.SecurityOpt ??= []).push(v),
  'network-alias': (o, h, v) => { o.NetworkingConfig = { EndpointsConfig: { [h.NetworkMode!]: { Aliases: [v] } } }; },
  'shm-size': (_o, h, v) => void (h.ShmSize = bytes(v)),
  'memory-swap': (_o, h, v) => void (h.MemorySwap = v === '-1' ? -1 : bytes(v)),
  'memory-reservation': (_o, h, v) => void (h.MemoryReservation = bytes(v)),
  'pids-limit': (_o, h, v) => void (h.PidsLimit = Number(v)),
  'read-only': (_o, h, v) => void (h.ReadonlyRootfs = v !== 'false'),
  init: (_o, h, v) => void (h.Init = v !== 'false'),
  tmpfs: (_o, h, v) => { const [target, options = ''] = v.split(/:(.*)/s); h.Tmpfs = { ...h.Tmpfs, [target]: options }; },
  ulimit: (_o, h, v) => {
    const [name, limits] = v.split('=');
    const [soft, hard = soft] = (limits ?? '').split(':').map(Number);
    (h.Ulimits ??= []).push({ Name: name, Soft: soft, Hard: hard });
  },
  'log-driver': (_o, h, v) => void (h.LogConfig = { Config: h.LogConfig?.Config ?? {}, Type: v }),
  'log-opt': (_o, h, v) => { const [k, ...rest] = v.split('='); h.LogConfig = { Type: h.LogConfig?.Type ?? '', Config: { ...h.LogConfig?.Config, [k]: rest.join('=') } }; },
};

function applyParameter(options: ContainerCreateOptions, { key, value }: Parameter): void {
  const apply = PARAMETERS[key.replace(/^--?/, '')];
  if (!apply) throw new Error(`Docker parameter '${key}' is not supported (supported: ${Object.keys(PARAMETERS).join(', ')})`);
  apply(options, options.HostConfig!, value);
}

/** Docker's sizes: a number with an optional b, k, m or g suffix. */
function bytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([bkmg])?b?$/i.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a size (e.g. 64m)`);
  const unit = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
  return Math.round(Number(match[1]) * unit);
}

/** The credentials --docker_config holds for the image's registry (Docker Hub's for images without one). */
export function registryAuth(image: string, auths: DockerExecutorSettings['auths']): object | undefined {
  if (!auths) return undefined;
  const first = image.split('/')[0];
  const registry = image.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'https://index.docker.io/v1/';
  const bare = registry.replace(/^https:\/\//, '');
  const entry = auths[registry] ?? auths[bare] ?? auths[`https://${bare}`];
  if (!entry) return undefined;
  const [username, password] = entry.auth ? Buffer.from(entry.auth, 'base64').toString().split(/:(.*)/s) : [entry.username, entry.password];
  return { username, password, serveraddress: registry };
}
