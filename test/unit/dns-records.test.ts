// Mesos-DNS's naming rules (records/labels, records/generator.go) on a /master/state document: labels
// under RFC 1123 and RFC 952, the canonical name's hash, IPSources, SRV from ports and DiscoveryInfo,
// masterN; and the configuration's field matching and refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../runtime/dns/config';
import { domainFragment, hashString, rfc1123, rfc952 } from '../../runtime/dns/labels';
import { generateRecords, type MasterStateV0 } from '../../runtime/dns/records';

test('labels: RFC 1123 by default, RFC 952 when enforced; hashes are 5 z-base-32 characters', () => {
  assert.equal(rfc1123('4abc123'), '4abc123');
  assert.equal(rfc952('4abc123'), 'abc123', 'RFC 952 labels do not start with a digit');
  assert.equal(rfc952('-4abc123'), 'abc123');
  assert.equal(rfc952('89fdgsf---gs7-fgs--d7fddg-123'), 'fdgsf---gs7-fgs--d7fddg1', 'what trimming frees is filled from after the cut');
  assert.equal(rfc952('chronos with a space AND MIXED CASE-2.0.1'), 'chronoswithaspaceandmixe');
  assert.equal(rfc952(`hello${'-'.repeat(56)}f`), 'hellof');
  assert.equal(rfc1123('apiserver.myservice'), 'apiserver-myservice');
  assert.equal(domainFragment('pod_123$abc.marathon-0.6.0-dev.mesos', rfc952), 'pod-123abc.marathon-0.dev.mesos');
  assert.equal(domainFragment('pod_123$abc.marathon-0.6.0-dev.mesos', rfc1123), 'pod-123abc.marathon-0.6.0-dev.mesos');
  assert.equal(hashString('test'), 'iffe9');
});

const state: MasterStateV0 = {
  leader: 'master@10.0.0.2:5050',
  slaves: [{ id: '20160107-001256-134875658-5050-27524-S3', pid: 'slave(1)@10.0.0.7:5051' }],
  frameworks: [{
    name: 'marathon', pid: 'scheduler-1@10.0.0.9:30001',
    tasks: [
      { id: 'web.1', name: 'web', slave_id: '20160107-001256-134875658-5050-27524-S3', state: 'TASK_RUNNING', resources: { ports: '[31000-31001]' },
        statuses: [{ state: 'TASK_RUNNING', timestamp: 2, container_status: { network_infos: [{ ip_addresses: [{ ip_address: '172.17.0.5' }] }] } }] },
      { id: 'old.1', name: 'old', slave_id: '20160107-001256-134875658-5050-27524-S3', state: 'TASK_FINISHED' },
      { id: 'db.1', name: 'db', slave_id: '20160107-001256-134875658-5050-27524-S3', state: 'TASK_RUNNING', resources: { ports: '[31002-31002]' },
        discovery: { name: 'store', ports: { ports: [{ number: 9042, name: 'cql', protocol: 'tcp' }] } } },
    ],
  }],
};
const options = { domain: 'mesos', nameserver: 'ns1.mesos.', listener: '127.0.0.1', masters: ['10.0.0.1:5050', '10.0.0.2:5050'], ipSources: ['netinfo', 'mesos', 'host'], enforceRFC952: false, hostIPs: new Map() };

test('records from a state: tasks by IPSources, .slave names, SRV from ports and DiscoveryInfo, masters', () => {
  const rs = generateRecords(state, options);
  const values = (kind: 'A' | 'SRV', name: string) => [...rs[kind].get(name) ?? []].sort();
  assert.deepEqual(values('A', 'web.marathon.mesos.'), ['172.17.0.5'], 'netinfo first');
  assert.deepEqual(values('A', `web-${hashString('web.1')}-s3.marathon.mesos.`), ['172.17.0.5']);
  assert.deepEqual(values('A', 'web.marathon.slave.mesos.'), ['10.0.0.7']);
  assert.deepEqual(values('A', 'db.marathon.mesos.'), [], 'a DiscoveryInfo name replaces the task name');
  assert.deepEqual(values('A', 'store.marathon.mesos.'), ['10.0.0.7'], 'no netinfo: the agent (host)');
  assert.equal(rs.A.has('old.marathon.mesos.'), false, 'only TASK_RUNNING tasks');
  const web = `web-${hashString('web.1')}-s3.marathon.slave.mesos.`;
  assert.deepEqual(values('SRV', '_web._tcp.marathon.mesos.'), [`${web}:31000`, `${web}:31001`]);
  assert.deepEqual(values('SRV', '_web._udp.marathon.slave.mesos.'), [`${web}:31000`, `${web}:31001`]);
  const store = `store-${hashString('db.1')}-s3`;
  assert.deepEqual(values('SRV', '_store._tcp.marathon.mesos.'), [`${store}.marathon.mesos.:9042`]);
  assert.deepEqual(values('SRV', '_cql._store._tcp.marathon.mesos.'), [`${store}.marathon.mesos.:9042`]);
  assert.deepEqual(values('SRV', '_store._tcp.marathon.slave.mesos.'), [`${store}.marathon.slave.mesos.:31002`], 'port resources only under .slave with DiscoveryInfo');
  assert.deepEqual(values('A', 'leader.mesos.'), ['10.0.0.2']);
  assert.deepEqual(values('A', 'master.mesos.'), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(values('A', 'master0.mesos.'), ['10.0.0.1']);
  assert.deepEqual(values('A', 'master1.mesos.'), ['10.0.0.2']);
  assert.deepEqual(values('SRV', '_leader._udp.mesos.'), ['leader.mesos.:5050']);
  assert.deepEqual(values('A', 'marathon.mesos.'), ['10.0.0.9']);
  assert.deepEqual(values('SRV', '_framework._tcp.marathon.mesos.'), ['marathon.mesos.:30001']);
  assert.deepEqual(values('A', 'slave.mesos.'), ['10.0.0.7']);
  assert.deepEqual(values('A', 'ns1.mesos.'), ['127.0.0.1']);

  const hostOnly = generateRecords(state, { ...options, ipSources: ['host'] });
  assert.deepEqual([...hostOnly.A.get('web.marathon.mesos.')!], ['10.0.0.7']);
});

test('configuration: fields match without regard to case; bad ones are refused by name', () => {
  const c = parseConfig([{ ZK: 'zk://127.0.0.1:2181/mesos', refreshseconds: 5, HTTPPORT: 0, ipsources: ['host'] }]);
  assert.equal(c.RefreshSeconds, 5);
  assert.equal(c.HttpPort, 0);
  assert.deepEqual(c.IPSources, ['host']);
  assert.equal(c.SOAMname, 'ns1.mesos.');
  assert.equal(c.Listener, '127.0.0.1');
  const refused = (json: Record<string, unknown>, pattern: RegExp) => assert.throws(() => parseConfig([{ masters: ['10.0.0.1:5050'], ...json }]), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
  refused({ ttl: -1 }, /field 'ttl'/);
  refused({ listener: '0.0.0.0.1' }, /field 'Listener'/);
  refused({ zoneResolvers: { mesos: ['10.0.0.1'] } }, /cannot forward the Mesos domain/);
  refused({ mesosAuthentication: 'iam' }, /field 'mesosAuthentication'/);
  refused({ mesosCredentials: { user: 'x' } }, /unknown field 'mesosCredentials.user'/);
});

test('each instance of an app lists the app-wide names too, whichever instance the state names first', () => {
  const instance = (id: string) => ({ id, name: 'web', slave_id: '20160107-001256-134875658-5050-27524-S3', state: 'TASK_RUNNING', resources: { ports: '[31000-31000]' } });
  const two = { ...state, frameworks: [{ ...state.frameworks![0], tasks: [instance('web.1'), instance('web.2')] }] } as MasterStateV0;
  const tasks = generateRecords(two, { ...options, ipSources: ['host'] }).enumeration.frameworks[0].tasks;
  for (const t of tasks) {
    const names = t.records.map((r) => r.name);
    assert.ok(names.includes('web.marathon.mesos.'), `${t.id}: ${names.join(', ')}`);
    assert.equal(new Set(t.records.map((r) => `${r.name} ${r.host} ${r.rtype}`)).size, t.records.length, 'no record twice');
  }
});
