// `mesolite up` (process mode) starts `mesolite dns` on a free 127.0.0.1 port, printed by up and
// status; an app deployed to the app framework is found by name (SRV for its port, A for its address)
// and answers there; `down` stops the DNS server with the rest.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isRunning } from '../../runtime/cluster/process';
import { postJson, request } from '../../runtime/common/http';
import { CliHome } from '../helpers/cli';
import { freePort, waitUntil } from '../helpers/cluster';
import { dataOf, dig } from '../helpers/dns';

test('up starts the DNS server; a deployed app resolves by name and answers at what DNS says', async () => {
  const home = new CliHome();
  try {
    const marathonPort = await freePort();
    const up = home.run(['up', '--detach', `--port=${await freePort()}`, `--marathon_port=${marathonPort}`, '--agents=1', '--name=dns']);
    assert.equal(up.status, 0, up.stderr);
    const shown = /dns\s+127\.0\.0\.1:(\d+) \(udp, tcp\)\s+\(dig @127\.0\.0\.1 -p \d+ leader\.mesos; HTTP (http:\/\/127\.0\.0\.1:\d+)\/v1\/enumerate\)/.exec(up.stdout);
    assert.ok(shown, up.stdout);
    const port = Number(shown[1]);
    const status = home.run(['status', '--name=dns']);
    assert.match(status.stdout, new RegExp(`DNS\\s+127\\.0\\.0\\.1:${port} \\(udp, tcp\\)\\s+HTTP ${shown[2]}`));
    assert.deepEqual(dataOf(dig(port, 'leader.mesos').answer, 'A'), ['127.0.0.1']);

    const server = `require('http').createServer((q, s) => s.end('hello from web')).listen(process.env.PORT0, '127.0.0.1')`;
    const deployed = await postJson(`http://127.0.0.1:${marathonPort}/v2/apps`, { id: 'web', cmd: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(server)}`, cpus: 0.1, mem: 32, portDefinitions: [{ port: 0 }] });
    assert.equal(deployed.status, 201, deployed.body);
    const srv = await waitUntil('_web._tcp.marathon.mesos', () => dataOf(dig(port, '_web._tcp.marathon.mesos', 'SRV').answer, 'SRV')[0], 30_000);
    const [, , appPort, target] = srv.split(' ');
    assert.match(target, /^web-[a-z0-9]{5}-s\d+\.marathon\.mesos\.$/, 'the app framework sets DiscoveryInfo: its ports target the canonical name');
    const [address] = dataOf(dig(port, 'web.marathon.mesos').answer, 'A');
    assert.equal(address, '127.0.0.1');
    const answer = await waitUntil('the app to answer', async () => (await request('GET', `http://${address}:${appPort}/`)).body || undefined);
    assert.equal(answer, 'hello from web');

    const pid = (JSON.parse(fs.readFileSync(path.join(home.clusterDir('dns'), 'cluster.json'), 'utf8')) as { pids: { dns: number } }).pids.dns;
    assert.ok(isRunning(pid));
    assert.equal(home.run(['down', '--name=dns']).status, 0);
    assert.equal(isRunning(pid), false, 'down stops the DNS server');
  } finally {
    home.cleanup();
  }
});
