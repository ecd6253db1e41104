// A running Docker cluster: where its members are, their logs, fault injection and `down`. It can be
// found again from labels alone (`connectToCluster`), so the CLI and the extension reach clusters
// started by another process.
import type { Readable } from 'node:stream';
import { request } from '../../common/http';
import { clusterContainers, demux, docker, MEMBER_LABEL, memberContainer, removeCluster, ROLE_LABEL, ZOOKEEPER_PORT, type Role } from './engine';
import { IP_LABEL, URL_LABEL } from './members';

export interface DockerMember {
  name: string;
  role: Role;
  ip: string;
  port: number;
  url?: string;
}

export interface DockerClusterInfo {
  name: string;
  network: string;
  subnet: string;
  /** zk://.../mesos: what agents, frameworks and `mesolite execute --master` take. */
  zookeeper: string;
  masters: string[];
  agents: string[];
  marathon?: string;
  /** The job framework's REST API, when started. */
  chronos?: string;
  /** The Mesos-DNS-compatible server: DNS at IP:53 (UDP and TCP), its HTTP API; the agents' tasks resolve through it. */
  dns?: { address: string; http: string };
  /** URL of the master that led when the cluster was ready. */
  leader: string;
  members: DockerMember[];
}

export class StartedMesoliteCluster {
  private readonly agentIds = new Map<string, DockerMember>();

  constructor(readonly info: DockerClusterInfo) {}

  get name(): string { return this.info.name; }

  member(name: string): DockerMember {
    const found = this.info.members.find((m) => m.name === name);
    if (!found) throw new Error(`Cluster '${this.name}' has no member '${name}'`);
    return found;
  }

  /** The master leading now: the one that answers and names itself the leader. */
  async leader(): Promise<DockerMember> {
    const leader = await findLeader(this.info.members.filter((m) => m.role === 'master'));
    if (!leader) throw new Error(`No master of cluster '${this.name}' leads`);
    return leader;
  }

  /** SIGKILLs the leading master's container (it stays, stopped: `start` brings it back). */
  async killLeader(): Promise<DockerMember> {
    const leader = await this.leader();
    await (await memberContainer(this.name, leader.name)).kill();
    return leader;
  }

  async stop(member: string): Promise<void> { await (await memberContainer(this.name, this.member(member).name)).stop({ t: 10 }); }
  async start(member: string): Promise<void> { await (await memberContainer(this.name, this.member(member).name)).start(); }
  async restart(member: string): Promise<void> { await (await memberContainer(this.name, this.member(member).name)).restart({ t: 10 }); }

  /** Cuts an agent (member name or Mesos agent id) off the cluster network; its processes keep running. */
  async partitionAgent(agent: string): Promise<DockerMember> {
    const member = await this.agentMember(agent);
    const container = await memberContainer(this.name, member.name);
    await (await docker()).getNetwork(this.info.network).disconnect({ Container: container.id, Force: true });
    return member;
  }

  /** Reconnects a partitioned agent under its old address. */
  async heal(agent: string): Promise<DockerMember> {
    const member = await this.agentMember(agent);
    const container = await memberContainer(this.name, member.name);
    await (await docker()).getNetwork(this.info.network).connect({ Container: container.id, EndpointConfig: { IPAMConfig: { IPv4Address: member.ip } } });
    return member;
  }

  /** Freezes every ZooKeeper server (docker pause): sessions time out, masters lose leadership. */
  async pauseZooKeeper(): Promise<void> {
    await Promise.all(this.members('zookeeper').map(async (m) => (await memberContainer(this.name, m.name)).pause()));
  }

  async resumeZooKeeper(): Promise<void> {
    await Promise.all(this.members('zookeeper').map(async (m) => (await memberContainer(this.name, m.name)).unpause()));
  }

  /** A member's stdout and stderr as text, from the start; `follow` keeps the stream open. */
  logs(member: string, options: { follow?: boolean; tail?: number } = {}): Promise<Readable> {
    return memberLogs(this.name, this.member(member).name, options);
  }

  /** Removes every container and the network (by label). */
  async down(): Promise<void> {
    await removeCluster(this.name);
  }

  private members(role: Role): DockerMember[] {
    return this.info.members.filter((m) => m.role === role);
  }

  /** An agent by member name or Mesos agent id (asked of the agents themselves; remembered, since a partitioned one cannot answer). */
  private async agentMember(agent: string): Promise<DockerMember> {
    const known = this.info.members.find((m) => m.role === 'agent' && m.name === agent) ?? this.agentIds.get(agent);
    if (known) return known;
    await Promise.all(this.members('agent').map(async (m) => {
      const res = await request('GET', `${m.url}/state`, undefined, {}, 2000).catch(() => undefined); // not answering: no id to map
      if (res?.status === 200) this.agentIds.set((JSON.parse(res.body) as { id: string }).id, m);
    }));
    const member = this.agentIds.get(agent);
    if (!member) throw new Error(`Cluster '${this.name}' has no agent '${agent}'`);
    return member;
  }
}

export async function findLeader(masters: DockerMember[]): Promise<DockerMember | undefined> {
  const answers = await Promise.all(masters.map(async (m) => {
    const res = await request('GET', `${m.url}/master/state`, undefined, {}, 2000).catch(() => undefined); // not answering: not the leader
    const state = res?.status === 200 ? (JSON.parse(res.body) as { pid?: string; leader?: string }) : undefined;
    return state?.leader && state.leader === state.pid ? m : undefined;
  }));
  return answers.find(Boolean);
}

export async function memberLogs(cluster: string, member: string, options: { follow?: boolean; tail?: number } = {}): Promise<Readable> {
  const { PassThrough } = await import('node:stream');
  const engine = await docker();
  const container = await memberContainer(cluster, member);
  const out = new PassThrough();
  const logOptions = { stdout: true, stderr: true, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
  if (options.follow) {
    const stream = await container.logs({ ...logOptions, follow: true });
    engine.modem.demuxStream(stream, out, out);
    stream.on('end', () => out.end());
    // A reader that stops following closes the engine's stream too, instead of leaving it open.
    out.on('close', () => (stream as Readable).destroy());
  } else {
    out.end(demux(await container.logs({ ...logOptions, follow: false })));
  }
  return out;
}

/** A cluster started by any process, rebuilt from its containers' labels; undefined when none exists. */
export async function connectToCluster(name: string): Promise<StartedMesoliteCluster | undefined> {
  const containers = await clusterContainers(name);
  if (containers.length === 0) return undefined;
  const network = `mesolite-${name}`;
  const members: DockerMember[] = containers.map((c) => {
    const url = c.Labels[URL_LABEL];
    return { name: c.Labels[MEMBER_LABEL], role: c.Labels[ROLE_LABEL] as Role, ip: c.Labels[IP_LABEL], port: url ? Number(new URL(url).port) : ZOOKEEPER_PORT, url };
  }).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const urls = (role: Role) => members.filter((m) => m.role === role).map((m) => m.url!);
  const zk = members.filter((m) => m.role === 'zookeeper');
  const dns = members.find((m) => m.role === 'dns');
  const info: DockerClusterInfo = {
    name, network, subnet: '',
    zookeeper: `zk://${zk.map((m) => `${m.ip}:${m.port}`).join(',')}/mesos`,
    masters: urls('master'), agents: urls('agent'), marathon: urls('marathon')[0], chronos: urls('chronos')[0], leader: '', members,
    ...(dns ? { dns: { address: `${dns.ip}:53`, http: dns.url! } } : {}),
  };
  const cluster = new StartedMesoliteCluster(info);
  info.leader = (await cluster.leader().catch(() => undefined))?.url ?? ''; // none elected yet: empty, as Mesos' state says
  return cluster;
}
