// Hostile input against the master and an agent, as a probe on 127.0.0.1 found it: bodies that would
// break the daemon that kept them, numbers out of range, memory a client could pin, slow clients, and a
// bounded fuzz of hostile bodies, headers and paths. The daemons keep serving a normal client throughout.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { getJson, openStream, postJson, request } from '../../runtime/common/http';
import { seededRandom } from '../../runtime/master/allocator/hierarchical';
import { clusterFixture, commandTask, subscribedScheduler, waitUntil } from '../helpers/cluster';
import { deepArray, hostileBody, rawExchange, rawPost, rssMiB } from '../helpers/hostile';

const cluster = clusterFixture({ agents: 1 });

const schedulerUrl = () => `${cluster.masterUrl}/api/v1/scheduler`;
const json = { 'Content-Type': 'application/json' };
const subscribeText = (info: string) => `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"hostile",${info}}}}`;
const alive = () => {
  assert.equal(cluster.master!.process.exitCode, null, `the master exited: ${cluster.master!.log.join('').slice(-2000)}`);
  assert.equal(cluster.agents[0].daemon!.process.exitCode, null, 'the agent exited');
};

test('deep nesting is refused before any handler; an unknown field never reaches state, the registry or the failover timer', async () => {
  const deep = await rawPost(schedulerUrl(), Buffer.from(subscribeText(`"x":${deepArray(10_000)}`)), json);
  assert.equal(deep.status, 400);
  assert.match(deep.body, /'subscribe\.framework_info\.x(\[0\])+' nests deeper than 64 levels/);

  // Unknown but shallow: accepted, and dropped at the codec, so the removal that saves the registry is safe.
  const events: Array<Record<string, any>> = [];
  const stream = await openStream(schedulerUrl(), JSON.parse(subscribeText(`"failover_timeout":0.2,"x":${deepArray(40)},"labels":{"labels":[{"key":"k","value":"v","extra":[[1]]}]}`)), (e) => events.push(e));
  const frameworkId = await waitUntil('SUBSCRIBED', () => events.find((e) => e.type === 'SUBSCRIBED')?.subscribed.framework_id.value as string | undefined);
  const frameworks = JSON.parse((await cluster.operator({ type: 'GET_FRAMEWORKS' })).body).get_frameworks.frameworks;
  const info = frameworks.find((f: any) => f.framework_info.id.value === frameworkId).framework_info;
  assert.equal(info.x, undefined);
  assert.deepEqual(info.labels, { labels: [{ key: 'k', value: 'v' }] });
  stream.close();
  await waitUntil('the framework removed after its failover timeout', async () => (await cluster.state()).completed_frameworks.some((f) => f.id === frameworkId));
  alive();
  for (const type of ['GET_STATE', 'GET_FRAMEWORKS']) assert.equal((await cluster.operator({ type })).status, 200, type);
});

test('numbers out of range, invalid UTF-8 and oversized fields are refused naming the field', async () => {
  const cases: Array<[Buffer | string, RegExp]> = [
    [subscribeText('"failover_timeout":1e400'), /'subscribe\.framework_info\.failover_timeout' is a number out of range/],
    ['{"type":"DECLINE","framework_id":{"value":"f"},"decline":{"offer_ids":[],"filters":{"refuse_seconds":-1e999}}}', /'decline\.filters\.refuse_seconds' is a number out of range/],
    [Buffer.concat([Buffer.from(subscribeText('"hostname":"')), Buffer.from([0xc3, 0x28]), Buffer.from('"}}}')]), /not valid UTF-8/],
    [subscribeText(`"principal":"${'p'.repeat(70 * 1024)}"`), /'subscribe\.framework_info' is larger than 65536 bytes/],
    [JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n'.repeat(7 * 1024 * 1024) } } }), /'subscribe\.framework_info\.name' is longer than 4194304 characters/],
  ];
  for (const [body, message] of cases) {
    const r = await rawPost(schedulerUrl(), Buffer.from(body), json);
    assert.equal(r.status, 400, String(body).slice(0, 200));
    assert.match(r.body, message);
  }
  const quota = await postJson(`${cluster.masterUrl}/api/v1`, { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'r', weight: 1 }] } });
  assert.equal(quota.status, 200, quota.body);
  const weight = await rawPost(`${cluster.masterUrl}/api/v1`, Buffer.from('{"type":"UPDATE_WEIGHTS","update_weights":{"weight_infos":[{"role":"r","weight":1e400}]}}'), json);
  assert.equal(weight.status, 400);
  assert.match(weight.body, /weight_infos\[0\]\.weight' is a number out of range/);
  alive();
});

test('slow and oversized requests are cut off and their connections closed', async () => {
  const port = cluster.masterPort;
  const [slowHeaders, endlessBody, tooLarge] = await Promise.all([
    // Slowloris: a header line every 200 ms, never the blank line.
    rawExchange(port, 'GET /master/state HTTP/1.1\r\nHost: x\r\n', () => 'X-Slow: 1\r\n'),
    // A chunked body that never ends.
    rawExchange(port, 'POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n', () => '1\r\n \r\n'),
    rawExchange(port, `POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${9 * 1024 * 1024}\r\n\r\n{`, () => ' '.repeat(4096)),
  ]);
  assert.match(slowHeaders, /^(HTTP\/1\.1 408|$)/, 'headers that never end get 408 or a closed connection');
  assert.match(endlessBody, /^(HTTP\/1\.1 408|$)/, 'a body that never ends gets 408 or a closed connection');
  assert.match(tooLarge, /^HTTP\/1\.1 413/);
  assert.match(tooLarge, /\r\nConnection: close\r\n/i);
  alive();
});

test('unfinished bodies cannot pin memory beyond the in-flight budget: the rest are refused 503 and closed', async () => {
  const pid = cluster.master!.process.pid!;
  const start = rssMiB(pid);
  const size = 8 * 1024 * 1024;
  const partial = Buffer.alloc(size - 1, 0x20);
  let during = 0;
  setTimeout(() => { during = rssMiB(pid); }, 1500);
  const answers = await Promise.all(Array.from({ length: 40 }, () => new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(cluster.masterPort, '127.0.0.1', () => {
      socket.write(`POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
      socket.write(partial);
    });
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    // The clients that were not refused hold their bodies unfinished for 2 s, then leave.
    setTimeout(() => socket.destroy(), 2000);
  })));
  const refused = answers.filter((a) => a.startsWith('HTTP/1.1 503')).length;
  await new Promise((r) => setTimeout(r, 1000));
  const end = rssMiB(pid);
  console.log(`master RSS: ${start} MiB before, ${during} MiB with 40 unfinished 8 MiB bodies (${refused} refused 503), ${end} MiB after they left`);
  assert.ok(refused === 40 - 4, `bodies beyond the in-flight budget are refused: ${refused} of 40`);
  assert.ok(during < start + 200, `memory held by unfinished bodies is bounded: ${start} -> ${during} MiB`);
  assert.equal((await request('GET', `${cluster.masterUrl}/health`)).status, 200);
  alive();
});

test('fuzz: hostile bodies, headers and paths against every API never get a 5xx (but 503) or stop a daemon', async (t) => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
  console.log(`fuzz seeds: 20261205 and ${seed} (FUZZ_SEED=${seed} repeats the second)`);
  const s = await subscribedScheduler(t, cluster, { name: 'normal-client' });
  const fid = { value: s.frameworkId! };
  const agent = cluster.agents[0].url;
  const targets: Array<{ url: string; call: unknown; headers?: Record<string, string> }> = [
    { url: schedulerUrl(), call: { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', labels: { labels: [{ key: 'k', value: 'v' }] } } } } },
    { url: schedulerUrl(), call: { framework_id: fid, type: 'DECLINE', decline: { offer_ids: [{ value: 'o' }], filters: { refuse_seconds: 1 } } }, headers: { 'Mesos-Stream-Id': s.streamId! } },
    { url: schedulerUrl(), call: { framework_id: fid, type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { user: 'u', name: 'n', id: fid } } }, headers: { 'Mesos-Stream-Id': s.streamId! } },
    { url: `${cluster.masterUrl}/api/v1`, call: { type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'q', guarantees: { cpus: { value: 1 } } }] } } },
    { url: `${cluster.masterUrl}/api/v1`, call: { type: 'GET_TASKS' } },
    { url: `${cluster.masterUrl}/master/machine/down`, call: [{ hostname: 'h', ip: '10.0.0.1' }] },
    { url: `${cluster.masterUrl}/internal/v1/agent`, call: { type: 'PONG', agent_id: { value: 'a' } } },
    { url: `${agent}/api/v1`, call: { type: 'GET_CONTAINERS' } },
    { url: `${agent}/api/v1/executor`, call: { framework_id: fid, executor_id: { value: 'e' }, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_RUNNING', uuid: 'AAAAAAAAAAAAAAAAAAAAAA==' } } } },
  ];
  const paths = ['/files/read?path=/etc/passwd&offset=0', '/files/read?path=../../etc/passwd', '/files/browse?path=%00', '/files/download?path=/proc/self/environ',
    `/master/state?x=${'a'.repeat(20_000)}`, '/%2e%2e/%2e%2e/etc/passwd', '/metrics/snapshot?jsonp=<script>', '/api/v1?type=GET_STATE', '/master/tasks?limit=1e400&offset=-1'];
  const pids = { master: cluster.master!.process.pid!, agent: cluster.agents[0].daemon!.process.pid! };
  const start = { master: rssMiB(pids.master), agent: rssMiB(pids.agent) };
  const statuses = new Map<number, number>();
  const count = (status: number, what: string) => {
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    assert.ok(status > 0 && (status < 500 || status === 503), `${what} answered ${status}`);
  };
  // A normal client keeps being served meanwhile.
  const normal = (async () => {
    for (let i = 0, from = 0; ; i++) {
      const [offer] = await s.offers(from);
      from = s.events.length;
      if (i === 3) return s.decline([offer.id.value]);
      await s.launch(offer, [commandTask(offer, `normal-${i}`, 'true')]);
      await s.status(`normal-${i}`, 'TASK_FINISHED');
    }
  })();
  for (const [k, random] of [seededRandom(20261205), seededRandom(seed)].entries()) {
    for (let i = 0; i < 150; i++) {
      const target = targets[i % targets.length];
      const body = hostileBody(random, target.call);
      const headers: Record<string, string> = { 'Content-Type': random() < 0.9 ? 'application/json' : 'application/json; charset=\u00ff', ...(target.headers ?? {}) };
      if (random() < 0.1) headers['Mesos-Stream-Id'] = 'x'.repeat(Math.floor(random() * 8000));
      count((await rawPost(target.url, body, headers)).status, `seed ${k} call ${i} to ${target.url}: ${body.toString('latin1').slice(0, 200)}`);
    }
    for (const p of paths) {
      for (const base of [cluster.masterUrl, agent]) count((await request('GET', base + p)).status, `GET ${base}${p.slice(0, 100)}`);
    }
  }
  await normal;
  const end = { master: rssMiB(pids.master), agent: rssMiB(pids.agent) };
  console.log(`fuzz: ${JSON.stringify(Object.fromEntries(statuses))}; RSS master ${start.master} -> ${end.master} MiB, agent ${start.agent} -> ${end.agent} MiB`);
  assert.ok((statuses.get(400) ?? 0) > 150, 'most hostile bodies are refused with 400');
  assert.ok(end.master < start.master + 150 && end.agent < start.agent + 150, 'memory stays bounded');
  alive();
  const state = await getJson<{ frameworks: unknown[] }>(`${cluster.masterUrl}/master/state`);
  assert.ok(Buffer.byteLength(JSON.stringify(state)) < 2 * 1024 * 1024, '/master/state stays small');
});
