// `mesolite dns` against a real process cluster, asked with Debian's real `dig` and over its HTTP API:
// the leader, master and agent records, a task's A / SRV records (plain, canonical, .slave, from
// DiscoveryInfo) appearing on TASK_RUNNING and gone when the task ends (refreshSeconds is 60, so the
// operator stream is what brings them), NXDOMAIN, forwarding to resolvers or refusing without them,
// truncation to TCP, a bounded fuzz of malformed packets, and configurations refused naming the field.
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { getJson } from '../../runtime/common/http';
import type { Offer, TaskInfo } from '../../runtime/common/protocol/v1';
import { agentIdTail, hashString } from '../../runtime/dns/labels';
import { assertOneLineError, CliHome } from '../helpers/cli';
import { clusterFixture, freePort, onFileEnd, onFileStart, stopDaemon, subscribedScheduler, waitUntil } from '../helpers/cluster';
import { dataOf, dig, startMesosDns, type MesosDns } from '../helpers/dns';

const cluster = clusterFixture({ agents: 2 });
let dns: MesosDns;
/** A second server, for the domain `upstream`, without resolvers: the first forwards to it. */
let upstream: MesosDns;
onFileStart(async () => {
  upstream = await startMesosDns([`--masters=${cluster.masterAddress}`, '--domain=upstream']);
  dns = await startMesosDns([`--masters=${cluster.masterAddress}`, '--refreshSeconds=60', `--resolvers=127.0.0.1:${upstream.port}`]);
});
onFileEnd(async () => { await stopDaemon(dns?.daemon); await stopDaemon(upstream?.daemon); });

/** A task with `count` ports of the offer's first range (and DiscoveryInfo when given). */
function taskWithPorts(offer: Offer, id: string, name: string, count: number, discovery?: unknown): { task: TaskInfo; ports: number[] } {
  const role = offer.allocation_info?.role ?? '*';
  const range = offer.resources.find((r) => r.name === 'ports')!.ranges!.range[0];
  const ports = Array.from({ length: count }, (_, i) => range.begin + i);
  return {
    ports,
    task: {
      name, task_id: { value: id }, agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, allocation_info: { role } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, allocation_info: { role } },
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: ports[0], end: ports[count - 1] }] }, allocation_info: { role } },
      ],
      command: { shell: true, value: 'sleep 300' },
      ...(discovery ? { discovery } : {}),
    },
  };
}

test('leader, master and agent records: A, SRV, SOA and NS; NXDOMAIN; the HTTP API answers the same', async () => {
  assert.deepEqual(dataOf(dig(dns.port, 'leader.mesos').answer, 'A'), ['127.0.0.1']);
  assert.deepEqual(dataOf(dig(dns.port, 'master0.mesos').answer, 'A'), ['127.0.0.1']);
  assert.deepEqual(dataOf(dig(dns.port, 'master.mesos').answer, 'A'), ['127.0.0.1']);
  const leaderSrv = dig(dns.port, '_leader._tcp.mesos', 'SRV');
  assert.deepEqual(dataOf(leaderSrv.answer, 'SRV'), [`0 1 ${cluster.masterPort} leader.mesos.`]);
  assert.deepEqual(dataOf(leaderSrv.additional, 'A'), ['127.0.0.1'], 'the target\'s address comes along');
  assert.deepEqual(dataOf(dig(dns.port, '_leader._udp.mesos', 'SRV').answer, 'SRV'), [`0 1 ${cluster.masterPort} leader.mesos.`]);
  assert.deepEqual(dataOf(dig(dns.port, '_master._tcp.mesos', 'SRV').answer, 'SRV'), [`0 1 ${cluster.masterPort} master0.mesos.`]);
  assert.deepEqual(dataOf(dig(dns.port, 'slave.mesos').answer, 'A'), ['127.0.0.1']);
  assert.deepEqual(dataOf(dig(dns.port, '_slave._tcp.mesos', 'SRV').answer, 'SRV'), cluster.agents.map((a) => `0 1 ${a.port} slave.mesos.`).sort());

  const soa = dig(dns.port, 'mesos', 'SOA');
  assert.equal(soa.status, 'NOERROR');
  assert.ok(soa.flags.includes('aa'), 'authoritative');
  assert.match(dataOf(soa.authority, 'SOA')[0], /^ns1\.mesos\. root\.ns1\.mesos\. \d+ 60 600 86400 60$/);
  assert.deepEqual(dataOf(dig(dns.port, 'mesos', 'NS').authority, 'NS'), ['ns1.mesos.']);
  assert.deepEqual(dataOf(dig(dns.port, 'ns1.mesos').answer, 'A'), ['127.0.0.1'], 'the server\'s own name');

  const unknown = dig(dns.port, 'nothing-here.marathon.mesos');
  assert.equal(unknown.status, 'NXDOMAIN');
  assert.equal(dataOf(unknown.authority, 'SOA').length, 1, 'with the SOA');
  assert.equal(dig(dns.port, 'leader.mesos', 'AAAA').status, 'NOERROR', 'a name with only A records has no AAAA (NODATA, not NXDOMAIN)');
  assert.deepEqual(dataOf(dig(dns.port, 'LEADER.Mesos').answer, 'A'), ['127.0.0.1'], 'names are case-insensitive');
  assert.deepEqual(dataOf(dig(dns.port, 'leader.mesos', 'A', ['+tcp']).answer, 'A'), ['127.0.0.1'], 'over TCP too');

  assert.deepEqual(await getJson(`${dns.http}/v1/hosts/leader.mesos`), [{ host: 'leader.mesos.', ip: '127.0.0.1' }]);
  assert.deepEqual(await getJson(`${dns.http}/v1/services/_leader._tcp.mesos.`), [{ service: '_leader._tcp.mesos.', host: 'leader.mesos.', ip: '127.0.0.1', port: String(cluster.masterPort) }]);
  assert.deepEqual(await getJson(`${dns.http}/v1/hosts/nothing.mesos`), [{ host: '', ip: '' }], 'Mesos-DNS\'s one empty entry');
  assert.deepEqual(await getJson(`${dns.http}/v1/version`), { Service: 'Mesos-DNS', URL: 'https://github.com/mesosphere/mesos-dns', Version: 'mesolite-0.1.0' });
  const config = await getJson<Record<string, unknown>>(`${dns.http}/v1/config`);
  assert.equal(config.Domain, 'mesos');
  assert.equal(config.RefreshSeconds, 60);
  assert.deepEqual(config.Masters, [cluster.masterAddress]);
  assert.equal(config.Port, dns.port);
  assert.equal(config.HttpPort, dns.httpPort);
});

test('names outside the domain: forwarded to the resolvers, refused without them', () => {
  // The first server forwards `upstream` names to the second, over UDP and TCP.
  assert.deepEqual(dataOf(dig(dns.port, 'leader.upstream').answer, 'A'), ['127.0.0.1']);
  assert.deepEqual(dataOf(dig(dns.port, '_leader._tcp.upstream', 'SRV', ['+tcp']).answer, 'SRV'), [`0 1 ${cluster.masterPort} leader.upstream.`]);
  // The second has no resolvers: whatever is not its domain is refused.
  assert.equal(dig(upstream.port, 'leader.mesos').status, 'REFUSED');
  assert.equal(dig(upstream.port, 'example.com').status, 'REFUSED');
});

test('a task\'s records appear once it is TASK_RUNNING (from the operator stream) and go when it ends', async (t) => {
  const scheduler = await subscribedScheduler(t, cluster, { name: 'Test.Framework', hostname: '127.0.0.1' });
  const offer = (await scheduler.offers())[0];
  const web = taskWithPorts(offer, 'web.1', 'api.server', 2);
  const db = taskWithPorts(offer, 'db.1', 'db', 1, { visibility: 'FRAMEWORK', name: 'store', ports: { ports: [{ number: 9042, name: 'cql', protocol: 'tcp' }] } });
  db.task.resources![2].ranges!.range = [{ begin: web.ports[1] + 1, end: web.ports[1] + 1 }];
  await scheduler.launch(offer, [web.task, db.task]);
  await scheduler.status('web.1', 'TASK_RUNNING');
  await scheduler.status('db.1', 'TASK_RUNNING');

  // Dots in the task name become '-'; the framework name keeps its dots; all lower case.
  const name = 'api-server.test.framework.mesos';
  await waitUntil(`${name} to resolve`, () => dig(dns.port, name).status === 'NOERROR' || undefined);
  assert.deepEqual(dataOf(dig(dns.port, name).answer, 'A'), ['127.0.0.1']);
  const canonical = `api-server-${hashString('web.1')}-${agentIdTail(offer.agent_id.value)}.test.framework.mesos`;
  assert.deepEqual(dataOf(dig(dns.port, canonical).answer, 'A'), ['127.0.0.1'], 'the canonical name');
  assert.deepEqual(dataOf(dig(dns.port, 'api-server.test.framework.slave.mesos').answer, 'A'), ['127.0.0.1'], 'the agent\'s address');
  const srv = dig(dns.port, '_api-server._tcp.test.framework.mesos', 'SRV');
  assert.deepEqual(dataOf(srv.answer, 'SRV'), web.ports.map((p) => `0 1 ${p} ${canonical.replace('.mesos', '.slave.mesos')}.`).sort(), 'one per port, targeting the canonical .slave name');
  assert.deepEqual(dataOf(srv.additional, 'A'), ['127.0.0.1']);
  assert.equal(dataOf(dig(dns.port, '_api-server._udp.test.framework.slave.mesos', 'SRV').answer, 'SRV').length, 2);
  assert.deepEqual(dataOf(dig(dns.port, 'test.framework.mesos').answer, 'A'), ['127.0.0.1'], 'the framework\'s own name (its FrameworkInfo.hostname)');

  // DiscoveryInfo: its name, its ports (and named ports) target the canonical name in the framework's domain.
  const store = `store-${hashString('db.1')}-${agentIdTail(offer.agent_id.value)}.test.framework.mesos`;
  assert.deepEqual(dataOf(dig(dns.port, '_store._tcp.test.framework.mesos', 'SRV').answer, 'SRV'), [`0 1 9042 ${store}.`]);
  assert.deepEqual(dataOf(dig(dns.port, '_cql._store._tcp.test.framework.mesos', 'SRV').answer, 'SRV'), [`0 1 9042 ${store}.`]);
  assert.equal(dig(dns.port, '_store._udp.test.framework.mesos', 'SRV').answer.length, 0, 'a tcp port is not served as udp');

  // The HTTP API answers the same.
  assert.deepEqual(await getJson(`${dns.http}/v1/hosts/${name}`), [{ host: `${name}.`, ip: '127.0.0.1' }]);
  const services = await getJson<Array<{ port: string; host: string; ip: string }>>(`${dns.http}/v1/services/_api-server._tcp.test.framework.mesos`);
  assert.deepEqual(services.map((s) => s.port).sort(), web.ports.map(String).sort());
  const enumeration = await getJson<{ frameworks: Array<{ name: string; tasks: Array<{ id: string; records: Array<{ name: string; rtype: string }> }> }> }>(`${dns.http}/v1/enumerate`);
  const listed = enumeration.frameworks.find((f) => f.name === 'Test.Framework')!.tasks.find((x) => x.id === 'web.1')!;
  assert.ok(listed.records.some((r) => r.name === `${name}.` && r.rtype === 'A'));

  await scheduler.kill('web.1');
  await scheduler.status('web.1', 'TASK_KILLED');
  await waitUntil(`${name} to be gone`, () => dig(dns.port, name).status === 'NXDOMAIN' || undefined);
  assert.equal(dig(dns.port, '_api-server._tcp.test.framework.mesos', 'SRV').answer.length, 0);
  assert.deepEqual(await getJson(`${dns.http}/v1/hosts/${name}`), [{ host: '', ip: '' }]);
  assert.equal(dig(dns.port, '_store._tcp.test.framework.mesos', 'SRV').answer.length, 1, 'the other task stays');
});

test('an answer too big for UDP is truncated (TC) and comes whole over TCP', async (t) => {
  const scheduler = await subscribedScheduler(t, cluster, { name: 'wide' });
  const offer = (await scheduler.offers())[0];
  const { task } = taskWithPorts(offer, 'wide.1', 'wide', 40);
  await scheduler.launch(offer, [task]);
  await scheduler.status('wide.1', 'TASK_RUNNING');
  await waitUntil('the task\'s records', () => dig(dns.port, 'wide.wide.mesos').status === 'NOERROR' || undefined);
  const udp = dig(dns.port, '_wide._tcp.wide.mesos', 'SRV', ['+noedns', '+ignore']);
  assert.ok(udp.flags.includes('tc'), `truncated: ${udp.output}`);
  assert.ok(udp.answer.length < 40);
  assert.equal(dig(dns.port, '_wide._tcp.wide.mesos', 'SRV', ['+tcp']).answer.length, 40);
});

test('a bounded fuzz of malformed packets over UDP and TCP leaves the server answering', async () => {
  const valid = Buffer.from('123401000001000000000000066c6561646572056d65736f730000010001', 'hex'); // leader.mesos A
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const packets: Buffer[] = [Buffer.alloc(0), Buffer.alloc(1), Buffer.alloc(12), Buffer.from('ffff', 'hex')];
  for (let i = 0; i < 1500; i++) {
    const p = Buffer.from(valid);
    const kind = i % 5;
    if (kind === 0) packets.push(Buffer.from(Array.from({ length: Math.floor(random() * 600) }, () => Math.floor(random() * 256))));
    else if (kind === 1) packets.push(p.subarray(0, Math.floor(random() * p.length)));
    else if (kind === 2) { p[Math.floor(random() * p.length)] = Math.floor(random() * 256); packets.push(p); }
    else if (kind === 3) { p.writeUInt16BE(Math.floor(random() * 65536), 4 + 2 * Math.floor(random() * 4)); packets.push(p); }
    else packets.push(Buffer.concat([p.subarray(0, 12), Buffer.from('c00c', 'hex'), p.subarray(12)])); // a compression pointer to itself
  }
  const socket = dgram.createSocket('udp4');
  for (const [i, p] of packets.entries()) {
    await new Promise<void>((r) => socket.send(p, dns.port, '127.0.0.1', () => r()));
    if (i % 100 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  socket.close();
  // TCP: garbage, a length larger than what follows, then the connection dropped.
  for (const bytes of [Buffer.from('00ff0102', 'hex'), Buffer.from('0005ffffffffff', 'hex'), packets[7]]) {
    await new Promise<void>((resolve) => {
      const c = net.connect(dns.port, '127.0.0.1', () => c.end(bytes));
      c.on('close', () => resolve());
      c.on('error', () => resolve());
      c.resume();
    });
  }
  assert.equal(dns.daemon.process.exitCode, null, 'still running');
  assert.deepEqual(dataOf(dig(dns.port, 'leader.mesos').answer, 'A'), ['127.0.0.1']);
  assert.deepEqual(dataOf(dig(dns.port, 'leader.mesos', 'A', ['+tcp']).answer, 'A'), ['127.0.0.1']);
  assert.deepEqual(await getJson(`${dns.http}/v1/hosts/leader.mesos`), [{ host: 'leader.mesos.', ip: '127.0.0.1' }]);
});

test('with zk, a server whose ZooKeeper names no leader within zkDetectionTimeout exits, as Mesos-DNS does', async () => {
  const home = new CliHome();
  try {
    const nobody = `zk://127.0.0.1:${await freePort()}/mesos`;
    const r = home.run(['dns', `--zk=${nobody}`, '--zkDetectionTimeout=1', `--port=${await freePort()}`, `--httpport=${await freePort()}`, '--quiet'], 20_000);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /master detection timed out after 1s \(zkDetectionTimeout\)/);
  } finally {
    home.cleanup();
  }
});

test('a bad configuration is refused naming the field', () => {
  const home = new CliHome();
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-dns-config-'));
    const refused = (config: unknown, pattern: RegExp, flags: string[] = []) => {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
      assertOneLineError(home.run(['dns', `--config=${file}`, ...flags]), pattern);
    };
    const masters = ['127.0.0.1:5050'];
    refused({ masters, refreshSeconds: '10' }, /field 'refreshSeconds' must be a non-negative integer/);
    refused({ masters, refreshSeconds: 0 }, /field 'RefreshSeconds' must be positive/);
    refused({ masters, IPSources: ['netinfo', 'dhcp'] }, /field 'IPSources': invalid IP source 'dhcp'/);
    refused({ masters, resolvers: ['not-an-ip'] }, /field 'resolvers': 'not-an-ip' is not an IP address/);
    refused({ masters, domain: 'bad_domain!' }, /field 'domain'/);
    refused({ masters, dnson: false, httpon: false }, /'dnson' and 'httpon'/);
    refused({ masters: ['127.0.0.1'] }, /field 'masters': '127.0.0.1' is not HOST:PORT/);
    refused({ refreshSeconds: 5 }, /field 'zk' or 'masters' is required/);
    refused({ masters, refreshSecs: 5 }, /unknown field 'refreshSecs'/);
    refused({ masters, CACertFile: '/ca.pem' }, /field 'CACertFile' is not supported/);
    refused('{"masters": [', /is not JSON/);
    refused({ masters }, /field 'port' must be a non-negative integer/, ['--port=-1']);
    refused({ masters }, /field 'Port' must be a port/, ['--port=70000']);
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    home.cleanup();
  }
});
