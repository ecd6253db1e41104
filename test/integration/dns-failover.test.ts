// `mesolite dns --zk`: the leading master comes from ZooKeeper (a real server, two masters), and when
// the leader is killed the leader records follow the new one (both masters run on 127.0.0.1, so the
// port of _leader._tcp tells them apart).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson } from '../../runtime/common/http';
import { freePort, onTestEnd, startDaemon, stopDaemon, waitUntil, type Daemon } from '../helpers/cluster';
import { dataOf, dig, startMesosDns } from '../helpers/dns';
import { ZooKeeperServer } from '../helpers/zookeeper';

test('a master failover moves leader.mesos (and _leader._tcp) to the new leader', async (t) => {
  const zk = await ZooKeeperServer.start();
  onTestEnd(t, () => zk.stop());
  const masters: Array<{ port: number; daemon: Daemon }> = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const daemon = startDaemon(['master', '--ip=127.0.0.1', `--port=${port}`, `--zk=${zk.url()}`, '--quorum=1', '--zk_session_timeout=2secs', '--allocation_interval=100ms']);
    masters.push({ port, daemon });
    onTestEnd(t, () => stopDaemon(daemon));
  }
  const first = await waitUntil('a leader', async () => {
    const state = await getJson<{ leader?: string }>(`http://127.0.0.1:${masters[0].port}/master/state`);
    return state.leader ? Number(state.leader.split(':').pop()) : undefined;
  }, 30_000);

  const dns = await startMesosDns([`--zk=${zk.url()}`, '--refreshSeconds=60']);
  onTestEnd(t, () => stopDaemon(dns.daemon));
  const leaderSrv = () => dataOf(dig(dns.port, '_leader._tcp.mesos', 'SRV').answer, 'SRV');
  await waitUntil('the leader\'s records', () => leaderSrv().length > 0 || undefined);
  assert.deepEqual(leaderSrv(), [`0 1 ${first} leader.mesos.`]);
  assert.deepEqual(dataOf(dig(dns.port, 'leader.mesos').answer, 'A'), ['127.0.0.1']);
  assert.deepEqual(dataOf(dig(dns.port, '_master._tcp.mesos', 'SRV').answer, 'SRV'), [`0 1 ${first} master0.mesos.`], 'the leader from ZooKeeper is master0');

  const old = masters.find((m) => m.port === first)!;
  await stopDaemon(old.daemon, 'SIGKILL');
  const second = masters.find((m) => m.port !== first)!.port;
  // The survivor leads once ZooKeeper expires the old leader's session; refreshSeconds is 60: the
  // operator stream reconnecting to the new leader is what regenerates the records.
  await waitUntil('_leader._tcp to name the new leader', () => leaderSrv()[0] === `0 1 ${second} leader.mesos.` || undefined, 30_000);
  assert.deepEqual(await getJson(`${dns.http}/v1/services/_leader._tcp.mesos`), [{ service: '_leader._tcp.mesos', host: 'leader.mesos.', ip: '127.0.0.1', port: String(second) }]);
});
