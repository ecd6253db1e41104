// Docker mode's DNS server: a `dns` container that follows the leader through ZooKeeper and that the
// agents' containers resolve through, so that one app finds another by name from inside its task
// (SRV for the port, A for the address) and reaches it; the host asks it with the real `dig`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from '../../runtime/common/http';
import { MesoliteCluster, type StartedMesoliteCluster } from '../../runtime/cluster/docker';
import { waitUntil } from '../helpers/cluster';
import { dataOf, dig } from '../helpers/dns';

const NAME = `dns-${process.pid}`;
let cluster: StartedMesoliteCluster;

before(async () => {
  cluster = await new MesoliteCluster().withName(NAME).withMasters(1).withAgents(1)
    .withAgentResources('cpus:1;mem:1024;disk:1024;ports:[31000-31100]').withMarathon().start();
});
after(async () => { await cluster?.down(); });

async function get<T>(url: string): Promise<T> {
  const res = await request('GET', url, undefined, {}, 3000);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

/** dig at the cluster's DNS server (its container address, port 53). */
const ask = (name: string, type = 'A') => {
  const [ip] = cluster.info.dns!.address.split(':');
  return dig(53, name, type, [], ip);
};

test('the dns container serves the cluster\'s records; a task resolves another app by name and reaches it', async () => {
  assert.ok(cluster.info.dns, 'the cluster has a DNS server');
  const leader = await cluster.leader();
  await waitUntil('leader.mesos', () => dataOf(ask('leader.mesos').answer, 'A')[0], 30_000);
  assert.deepEqual(dataOf(ask('leader.mesos').answer, 'A'), [leader.ip]);

  const web = { id: '/web', cmd: `exec node -e "require('http').createServer((q, s) => s.end('hello from web')).listen(process.env.PORT0)"`, cpus: 0.1, mem: 64, portDefinitions: [{ port: 0 }] };
  // The client looks web up through the resolver its container has (the agent's), as any program would.
  const lookup = [
    "const dns = require('dns'); const http = require('http');",
    "dns.resolveSrv('_web._tcp.marathon.mesos', (e, srv) => { if (e) { console.log('srv failed', e.code); process.exit(1); }",
    "http.get('http://web.marathon.mesos:' + srv[0].port, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => console.log('client got: ' + b)); })",
    ".on('error', (e) => { console.log('get failed', e.code); process.exit(1); }); });",
  ].join(' ');
  const client = { id: '/client', cmd: `node -e "${lookup}" && exec sleep 3600`, cpus: 0.1, mem: 64, backoffSeconds: 1 };
  for (const app of [web, client]) {
    const created = await request('POST', `${cluster.info.marathon}/v2/apps`, app);
    assert.equal(created.status, 201, created.body);
  }
  await waitUntil('_web._tcp.marathon.mesos', () => dataOf(ask('_web._tcp.marathon.mesos', 'SRV').answer, 'SRV')[0], 60_000);
  const webTask = (await get<{ tasks: Array<{ host: string; ports: number[] }> }>(`${cluster.info.marathon}/v2/apps/web/tasks`)).tasks[0];
  assert.deepEqual(dataOf(ask('web.marathon.mesos').answer, 'A'), [webTask.host], 'the agent\'s address');
  assert.match(dataOf(ask('_web._tcp.marathon.mesos', 'SRV').answer, 'SRV')[0], new RegExp(`^0 1 ${webTask.ports[0]} web-[a-z0-9]{5}-s\\d+\\.marathon\\.mesos\\.$`));

  const agentUrl = cluster.info.agents[0];
  const stdout = await waitUntil('the client\'s output', async () => {
    const state = await get<{ frameworks: Array<{ executors: Array<{ id: string; directory: string }>; completed_executors: Array<{ id: string; directory: string }> }> }>(`${agentUrl}/state`);
    const executors = state.frameworks.flatMap((f) => [...f.executors, ...f.completed_executors]).filter((e) => e.id.startsWith('client.'));
    for (const e of executors) {
      const read = await get<{ data: string }>(`${agentUrl}/files/read?path=${encodeURIComponent(`${e.directory}/stdout`)}&offset=0`);
      if (read.data.includes('client got:')) return read.data;
    }
    return undefined;
  }, 90_000);
  assert.match(stdout, /client got: hello from web/);
  // Names outside the Mesos domain are forwarded (to Docker's resolver): a member's container name resolves.
  assert.deepEqual(dataOf(ask(`mesolite-${NAME}-agent-1`).answer, 'A'), [new URL(agentUrl).hostname]);
});
