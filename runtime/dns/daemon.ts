// `mesolite dns`: a Mesos-DNS-compatible server. Configured like Mesos-DNS (--config=config.json with its
// fields; flags of the same names override them), it finds the leading master like every client here
// (ZooKeeper through runtime/client's lazily loaded detector, or the `masters` list, following the
// leader a master's /master/state names), regenerates the records every `refreshSeconds`, and, unlike
// Mesos-DNS, at once when the operator stream reports a task, agent or framework change.
import { promises as dnsLookup } from 'node:dns';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OperatorClient, type OperatorSubscription } from '../client/operator';
import { authorization } from '../common/authentication';
import { parseFlags, type FlagSpecs } from '../common/flags';
import { listen, request, type Listening } from '../common/http';
import { parseJson } from '../common/json';
import { createLogger, guarded } from '../common/log';
import { ConfigError, parseConfig, type DnsConfig } from './config';
import { forwarder } from './forwarder';
import { dnsApi } from './http';
import { generateRecords, hostNames, pidAddress, type MasterStateV0 } from './records';
import { Resolver } from './resolver';
import { serveDns, type DnsListening } from './server';

/** Flags are the config file's fields (the same names), plus --config and --quiet; lists are comma-separated. */
export const DNS_FLAGS = {
  config: { type: 'string', help: 'Mesos-DNS configuration file (JSON, Mesos-DNS\'s fields); flags override its fields' },
  zk: { type: 'string', help: 'ZooKeeper URL of the masters: zk://host:port/mesos' },
  masters: { type: 'string', help: 'Masters HOST:PORT,HOST:PORT (without zk, or as its fallback)' },
  zkDetectionTimeout: { type: 'int', help: 'Seconds ZooKeeper may name no leading master before the server exits (default 30; 0: never)' },
  refreshSeconds: { type: 'int', help: 'Seconds between regenerations of the records (default 60); task and agent events regenerate them at once' },
  stateTimeoutSeconds: { type: 'int', help: 'Seconds to wait for /master/state (default 300)' },
  ttl: { type: 'int', help: 'TTL of the records (default 60)' },
  domain: { type: 'string', help: 'Domain of the records (default mesos)' },
  port: { type: 'int', help: 'DNS port, UDP and TCP (default 53; 0 picks a free one)' },
  listener: { type: 'string', help: 'Address DNS listens on (default 127.0.0.1)' },
  HTTPListener: { type: 'string', help: 'Address the HTTP API listens on (default 127.0.0.1)' },
  httpport: { type: 'int', help: 'HTTP API port (default 8123; 0 picks a free one)' },
  dnson: { type: 'bool', help: 'Serve DNS (default true)' },
  httpon: { type: 'bool', help: 'Serve the HTTP API (default true)' },
  externalon: { type: 'bool', help: 'Forward names outside the domain to resolvers (default true)' },
  resolvers: { type: 'string', help: 'Resolvers for names outside the domain, IP[:PORT],... (default none: such queries are refused)' },
  timeout: { type: 'int', help: 'Seconds to wait for a resolver (default 5)' },
  IPSources: { type: 'string', help: 'Where task IPs come from, in order: netinfo,mesos,host (also docker)' },
  EnforceRFC952: { type: 'bool', help: 'Labels as RFC 952: at most 24 characters, not starting with a digit' },
  SOAMname: { type: 'string', help: 'Name of this server in SOA and NS answers (default ns1.mesos)' },
  SOARname: { type: 'string', help: 'Mailbox of the SOA answers (default root.ns1.mesos)' },
  quiet: { type: 'bool', help: 'Log warnings and errors only' },
} satisfies FlagSpecs;

const EVENT_BATCH_MS = 20;
const LISTS = new Set(['masters', 'resolvers', 'IPSources']);
/** Operator events after which the records may differ. */
const CHANGES = new Set(['TASK_ADDED', 'TASK_UPDATED', 'AGENT_ADDED', 'AGENT_REMOVED', 'FRAMEWORK_ADDED', 'FRAMEWORK_UPDATED', 'FRAMEWORK_REMOVED']);

/** The configuration: the file's fields, then the flags given (as the same fields). */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): { config: DnsConfig; quiet: boolean } {
  const { values, raw } = parseFlags(DNS_FLAGS, argv, env, 'MESOS_DNS_');
  const layers: Array<Record<string, unknown>> = [];
  let file = '';
  if (values.config) {
    file = path.resolve(values.config);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read the configuration file ${file}: ${(e as Error).message}`);
    }
    let json: unknown;
    try {
      json = parseJson(text);
    } catch (e) {
      throw new ConfigError(`${file} is not JSON: ${(e as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`${file} must hold a JSON object of Mesos-DNS's fields`);
    layers.push(json as Record<string, unknown>);
  }
  const flags: Record<string, unknown> = {};
  for (const name of Object.keys(raw)) {
    if (name === 'config' || name === 'quiet') continue;
    const value = values[name as keyof typeof values];
    flags[name] = LISTS.has(name) ? String(value).split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
  }
  layers.push(flags);
  return { config: parseConfig(layers, file), quiet: values.quiet };
}

export interface RunningDns {
  dns?: DnsListening;
  http?: Listening;
  stop(): Promise<void>;
}

/** `onFatal`: what ends the server, as in Mesos-DNS: ZooKeeper naming no leader for ZkDetectionTimeout seconds. */
export async function startDns(argv: string[], onFatal: (error: Error) => void): Promise<RunningDns> {
  const { config, quiet } = loadConfig(argv);
  const log = createLogger('dns', quiet);
  const resolver = new Resolver(config, forwarder(config.Timeout));
  const headers: Record<string, string> = config.MesosAuthentication === 'basic' ? { Authorization: authorization(config.MesosCredentials) } : {};
  const credentials = config.MesosAuthentication === 'basic' ? config.MesosCredentials : undefined;

  // The operator stream: of the ZooKeeper leader, or of the master the last reload found leading.
  let stream: { target: string; client: OperatorClient; subscription: OperatorSubscription } | undefined;
  let stopped = false;
  const follow = (target: string) => {
    if (stopped || stream?.target === target) return;
    stream?.subscription.close();
    stream?.client.close();
    const client = new OperatorClient(target, credentials);
    const subscription = client.subscribe({ retryMs: 1000 });
    subscription.on('connected', (url) => { log.info(`Following the operator stream of ${url}`); void reload(); });
    subscription.on('event', (e) => { if (CHANGES.has(e.type)) soon(); });
    stream = { target, client, subscription };
  };
  if (config.Zk) follow(config.Zk);
  // ZooKeeper's leader, asked once at a time however many wait for it (while none leads, each
  // question would otherwise stay pending).
  let asked: Promise<string> | undefined;
  const zkLeader = () => (asked ??= stream!.client.leader.next().finally(() => { asked = undefined; }));
  const watchdog = config.Zk && config.ZkDetectionTimeout > 0 ? detectionWatchdog(zkLeader, config.ZkDetectionTimeout, onFatal) : undefined;

  const loadState = async (): Promise<{ state: MasterStateV0; leader?: string }> => {
    const known = config.Zk ? await within(zkLeader(), config.Masters.length > 0 ? 1000 : config.StateTimeoutSeconds * 1000) : undefined;
    const candidates = [...(known ? [known.replace(/^https?:\/\//, '')] : []), ...config.Masters];
    if (candidates.length === 0) throw new Error('no leading master is known yet');
    let last: unknown;
    for (const master of candidates) {
      try {
        const state = await fetchState(master, headers, config.StateTimeoutSeconds);
        const leader = pidAddress(state.leader);
        const leading = leader ? `${leader.host}:${leader.port}` : undefined;
        if (!leading) throw new Error(`${master} names no leader`);
        // A master that does not lead names the one that does: ask that one.
        return { state: leading === master ? state : await fetchState(leading, headers, config.StateTimeoutSeconds), leader: leading };
      } catch (e) {
        last = e;
      }
    }
    throw last;
  };

  let running: Promise<void> | undefined;
  let again = false;
  const reloadOnce = async () => {
    try {
      const { state, leader } = await loadState();
      const hostIPs = new Map(await Promise.all(hostNames(state).map(async (h): Promise<[string, string[]]> =>
        [h, await dnsLookup.lookup(h, { all: true }).then((as) => as.map((a) => a.address), () => [])])));
      resolver.records = generateRecords(state, {
        domain: config.Domain, nameserver: config.SOAMname, listener: config.Listener, ipSources: config.IPSources,
        enforceRFC952: config.EnforceRFC952, hostIPs, masters: [...(config.Zk && leader ? [leader] : []), ...config.Masters],
      });
      resolver.ready = true;
      config.SOASerial = Math.floor(Date.now() / 1000);
      if (!config.Zk && leader) follow(leader);
    } catch (e) {
      log.warn(`Generating the records failed (${(e as Error).message}); keeping the ones there are`);
    }
  };
  const reload = (): Promise<void> => {
    if (running) { again = true; return running; }
    running = (async () => {
      do { again = false; await reloadOnce(); } while (again);
    })().finally(() => { running = undefined; });
    return running;
  };
  // Events come in bursts (a deployment's tasks, each through STAGING, STARTING, RUNNING): one reload
  // a few milliseconds after the first serves the burst, since each reload reads the whole state.
  let pending: NodeJS.Timeout | undefined;
  const soon = () => { pending ??= setTimeout(() => { pending = undefined; void reload(); }, EVENT_BATCH_MS); };
  const timer = setInterval(guarded(log, 'reload', () => void reload()), config.RefreshSeconds * 1000);

  let dns: DnsListening | undefined;
  let http: Listening | undefined;
  try {
    if (config.DnsOn) dns = await serveDns(resolver, config.Listener, config.Port, log);
    if (config.HttpOn) http = await listen(dnsApi(resolver, log), config.HTTPListener, config.HttpPort);
  } catch (e) {
    await stop();
    throw e;
  }
  log.info(`Mesos-DNS for domain ${config.Domain}: ${dns ? `DNS on ${config.Listener}:${dns.port} (udp, tcp)` : 'DNS off'}, ${http ? `HTTP on ${config.HTTPListener}:${http.port}` : 'HTTP off'}`);
  void reload();
  return { dns, http, stop };

  async function stop(): Promise<void> {
    stopped = true;
    clearInterval(timer);
    clearInterval(watchdog);
    clearTimeout(pending);
    stream?.subscription.close();
    stream?.client.close();
    await Promise.all([dns?.close(), http?.close()]);
  }
}

async function fetchState(master: string, headers: Record<string, string>, timeoutSeconds: number): Promise<MasterStateV0> {
  const res = await request('GET', `http://${master}/master/state`, undefined, headers, timeoutSeconds * 1000);
  if (res.status !== 200) throw new Error(`GET http://${master}/master/state: ${res.status}`);
  return JSON.parse(res.body) as MasterStateV0;
}

/**
 * Mesos-DNS's zkDetectionTimeout: ZooKeeper must name a leading master within `seconds` of the start
 * and of losing one; otherwise the server ends (its records could only grow staler).
 */
function detectionWatchdog(leader: () => Promise<string>, seconds: number, onFatal: (error: Error) => void): NodeJS.Timeout {
  let lastSeen = Date.now();
  const timer = setInterval(() => {
    // Answered at once while a leader is known.
    void leader().then(() => { lastSeen = Date.now(); });
    if (Date.now() - lastSeen > seconds * 1000) {
      clearInterval(timer);
      onFatal(new Error(`master detection timed out after ${seconds}s (zkDetectionTimeout): ZooKeeper names no leading master`));
    }
  }, 250);
  return timer;
}

/** `promise`'s value, or undefined after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), ms); })]).finally(() => clearTimeout(timer));
}
