// Mesos-DNS's configuration (docs/configuration-parameters.md): the JSON file's fields, matched without
// regard to case as Mesos-DNS's Go decoder matches them (`refreshSeconds`, `httpport`, `IPSources`),
// the same defaults except where Mesolite binds only 127.0.0.1 and forwards nowhere unless told
// (`listener`, `HTTPListener`, `resolvers`), validated field by field: a bad one is named.
import * as net from 'node:net';

export class ConfigError extends Error {}

/** The configuration under Mesos-DNS's own field names, as GET /v1/config shows it. */
export interface DnsConfig {
  RefreshSeconds: number;
  Port: number;
  Timeout: number;
  StateTimeoutSeconds: number;
  ZkDetectionTimeout: number;
  HttpPort: number;
  TTL: number;
  SRVRecordDefaultWeight: number;
  SOASerial: number;
  SOARefresh: number;
  SOARetry: number;
  SOAExpire: number;
  SOAMinttl: number;
  SOAMname: string;
  SOARname: string;
  Masters: string[];
  ZoneResolvers: Record<string, string[]>;
  Resolvers: string[];
  IPSources: string[];
  Zk: string;
  Domain: string;
  File: string;
  Listener: string;
  HTTPListener: string;
  RecurseOn: boolean;
  DnsOn: boolean;
  HttpOn: boolean;
  ExternalOn: boolean;
  EnforceRFC952: boolean;
  SetTruncateBit: boolean;
  EnumerationOn: boolean;
  MesosAuthentication: string;
  MesosCredentials: { principal: string; secret: string };
}

export const DEFAULT_CONFIG: Omit<DnsConfig, 'SOASerial' | 'File'> = {
  RefreshSeconds: 60, Port: 53, Timeout: 5, StateTimeoutSeconds: 300, ZkDetectionTimeout: 30, HttpPort: 8123, TTL: 60,
  SRVRecordDefaultWeight: 1, SOARefresh: 60, SOARetry: 600, SOAExpire: 86400, SOAMinttl: 60, SOAMname: 'ns1.mesos', SOARname: 'root.ns1.mesos',
  Masters: [], ZoneResolvers: {}, Resolvers: [], IPSources: ['netinfo', 'mesos', 'host'], Zk: '', Domain: 'mesos',
  Listener: '127.0.0.1', HTTPListener: '127.0.0.1', RecurseOn: true, DnsOn: true, HttpOn: true, ExternalOn: true,
  EnforceRFC952: false, SetTruncateBit: true, EnumerationOn: true, MesosAuthentication: '', MesosCredentials: { principal: '', secret: '' },
};

/** Mesos-DNS fields Mesolite does not implement: set to anything but their default, they are refused by name. */
const UNSUPPORTED: Record<string, unknown> = { MesosHTTPSOn: false, CACertFile: '', CertFile: '', KeyFile: '', IAMConfigFile: '' };

export const IP_SOURCES = ['host', 'docker', 'mesos', 'netinfo'];
const DOMAIN = /^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$/;

type Kind = 'uint' | 'string' | 'bool' | 'strings';
const KINDS: Record<keyof typeof DEFAULT_CONFIG, Kind | 'zones' | 'credentials'> = {
  RefreshSeconds: 'uint', Port: 'uint', Timeout: 'uint', StateTimeoutSeconds: 'uint', ZkDetectionTimeout: 'uint', HttpPort: 'uint', TTL: 'uint',
  SRVRecordDefaultWeight: 'uint', SOARefresh: 'uint', SOARetry: 'uint', SOAExpire: 'uint', SOAMinttl: 'uint', SOAMname: 'string', SOARname: 'string',
  Masters: 'strings', ZoneResolvers: 'zones', Resolvers: 'strings', IPSources: 'strings', Zk: 'string', Domain: 'string',
  Listener: 'string', HTTPListener: 'string', RecurseOn: 'bool', DnsOn: 'bool', HttpOn: 'bool', ExternalOn: 'bool',
  EnforceRFC952: 'bool', SetTruncateBit: 'bool', EnumerationOn: 'bool', MesosAuthentication: 'string', MesosCredentials: 'credentials',
};

const fieldOf = (key: string): string | undefined =>
  [...Object.keys(KINDS), ...Object.keys(UNSUPPORTED)].find((f) => f.toLowerCase() === key.toLowerCase());

function typed(field: string, kind: Kind, value: unknown): unknown {
  const bad = (what: string) => new ConfigError(`field '${field}' must be ${what}, got ${JSON.stringify(value)}`);
  switch (kind) {
    case 'uint':
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw bad('a non-negative integer');
      return value;
    case 'string':
      if (typeof value !== 'string') throw bad('a string');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw bad('true or false');
      return value;
    case 'strings':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad('an array of strings');
      return value;
  }
}

/** `json` (a config file's object, then flags given as the same fields) over the defaults, validated. */
export function parseConfig(layers: Array<Record<string, unknown>>, file = ''): DnsConfig {
  const config: Record<string, unknown> = { ...structuredClone(DEFAULT_CONFIG), File: file };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const field = fieldOf(key);
      if (!field) throw new ConfigError(`unknown field '${key}' (the fields are Mesos-DNS's: docs/configuration-parameters.md)`);
      if (field in UNSUPPORTED) {
        if (JSON.stringify(value) !== JSON.stringify(UNSUPPORTED[field])) throw new ConfigError(`field '${key}' is not supported by mesolite dns (HTTPS and IAM to the masters)`);
        continue;
      }
      const kind = KINDS[field as keyof typeof KINDS];
      if (kind === 'zones') config[field] = zones(key, value);
      else if (kind === 'credentials') config[field] = credentials(key, value);
      else config[field] = typed(key, kind, value);
    }
  }
  return validate(config as unknown as DnsConfig);
}

function zones(key: string, value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`field '${key}' must be an object of zone: [resolvers]`);
  for (const [zone, list] of Object.entries(value)) typed(`${key}.${zone}`, 'strings', list);
  return value as Record<string, string[]>;
}

function credentials(key: string, value: unknown): DnsConfig['MesosCredentials'] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`field '${key}' must be an object {principal, secret}`);
  const out = { principal: '', secret: '' };
  for (const [k, v] of Object.entries(value)) {
    const name = (['principal', 'secret'] as const).find((n) => n === k.toLowerCase());
    if (!name) throw new ConfigError(`unknown field '${key}.${k}' (principal, secret)`);
    out[name] = typed(`${key}.${k}`, 'string', v) as string;
  }
  return out;
}

const positive = (c: DnsConfig, field: keyof DnsConfig) => {
  if ((c[field] as number) <= 0) throw new ConfigError(`field '${field}' must be positive, got ${String(c[field])}`);
};

function hostPort(field: string, value: string, defaultPort?: number): string {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  const host = m ? m[1] : defaultPort !== undefined ? value : undefined;
  const port = m ? Number(m[2]) : defaultPort;
  if (host === undefined || port === undefined || !(port > 0 && port <= 65535)) throw new ConfigError(`field '${field}': '${value}' is not HOST:PORT`);
  if (defaultPort !== undefined && !net.isIP(host)) throw new ConfigError(`field '${field}': '${host}' is not an IP address`);
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function unique(field: string, values: string[], normalize: (v: string) => string): void {
  const seen = new Set<string>();
  for (const v of values) {
    const n = normalize(v);
    if (seen.has(n)) throw new ConfigError(`field '${field}': '${v}' is listed twice`);
    seen.add(n);
  }
}

function validate(c: DnsConfig): DnsConfig {
  if (!c.DnsOn && !c.HttpOn) throw new ConfigError("fields 'dnson' and 'httpon' are both false: one of the servers must be on");
  if (c.Masters.length === 0 && !c.Zk) throw new ConfigError("field 'zk' or 'masters' is required: where the Mesos masters are");
  if (c.Zk && !/^zk:\/\/[^/]+\/.+/.test(c.Zk)) throw new ConfigError(`field 'zk' must be zk://host:port[,host:port]/path, got '${c.Zk}'`);
  unique('masters', c.Masters, (m) => hostPort('masters', m));
  unique('resolvers', c.Resolvers, (r) => hostPort('resolvers', r, 53));
  for (const [zone, list] of Object.entries(c.ZoneResolvers)) {
    if (list.length === 0) throw new ConfigError(`field 'zoneResolvers.${zone}' is empty`);
    if (!DOMAIN.test(zone)) throw new ConfigError(`field 'zoneResolvers': '${zone}' is not a domain name`);
    if (zone.toLowerCase() === c.Domain.toLowerCase()) throw new ConfigError(`field 'zoneResolvers': cannot forward the Mesos domain '${zone}'`);
    unique(`zoneResolvers.${zone}`, list, (r) => hostPort(`zoneResolvers.${zone}`, r, 53));
  }
  if (c.IPSources.length === 0) throw new ConfigError("field 'IPSources' is empty");
  for (const s of c.IPSources) if (!IP_SOURCES.includes(s)) throw new ConfigError(`field 'IPSources': invalid IP source '${s}' (${IP_SOURCES.join(', ')})`);
  unique('IPSources', c.IPSources, (s) => s);
  for (const f of ['RefreshSeconds', 'StateTimeoutSeconds', 'Timeout'] as const) positive(c, f);
  for (const f of ['Port', 'HttpPort'] as const) if (c[f] > 65535) throw new ConfigError(`field '${f}' must be a port (0-65535), got ${c[f]}`);
  if (c.SRVRecordDefaultWeight > 65535) throw new ConfigError(`field 'SRVRecordDefaultWeight' must be at most 65535, got ${c.SRVRecordDefaultWeight}`);
  for (const f of ['Listener', 'HTTPListener'] as const) if (!net.isIP(c[f])) throw new ConfigError(`field '${f}' must be an IP address, got '${c[f]}'`);
  if (!['', 'basic'].includes(c.MesosAuthentication)) throw new ConfigError(`field 'mesosAuthentication' must be '' or 'basic' (iam is not supported), got '${c.MesosAuthentication}'`);
  if (c.MesosAuthentication === 'basic' && !c.MesosCredentials.principal) throw new ConfigError("field 'mesosCredentials' needs a principal with mesosAuthentication 'basic'");
  c.Domain = c.Domain.toLowerCase();
  if (!DOMAIN.test(c.Domain)) throw new ConfigError(`field 'domain': '${c.Domain}' is not a valid domain name`);
  c.SOARname = `${c.SOARname.replace(/@/g, '.').replace(/\.+$/, '')}.`;
  c.SOAMname = `${c.SOAMname.replace(/\.+$/, '')}.`;
  c.SOASerial = Math.floor(Date.now() / 1000);
  return c;
}

/** What GET /v1/config shows: everything but the secret. */
export const publicConfig = (c: DnsConfig) => ({ ...c, MesosCredentials: { principal: c.MesosCredentials.principal } });
