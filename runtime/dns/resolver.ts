// Answers one DNS query as Mesos-DNS's resolver does (resolver/resolver.go): names in the Mesos domain
// from the record set (A, AAAA, SRV with the targets' addresses as additionals, SOA and NS in the
// authority section, NXDOMAIN with the SOA for names it has nothing for), answers shuffled, truncated
// to what the transport carries; other names forwarded to the resolvers, or REFUSED when there are none.
import * as dnsPacket from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';
import type { DnsConfig } from './config';
import { emptyRecords, type RecordSet } from './records';
import type { Transport } from './forwarder';

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const UDP_MIN = 512;
/** Queries forwarded at once; beyond, SERVFAIL at once (a flood of outside names must not open sockets without end). */
const MAX_FORWARDING = 256;
const TCP_MAX = 65535;

/** Sends a query elsewhere; resolves with the answer, or rejects when no resolver gave one. */
export type Forward = (query: Buffer, resolvers: string[], transport: Transport) => Promise<Buffer>;

/** A reply made from the query's header alone, for queries that cannot be parsed or answered otherwise. */
function headerReply(query: Buffer, rcode: number): Buffer {
  const reply = Buffer.alloc(12);
  query.copy(reply, 0, 0, 2);
  // QR, the query's opcode and RD; the rcode.
  reply.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x7900) | rcode, 2);
  return reply;
}

const strip = (name: string) => name.replace(/\.$/, '');

export class Resolver {
  records: RecordSet = emptyRecords();
  /** Set once records were generated: until then names in the domain get SERVFAIL (try again), not NXDOMAIN. */
  ready = false;
  private readonly zones: Array<[string, string[]]>;
  private forwarding = 0;

  constructor(readonly config: DnsConfig, private readonly forward: Forward) {
    // The longest zone first: a query goes to the most specific zone that holds it.
    this.zones = Object.entries(config.ZoneResolvers).map(([zone, list]): [string, string[]] => [`.${zone.toLowerCase().replace(/^\.|\.$/g, '')}.`, list])
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The reply to `query`, or undefined to send none (a packet too short to be a query, or a reply). */
  answer(query: Buffer, transport: Transport): Buffer | undefined | Promise<Buffer | undefined> {
    if (query.length < 12 || query[2] & 0x80) return undefined;
    let packet: dnsPacket.DecodedPacket;
    try {
      packet = dnsPacket.decode(query);
    } catch {
      return headerReply(query, RCODE.FORMERR);
    }
    if (((query.readUInt16BE(2) >> 11) & 0xf) !== 0) return headerReply(query, RCODE.NOTIMP);
    const question = packet.questions?.[0];
    if (!question || packet.questions!.length !== 1) return headerReply(query, RCODE.FORMERR);
    const name = `${question.name.toLowerCase().replace(/\.\*/g, '').replace(/\.$/, '')}.`;
    const domain = `${this.config.Domain}.`;
    try {
      if (name === domain || name.endsWith(`.${domain}`)) return this.ready ? this.mesos(packet, name, transport) : headerReply(query, RCODE.SERVFAIL);
    } catch {
      return headerReply(query, RCODE.SERVFAIL);
    }
    return this.external(query, name, transport);
  }

  private async external(query: Buffer, name: string, transport: Transport): Promise<Buffer> {
    const zone = this.zones.find(([z]) => name.endsWith(z) || `.${name}` === z);
    const resolvers = this.config.ExternalOn ? zone?.[1] ?? this.config.Resolvers : [];
    if (resolvers.length === 0) return headerReply(query, RCODE.REFUSED);
    if (this.forwarding >= MAX_FORWARDING) return headerReply(query, RCODE.SERVFAIL);
    this.forwarding++;
    try {
      return await this.forward(query, resolvers, transport);
    } catch {
      return headerReply(query, RCODE.SERVFAIL);
    } finally {
      this.forwarding--;
    }
  }

  private mesos(query: dnsPacket.DecodedPacket, name: string, transport: Transport): Buffer {
    const q = query.questions![0];
    const rs = this.records;
    const ttl = this.config.TTL;
    const answers: Answer[] = [];
    const authorities: Answer[] = [];
    const additionals: Answer[] = [];
    const soa = (): Answer => ({
      name: q.name, type: 'SOA', class: 'IN', ttl,
      data: { mname: strip(this.config.SOAMname), rname: strip(this.config.SOARname), serial: this.config.SOASerial, refresh: this.config.SOARefresh, retry: this.config.SOARetry, expire: this.config.SOAExpire, minimum: this.config.SOAMinttl },
    });
    const addresses = (kind: 'A' | 'AAAA') => { for (const ip of rs[kind].get(name) ?? []) answers.push({ name: strip(name), type: kind, class: 'IN', ttl, data: ip }); };
    const srv = () => {
      const added = new Set<string>();
      for (const target of rs.SRV.get(name) ?? []) {
        const at = target.lastIndexOf(':');
        const host = target.slice(0, at);
        answers.push({ name: q.name, type: 'SRV', class: 'IN', ttl, data: { priority: 0, weight: this.config.SRVRecordDefaultWeight, port: Number(target.slice(at + 1)), target: strip(host) } });
        if (added.has(host)) continue;
        added.add(host);
        for (const kind of ['A', 'AAAA'] as const) {
          const ip = rs[kind].first(host);
          if (ip) additionals.push({ name: strip(host), type: kind, class: 'IN', ttl, data: ip });
        }
      }
    };
    const type = q.type as string;
    if (type === 'SRV' || type === 'ANY') srv();
    if (type === 'A' || type === 'ANY') addresses('A');
    if (type === 'AAAA' || type === 'ANY') addresses('AAAA');
    if (type === 'SOA' || type === 'ANY') authorities.push(soa());
    if (type === 'NS' || type === 'ANY') authorities.push({ name: q.name, type: 'NS', class: 'IN', ttl, data: strip(this.config.SOAMname) });

    let rcode: number = RCODE.NOERROR;
    if (answers.length > 0) {
      shuffle(answers);
    } else if (!['SOA', 'NS', 'SRV'].includes(type)) {
      // NXDOMAIN, or NODATA for a name that has records of other types.
      if (!rs.A.has(name) && !rs.AAAA.has(name) && !rs.SRV.has(name)) rcode = RCODE.NXDOMAIN;
      authorities.push(soa());
    }
    const reply: Packet = {
      id: query.id, type: 'response',
      flags: (query.flags! & 0x7900) | dnsPacket.AUTHORITATIVE_ANSWER | (this.config.RecurseOn ? dnsPacket.RECURSION_AVAILABLE : 0) | rcode,
      questions: query.questions, answers, authorities, additionals,
    };
    return encodeWithin(reply, maxSize(query, transport), this.config.SetTruncateBit);
  }
}

function shuffle<T>(list: T[]): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
}

/** 512 bytes over UDP unless the query's EDNS OPT record offers more; 64 KiB over TCP. */
function maxSize(query: dnsPacket.DecodedPacket, transport: Transport): number {
  if (transport === 'tcp') return TCP_MAX;
  const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return Math.max(UDP_MIN, Math.min(opt?.udpPayloadSize ?? UDP_MIN, TCP_MAX));
}

/** Where replies are encoded (one at a time: answering is synchronous), then copied out at their size. */
const scratch = Buffer.alloc(TCP_MAX + 512);

/** The reply encoded; one too big for `max` is truncated first (see truncate). */
function encodeWithin(reply: Packet, max: number, setTruncateBit: boolean): Buffer {
  // Most replies fit: encode once into the scratch buffer rather than measuring first. One bigger than
  // the buffer fails on a write past its end (every record ends with a checked write).
  try {
    dnsPacket.encode(reply, scratch);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return dnsPacket.encode(truncate(reply, max, setTruncateBit));
  }
  const size = dnsPacket.encode.bytes;
  if (size > max) return dnsPacket.encode(truncate(reply, max, setTruncateBit));
  return Buffer.from(scratch.subarray(0, size));
}

/** Drops the additionals, then answers from the end, until the reply fits; TC tells the client to ask over TCP. */
function truncate(reply: Packet, max: number, setTruncateBit: boolean): Packet {
  const out: Packet = { ...reply, flags: reply.flags! | (setTruncateBit ? dnsPacket.TRUNCATED_RESPONSE : 0), additionals: [] };
  const answers = reply.answers!;
  // A header alone is 12 bytes: what a packet of one answer has beyond that is the answer's size.
  let size = dnsPacket.encodingLength({ ...out, answers: [] });
  let fit = 0;
  while (fit < answers.length && (size += dnsPacket.encodingLength({ answers: [answers[fit]] }) - 12) <= max) fit++;
  return { ...out, answers: answers.slice(0, fit) };
}
