// MesoliteCluster: ZooKeeper, masters electing a leader, agents and (optionally) the Marathon- and
// Chronos-compatible frameworks and the Mesos-DNS-compatible server, each in its own container on the
// cluster's own network. Shared by `mesolite up --docker`, the extension and the Docker tests.
import * as net from 'node:net';
import { DOCKER_CLUSTER_ENV, DOCKER_HOST_WORK_DIR_ENV, DOCKER_NETWORK_ENV } from '../../common/docker-labels';
import { request } from '../../common/http';
import { clusterContainers, demux, docker, removeCluster, ZOOKEEPER_PORT } from './engine';
import { ensureRuntimeImage, imagesFromEnvironment, resolveImages, type ImageChoice } from './images';
import { startMember, type MemberSpec } from './members';
import { agentHostWorkDir, createClusterNetwork, localEngineSocket, type ClusterNetwork } from './network';
import { findLeader, StartedMesoliteCluster, type DockerClusterInfo } from './started';

export const MASTER_PORT = 5050;
export const AGENT_PORT = 5051;
export const MARATHON_PORT = 8080;
export const CHRONOS_PORT = 4400;
export const DNS_HTTP_PORT = 8123;
const DEFAULT_AGENT_RESOURCES = 'cpus:2;mem:2048;disk:8192;ports:[31000-32000]';
const AGENT_WORK_DIR = '/var/lib/mesolite/agent';

export class ClusterExistsError extends Error {}

export class MesoliteCluster {
  private name = 'local';
  private masters = 3;
  private agents = 3;
  private agentResources = DEFAULT_AGENT_RESOURCES;
  private marathon = false;
  private chronos = false;
  private dns = true;
  private zookeepers: 1 | 3 = 1;
  private images: ImageChoice = imagesFromEnvironment();
  private masterFlags: string[] = [];
  private agentFlags: string[] = [];
  private startupTimeoutMs = 120_000;
  private onProgress: (step: string) => void = () => undefined;
  private onLog?: (member: string, line: string) => void;
  private signal?: AbortSignal;

  withName(name: string): this {
    if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(name)) throw new Error(`Invalid cluster name '${name}': letters, digits, '_', '.', '-'`);
    this.name = name;
    return this;
  }
  withMasters(count: number): this { this.masters = positive('masters', count); return this; }
  withAgents(count: number): this { this.agents = positive('agents', count); return this; }
  /**
   * Each agent's --resources, e.g. 'cpus:2;mem:2048;disk:8192'. Without `ports`, each offers 31000-32000:
   * every agent has its own IP, so all of them can offer the same range.
   */
  withAgentResources(resources: string): this {
    this.agentResources = /(^|;)ports[:(]/.test(resources) ? resources : `${resources};ports:[31000-32000]`;
    return this;
  }
  withMarathon(enabled = true): this { this.marathon = enabled; return this; }
  withChronos(enabled = true): this { this.chronos = enabled; return this; }
  /** The Mesos-DNS-compatible server (on by default): the agents' containers resolve through it, so tasks find apps by name. */
  withDns(enabled = true): this { this.dns = enabled; return this; }
  withZooKeeperEnsemble(size: 1 | 3): this {
    if (size !== 1 && size !== 3) throw new Error('A ZooKeeper ensemble has 1 or 3 servers');
    this.zookeepers = size;
    return this;
  }
  withImages(images: Partial<ImageChoice>): this { this.images = { ...this.images, ...images }; return this; }
  /** Extra flags for every master, e.g. --agent_ping_timeout=1secs. */
  withMasterFlags(...flags: string[]): this { this.masterFlags.push(...flags); return this; }
  withAgentFlags(...flags: string[]): this { this.agentFlags.push(...flags); return this; }
  withStartupTimeout(ms: number): this { this.startupTimeoutMs = ms; return this; }
  /** Called with each start step ("Starting ZooKeeper", ...). */
  withProgress(onProgress: (step: string) => void): this { this.onProgress = onProgress; return this; }
  /** Called with every line any member writes (stdout and stderr). */
  withLogConsumer(onLog: (member: string, line: string) => void): this { this.onLog = onLog; return this; }
  /** Aborting stops the start at its next step or probe and removes what was started. */
  withSignal(signal: AbortSignal): this { this.signal = signal; return this; }

  async start(): Promise<StartedMesoliteCluster> {
    const { signal } = this;
    const progress = (step: string) => {
      if (signal?.aborted) throw new Error('Start cancelled');
      this.onProgress(step);
    };
    const name = this.name;
    const existing = await clusterContainers(name);
    if (existing.length > 0) {
      throw new ClusterExistsError(`A cluster named '${name}' exists (${existing.length} container(s)); remove it with: mesolite down --name=${name}`);
    }
    const images = await resolveImages(this.images, progress);
    const runtime = await ensureRuntimeImage(images.node, progress);
    const engine = await docker();
    const labels = { 'mesolite.cluster': name };
    try {
      const network = await createClusterNetwork(engine, `mesolite-${name}`, labels);
      const specs = this.plan(network, runtime, images.zookeeper);
      const zk = specs.filter((s) => s.role === 'zookeeper');
      const masters = specs.filter((s) => s.role === 'master');
      const clients = specs.filter((s) => s.role === 'agent' || s.role === 'marathon' || s.role === 'chronos');
      const dns = specs.find((s) => s.role === 'dns');
      const info: DockerClusterInfo = {
        name, network: network.name, subnet: network.subnet,
        zookeeper: zkUrl(zk, '/mesos'),
        masters: masters.map((s) => s.url!),
        agents: clients.filter((s) => s.role === 'agent').map((s) => s.url!),
        marathon: clients.find((s) => s.role === 'marathon')?.url,
        chronos: clients.find((s) => s.role === 'chronos')?.url,
        ...(dns ? { dns: { address: `${dns.ip}:53`, http: dns.url! } } : {}),
        leader: '',
        members: specs.map((s) => ({ name: s.name, role: s.role, ip: s.ip, port: s.port, url: s.url })),
      };
      const masterMembers = info.members.filter((m) => m.role === 'master');
      const deadline = Date.now() + this.startupTimeoutMs;
      const until = <T>(what: string, probe: () => Promise<T | undefined>) => waitFor(name, what, deadline, probe, signal);
      // Masters retry ZooKeeper until it serves: starting them with it overlaps their start-ups.
      progress(`Starting ZooKeeper${this.zookeepers > 1 ? ` (an ensemble of ${this.zookeepers})` : ''} and ${this.masters} master(s)`);
      // The DNS server follows the leader through ZooKeeper: it starts with them too.
      await Promise.all([...zk, ...masters, ...(dns ? [dns] : [])].map((s) => startMember(s, network, this.onLog)));
      progress('Waiting for ZooKeeper to serve');
      await until('ZooKeeper to serve', async () => ((await Promise.all(zk.map((s) => zkServing(s.ip)))).every(Boolean) ? true : undefined));
      progress('Waiting for a leading master');
      info.leader = (await until('a leading master', () => findLeader(masterMembers))).url!;
      // Agents start once a master leads: one registering while the leader was still being elected
      // was seen to lose its connection for good (the process launcher waits the same way).
      progress(`Starting ${this.agents} agent(s)${info.marathon ? ' and the app framework' : ''}${info.chronos ? `${info.marathon ? ',' : ' and'} the job framework` : ''}`);
      await Promise.all(clients.map((s) => startMember(s, network, this.onLog)));
      progress(`Waiting for ${this.agents} agent(s) to register`);
      await until('every agent to register', async () => {
        const state = await probeJson<{ activated_slaves: number }>(`${info.leader}/master/state`);
        return state.activated_slaves >= this.agents ? true : undefined;
      });
      if (info.dns) {
        progress('Waiting for the DNS server');
        await until('the DNS server', async () => ((await request('GET', `${info.dns!.http}/v1/version`, undefined, {}, 2000)).status === 200 ? true : undefined));
      }
      if (info.marathon) {
        progress('Waiting for the app framework');
        await until('the app framework to subscribe and serve', async () => {
          const state = await probeJson<{ frameworks: Array<{ name: string; active: boolean }> }>(`${info.leader}/master/state`);
          if (!state.frameworks.some((f) => f.name === 'marathon' && f.active)) return undefined;
          return (await request('GET', `${info.marathon}/v2/info`, undefined, {}, 2000)).status === 200 ? true : undefined;
        });
      }
      if (info.chronos) {
        progress('Waiting for the job framework');
        await until('the job framework to subscribe and serve', async () => {
          const state = await probeJson<{ frameworks: Array<{ name: string; active: boolean }> }>(`${info.leader}/master/state`);
          if (!state.frameworks.some((f) => f.name === 'chronos' && f.active)) return undefined;
          return (await request('GET', `${info.chronos}/v1/scheduler/jobs`, undefined, {}, 2000)).status === 200 ? true : undefined;
        });
      }
      progress('Cluster ready');
      return new StartedMesoliteCluster(info);
    } catch (e) {
      // Best-effort cleanup of a failed start; the start's own error is what is reported.
      await removeCluster(name).catch(() => undefined);
      throw e;
    }
  }

  private plan(network: ClusterNetwork, runtime: string, zookeeperImage: string): MemberSpec[] {
    const cluster = this.name;
    const address = network.address.bind(network);
    const engineSocket = localEngineSocket();
    let n = 0;
    const zk: MemberSpec[] = Array.from({ length: this.zookeepers }, (_, i) => ({
      cluster, name: `zookeeper-${i + 1}`, role: 'zookeeper', image: zookeeperImage, ip: address(++n), port: ZOOKEEPER_PORT,
    }));
    // The public image's variables (also read by the local image): ids and the ensemble's members.
    const servers = zk.map((s, i) => `server.${i + 1}=${s.ip}:2888:3888;${ZOOKEEPER_PORT}`).join(' ');
    for (const [i, s] of zk.entries()) s.environment = { ZOO_MY_ID: String(i + 1), ZOO_TICK_TIME: '500', ...(zk.length > 1 ? { ZOO_SERVERS: servers } : {}) };
    const mesosZk = zkUrl(zk, '/mesos');
    const quorum = Math.floor(this.masters / 2) + 1;
    const masters: MemberSpec[] = Array.from({ length: this.masters }, (_, i) => {
      const ip = address(++n);
      return {
        cluster, name: `master-${i + 1}`, role: 'master', image: runtime, ip, port: MASTER_PORT, url: `http://${ip}:${MASTER_PORT}`,
        command: ['master', `--ip=${ip}`, `--port=${MASTER_PORT}`, `--zk=${mesosZk}`, `--quorum=${quorum}`, '--zk_session_timeout=5secs',
          '--work_dir=/var/lib/mesolite/master', `--cluster=${cluster}`, ...this.masterFlags],
      };
    });
    // The DNS server's address comes last (the others keep theirs); it is known before anything starts.
    const dnsIp = this.dns ? address(this.zookeepers + this.masters + this.agents + (this.marathon ? 1 : 0) + (this.chronos ? 1 : 0) + 1) : undefined;
    const agents: MemberSpec[] = Array.from({ length: this.agents }, (_, i) => {
      const ip = address(++n);
      const spec: MemberSpec = {
        cluster, name: `agent-${i + 1}`, role: 'agent', image: runtime, ip, port: AGENT_PORT, url: `http://${ip}:${AGENT_PORT}`,
        command: ['agent', `--master=${mesosZk}`, `--ip=${ip}`, `--port=${AGENT_PORT}`, `--work_dir=${AGENT_WORK_DIR}`,
          `--resources=${this.agentResources}`, `--attributes=agent:agent-${i + 1}`, ...this.agentFlags],
        ...(dnsIp ? { dns: [dnsIp] } : {}),
      };
      // As Mesos agents in containers run Docker tasks: the engine's socket, and the work_dir on the host
      // (the engine mounts sandboxes from there); its task containers join the cluster's network.
      if (engineSocket) {
        const hostWorkDir = agentHostWorkDir(cluster, network.id, spec.name);
        spec.command!.push('--containerizers=docker,mesos');
        spec.binds = [{ source: engineSocket, target: '/var/run/docker.sock' }, { source: hostWorkDir, target: AGENT_WORK_DIR }];
        spec.environment = { [DOCKER_CLUSTER_ENV]: cluster, [DOCKER_NETWORK_ENV]: network.name, [DOCKER_HOST_WORK_DIR_ENV]: hostWorkDir };
      }
      return spec;
    });
    const marathon: MemberSpec[] = [];
    if (this.marathon) {
      const ip = address(++n);
      marathon.push({
        cluster, name: 'marathon', role: 'marathon', image: runtime, ip, port: MARATHON_PORT, url: `http://${ip}:${MARATHON_PORT}`,
        command: ['marathon', `--master=${mesosZk}`, `--zk=${zkUrl(zk, '/marathon')}`, `--http_address=${ip}`, `--http_port=${MARATHON_PORT}`, `--hostname=${ip}`],
      });
    }
    const chronos: MemberSpec[] = [];
    if (this.chronos) {
      const ip = address(++n);
      chronos.push({
        cluster, name: 'chronos', role: 'chronos', image: runtime, ip, port: CHRONOS_PORT, url: `http://${ip}:${CHRONOS_PORT}`,
        command: ['chronos', `--master=${mesosZk}`, `--zk=${zkUrl(zk, '/chronos')}`, `--http_address=${ip}`, `--http_port=${CHRONOS_PORT}`, `--hostname=${ip}`],
      });
    }
    const dns: MemberSpec[] = dnsIp ? [{
      cluster, name: 'dns', role: 'dns', image: runtime, ip: dnsIp, port: DNS_HTTP_PORT, url: `http://${dnsIp}:${DNS_HTTP_PORT}`,
      // Names outside the Mesos domain go to Docker's embedded resolver in its own container (127.0.0.11).
      // A local cluster's resolver keeps serving what it knows while ZooKeeper is away (no zkDetectionTimeout).
      command: ['dns', `--zk=${mesosZk}`, `--listener=${dnsIp}`, `--HTTPListener=${dnsIp}`, '--port=53', `--httpport=${DNS_HTTP_PORT}`, '--resolvers=127.0.0.11', '--zkDetectionTimeout=0'],
    }] : [];
    return [...zk, ...masters, ...agents, ...marathon, ...chronos, ...dns];
  }
}

function positive(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${what} must be at least 1`);
  return n;
}

const zkUrl = (zk: MemberSpec[], path: string) => `zk://${zk.map((s) => `${s.ip}:${ZOOKEEPER_PORT}`).join(',')}${path}`;

async function probeJson<T>(url: string): Promise<T> {
  const res = await request('GET', url, undefined, {}, 2000);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return JSON.parse(res.body) as T;
}

/** ZooKeeper's `srvr` command (the one four-letter word allowed by default) names a mode once it serves. */
export function zkServing(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(ZOOKEEPER_PORT, ip, () => socket.end('srvr'));
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', (d) => { answer += d.toString(); });
    socket.on('close', () => resolve(/Mode: (leader|follower|standalone)/.test(answer)));
    socket.on('error', () => undefined);
  });
}

/** Polls until probe gives a value; fails early, with its last log lines, when a member has exited. */
async function waitFor<T>(cluster: string, what: string, deadline: number, probe: () => Promise<T | undefined>, signal?: AbortSignal): Promise<T> {
  let last = '';
  for (let round = 0; Date.now() < deadline; round++) {
    if (signal?.aborted) throw new Error('Start cancelled');
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = (e as Error).message;
    }
    if (round % 5 === 4) {
      const exited = (await clusterContainers(cluster)).find((c) => c.State !== 'running');
      if (exited) {
        const logs = await (await docker()).getContainer(exited.Id).logs({ stdout: true, stderr: true, tail: 20 });
        throw new Error(`${exited.Labels['mesolite.member']} exited while waiting for ${what}:\n${demux(logs)}`);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? ` (${last})` : ''}`);
}
