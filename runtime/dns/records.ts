// The record set Mesos-DNS generates from the leading master's /master/state (records/generator.go,
// docs/naming.md): names are lower case and fully qualified ("web.marathon.mesos."); A/AAAA map to IPs,
// SRV to "target.:port". Tasks count only while TASK_RUNNING.
import * as net from 'node:net';
import * as os from 'node:os';
import { agentIdTail, domainFragment, hashString, rfc1123, rfc952, type LabelRule } from './labels';

interface StatusV0 {
  state: string;
  timestamp: number;
  labels?: Array<{ key: string; value?: string }>;
  container_status?: { network_infos?: Array<{ ip_addresses?: Array<{ ip_address?: string }>; ip_address?: string }> };
}
interface DiscoveryPortV0 { number: number; name?: string; protocol?: string }
export interface TaskV0 {
  id: string;
  name: string;
  slave_id: string;
  state: string;
  statuses?: StatusV0[];
  resources?: { ports?: string };
  discovery?: { name?: string; ports?: { ports?: DiscoveryPortV0[] } };
}
export interface MasterStateV0 {
  leader?: string;
  frameworks?: Array<{ name: string; pid?: string; hostname?: string; tasks?: TaskV0[] }>;
  slaves?: Array<{ id: string; pid: string }>;
}

export type RecordKind = 'A' | 'AAAA' | 'SRV';
export interface EnumerableRecord { name: string; host: string; rtype: RecordKind }
export interface Enumeration { frameworks: Array<{ tasks: Array<{ name: string; id: string; records: EnumerableRecord[] }>; name: string }> }

/** Values by name, in insertion order, without duplicates (a name has few: an array beats a Set). */
export class RecordMap {
  private readonly byName = new Map<string, string[]>();
  add(name: string, value: string): boolean {
    if (!value) return false;
    const list = this.byName.get(name);
    if (!list) {
      this.byName.set(name, [value]);
      return true;
    }
    if (list.includes(value)) return false;
    list.push(value);
    return true;
  }
  get(name: string): readonly string[] | undefined { return this.byName.get(name); }
  has(name: string): boolean { return this.byName.has(name); }
  first(name: string): string | undefined { return this.byName.get(name)?.[0]; }
  get size(): number { return this.byName.size; }
  entries(): IterableIterator<[string, string[]]> { return this.byName.entries(); }
}

export interface RecordSet {
  A: RecordMap;
  AAAA: RecordMap;
  SRV: RecordMap;
  enumeration: Enumeration;
}

export interface GeneratorOptions {
  domain: string;
  /** SOAMname, fully qualified: the name the listener's address gets. */
  nameserver: string;
  listener: string;
  /** Masters as Mesos-DNS lists them: the leader from ZooKeeper first (if any), then the configured ones. */
  masters: string[];
  ipSources: string[];
  enforceRFC952: boolean;
  /** Non-IP agent and framework hosts, resolved before generating (Mesos-DNS looks them up too). */
  hostIPs: Map<string, string[]>;
}

export const emptyRecords = (): RecordSet => ({ A: new RecordMap(), AAAA: new RecordMap(), SRV: new RecordMap(), enumeration: { frameworks: [] } });

const kindOf = (ip: string): RecordKind => (net.isIPv6(ip) ? 'AAAA' : 'A');

/** The host of a libprocess pid `name@host:port`, and its port. */
export function pidAddress(pid: string | undefined): { host: string; port: string } | undefined {
  const m = pid ? /^[^@]*@(\[[^\]]+\]|[^:]+):(\d+)$/.exec(pid) : null;
  return m ? { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] } : undefined;
}

/** Hosts of `state` that are names, not IPs: what the generator needs looked up. */
export function hostNames(state: MasterStateV0): string[] {
  const hosts = [...(state.slaves ?? []).map((s) => pidAddress(s.pid)?.host), ...(state.frameworks ?? []).map((f) => pidAddress(f.pid)?.host ?? f.hostname)];
  return [...new Set(hosts.filter((h): h is string => !!h && !net.isIP(h)))];
}

/** Every port of a Mesos ranges string "[31000-31002, 31005-31005]". */
export function portsOf(ranges: string | undefined): string[] {
  const out: string[] = [];
  for (const [, lo, hi] of (ranges ?? '').matchAll(/(\d+)-(\d+)/g)) for (let p = Number(lo); p <= Number(hi); p++) out.push(String(p));
  return out;
}

/** The task's IPs from the first of `sources` that has some (Mesos-DNS's IPSources). */
function taskIPs(task: TaskV0, sources: string[], agentIPs: string[]): string[] {
  const running = (task.statuses ?? []).filter((s) => s.state === 'TASK_RUNNING').sort((a, b) => b.timestamp - a.timestamp)[0];
  const label = (key: string) => (running?.labels ?? []).filter((l) => l.key === key).map((l) => l.value ?? '');
  const bySource: Record<string, () => string[]> = {
    host: () => agentIPs,
    netinfo: () => (running?.container_status?.network_infos ?? []).flatMap((n) => (n.ip_addresses?.length ? n.ip_addresses.map((a) => a.ip_address ?? '') : [n.ip_address ?? ''])),
    mesos: () => label('MesosContainerizer.NetworkSettings.IPAddress'),
    docker: () => label('Docker.NetworkSettings.IPAddress'),
  };
  for (const source of sources) {
    const ips = bySource[source]().filter((ip) => net.isIP(ip));
    if (ips.length > 0) return ips;
  }
  return [];
}

export function generateRecords(state: MasterStateV0, o: GeneratorOptions): RecordSet {
  const rs = emptyRecords();
  const rule: LabelRule = o.enforceRFC952 ? rfc952 : rfc1123;
  const tail = `.${o.domain}.`;
  const ipsOf = (host: string) => (net.isIP(host) ? [host] : o.hostIPs.get(host) ?? []);
  const insert = (name: string, value: string, kind: RecordKind) => rs[kind].add(name, value);

  // Frameworks: <framework>.<domain> and _framework._tcp.<framework>.<domain>
  for (const f of state.frameworks ?? []) {
    const pid = pidAddress(f.pid);
    const ips = ipsOf(pid?.host ?? f.hostname ?? '');
    if (ips.length === 0) continue;
    const a = `${domainFragment(f.name, rule)}${tail}`;
    for (const ip of ips) insert(a, ip, kindOf(ip));
    if (pid) insert(`_framework._tcp.${a}`, `${a}:${pid.port}`, 'SRV');
  }

  // Agents: slave.<domain> and _slave._tcp.<domain>; each agent's IPs for its tasks.
  const agentIPs = new Map<string, string[]>();
  for (const s of state.slaves ?? []) {
    const pid = pidAddress(s.pid);
    const ips = pid ? ipsOf(pid.host) : [];
    for (const ip of ips) insert(`slave${tail}`, ip, kindOf(ip));
    if (ips.length > 0) insert(`_slave._tcp${tail}`, `slave${tail}:${pid!.port}`, 'SRV');
    agentIPs.set(s.id, ips.length > 0 ? ips : pid ? [domainFragment(pid.host, rule)] : []);
  }

  // This server's own name (the SOA's MNAME).
  for (const ip of o.listener === '0.0.0.0' ? localAddresses() : [o.listener]) insert(o.nameserver, ip, kindOf(ip));

  masterRecords(rs, o, tail, pidAddress(state.leader));

  for (const f of state.frameworks ?? []) {
    const framework = { name: f.name, tasks: [] as Enumeration['frameworks'][number]['tasks'] };
    rs.enumeration.frameworks.push(framework);
    for (const task of f.tasks ?? []) {
      const slaveIPs = agentIPs.get(task.slave_id);
      if (!slaveIPs || task.state !== 'TASK_RUNNING') continue;
      const records: EnumerableRecord[] = [];
      framework.tasks.push({ name: task.name, id: task.id, records });
      // Every record of the task is listed under it, also one another instance added first (app-wide
      // names such as <app>.marathon.<domain> on a shared IP): otherwise which task shows them depends on state order.
      const add = (name: string, host: string, rtype: RecordKind) => {
        insert(name, host, rtype);
        if (!records.some((r) => r.name === name && r.host === host && r.rtype === rtype)) records.push({ name, host, rtype });
      };
      const context = { taskName: rule(task.name), hash: hashString(task.id), agent: agentIdTail(task.slave_id), ips: taskIPs(task, o.ipSources, slaveIPs), slaveIPs };
      const discoveryName = task.discovery?.name;
      if (discoveryName) {
        // As Mesos-DNS: the discovery name as given (its legacy records), then made a valid label.
        taskRecords({ ...context, taskName: discoveryName }, task, domainFragment(f.name, rule), tail, rule, add);
        taskRecords({ ...context, taskName: rule(discoveryName) }, task, domainFragment(f.name, rule), tail, rule, add);
      } else {
        taskRecords(context, task, domainFragment(f.name, rule), tail, rule, add);
      }
    }
  }
  return rs;
}

interface TaskContext { taskName: string; hash: string; agent: string; ips: string[]; slaveIPs: string[] }

function taskRecords(c: TaskContext, task: TaskV0, framework: string, tail: string, rule: LabelRule, add: (name: string, host: string, rtype: RecordKind) => void): void {
  const canonical = `${c.taskName}-${c.hash}-${c.agent}.${framework}`;
  const arec = `${c.taskName}.${framework}`;
  for (const ip of c.ips) {
    add(`${arec}${tail}`, ip, kindOf(ip));
    add(`${canonical}${tail}`, ip, kindOf(ip));
  }
  for (const ip of c.slaveIPs) {
    // An agent known only by a name that did not resolve keeps that name, as in Mesos-DNS.
    const kind = net.isIP(ip) ? kindOf(ip) : 'A';
    add(`${arec}.slave${tail}`, ip, kind);
    add(`${canonical}.slave${tail}`, ip, kind);
  }
  const hasDiscovery = !!task.discovery?.name;
  // SRV from the task's port resources: under .slave always, under the framework without DiscoveryInfo.
  const slaveTarget = `${canonical}.slave${tail}`;
  for (const port of portsOf(task.resources?.ports)) {
    for (const proto of ['_tcp', '_udp']) {
      add(`_${c.taskName}.${proto}.${framework}.slave${tail}`, `${slaveTarget}:${port}`, 'SRV');
      if (!hasDiscovery) add(`_${c.taskName}.${proto}.${framework}${tail}`, `${slaveTarget}:${port}`, 'SRV');
    }
  }
  if (!hasDiscovery) return;
  // SRV from DiscoveryInfo ports: their protocol (both when unset), and again under the port's name.
  for (const port of task.discovery?.ports?.ports ?? []) {
    const target = `${canonical}${tail}:${port.number}`;
    const protocol = rule(port.protocol ?? '');
    const names = (protocol ? [`_${protocol}`] : ['_tcp', '_udp']).map((p) => `_${c.taskName}.${p}.${framework}`);
    const portName = rule(port.name ?? '');
    for (const name of names) {
      add(`${name}${tail}`, target, 'SRV');
      if (portName) add(`_${portName}.${name}${tail}`, target, 'SRV');
    }
  }
}

/**
 * leader.<domain>, master.<domain> (every master), masterN.<domain> (in the order listed; the leader
 * gets the next index if it is not listed), _leader._tcp / _udp and _master._tcp / _udp.
 */
function masterRecords(rs: RecordSet, o: GeneratorOptions, tail: string, leader: { host: string; port: string } | undefined): void {
  if (!leader || !net.isIP(leader.host)) return;
  const leaderAddress = net.isIPv6(leader.host) ? `[${leader.host}]:${leader.port}` : `${leader.host}:${leader.port}`;
  const all = `master${tail}`;
  rs[kindOf(leader.host)].add(`leader${tail}`, leader.host);
  rs[kindOf(leader.host)].add(all, leader.host);
  for (const proto of ['_tcp', '_udp']) rs.SRV.add(`_leader.${proto}${tail}`, `leader${tail}:${leader.port}`);
  // masterN, and (docs/naming.md's _master records, which Mesos-DNS's code never made) SRV to it.
  const addMaster = (n: number, ip: string, port: string) => {
    rs[kindOf(ip)].add(`master${n}${tail}`, ip);
    for (const proto of ['_tcp', '_udp']) rs.SRV.add(`_master.${proto}${tail}`, `master${n}${tail}:${port}`);
  };
  let index = 0;
  let leaderListed = false;
  for (const master of o.masters) {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(master);
    if (!m || !net.isIP(m[1])) continue;
    const isLeader = master === leaderAddress;
    if (!isLeader && !rs[kindOf(m[1])].add(all, m[1])) continue; // the same master twice
    if (isLeader && leaderListed) continue;
    addMaster(index, m[1], m[2]);
    index++;
    if (isLeader) leaderListed = true;
  }
  if (!leaderListed) addMaster(index, leader.host, leader.port);
}

function localAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).filter((a) => !a.internal).map((a) => a.address));
}
