// Hostile input against the app framework (issue 22): bodies nested past the reader's bound, unknown
// and oversized fields, non-finite and absurd numbers, over-long ids, versions without end, a state
// store that cannot write, and a seeded fuzz of all of it. Each time the process must stay up, answer
// 4xx (or 503 for what it could not persist), keep nothing it was not meant to keep, and go on serving.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { clusterFixture, onFileEnd, waitUntil } from '../helpers/cluster';
import { MarathonDaemon, marathonFixture, type ApiResponse } from '../helpers/marathon';

// One small agent: whatever a hostile body manages to launch stays small.
const cluster = clusterFixture({ agents: 1, agentResources: () => 'cpus:1;mem:512;disk:1000;ports:[33000-33099]' });
const marathon = marathonFixture(cluster);
/** Daemons some tests start besides: stopped with the file, before the shared one and the cluster. */
const extra: MarathonDaemon[] = [];
onFileEnd(async () => { for (const m of extra) await m.stop(); });

/** JSON text of an array nested `depth` deep (built as text: the test's own JSON.stringify would overflow too). */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** Refused bodies ask for more cpus than the agent has: even if one were accepted, nothing would launch. */
const UNLAUNCHABLE = { cmd: 'sleep 3600', cpus: 100, mem: 8 };
const CHEAP = { cmd: 'sleep 3600', cpus: 0.01, mem: 8 };

function assertAlive(m: MarathonDaemon): void {
  const child = m.daemon!.process;
  assert.equal(child.exitCode, null, `marathon exited: ${m.logs().slice(-2000)}`);
  assert.equal(child.signalCode, null);
  process.kill(child.pid!, 0);
}

function rssMiB(m: MarathonDaemon): number {
  const status = fs.readFileSync(`/proc/${m.daemon!.process.pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

/** A normal client's deploy: launch, run, remove. */
async function normalDeploy(m: MarathonDaemon, id: string): Promise<void> {
  const created = await m.api('POST', '/v2/apps', { id, ...CHEAP });
  assert.equal(created.status, 201, created.text);
  await m.running(`/${id}`, 1);
  const removed = await m.api('DELETE', `/v2/apps/${id}?force=true`);
  assert.equal(removed.status, 200, removed.text);
  await m.deploymentDone(removed.body.deploymentId);
}

function assertRefused(res: ApiResponse, status: number, pathPattern: RegExp, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.text.slice(0, 500)}`);
  assert.ok(res.body.details.some((d: { path: string }) => pathPattern.test(d.path)), `${what}: ${pathPattern} in ${res.text.slice(0, 500)}`);
}

/** Waits until the state file holds the framework's latest write (it coalesces writes). */
async function savedState(m: MarathonDaemon, probe: (state: string) => boolean): Promise<string> {
  return waitUntil('the state file', () => {
    const state = fs.readFileSync(path.join(m.workDir, 'state.json'), 'utf8');
    return probe(state) ? state : undefined;
  });
}

describe('hostile app definitions', () => {
  test('an extra field nested 10,000 or 70 deep is 400 Invalid JSON at its Marathon path; 60 deep it is ignored; the process stays up', async () => {
    for (const depth of [10_000, 70]) {
      const res = await marathon.api('POST', '/v2/apps', `{"id":"deep-${depth}","cmd":"sleep 1","x":${nested(depth)}}`);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.message, 'Invalid JSON');
      assert.match(res.body.details[0].path, /^\/x\(0\)\(0\)/, 'Marathon writes array elements as (n)');
    }
    const accepted = await marathon.api('POST', '/v2/apps', `{"id":"deep-60","cmd":"sleep 1","instances":0,"x":${nested(60)}}`);
    assert.equal(accepted.status, 201, accepted.text);
    assert.equal(accepted.body.x, undefined, 'an unknown field is not kept');
    await savedState(marathon, (s) => s.includes('/deep-60'));
    assertAlive(marathon);
    assert.equal((await marathon.api('GET', '/v2/apps')).status, 200);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/deep-60')).body.deploymentId);
  });

  test('labels and constraints nested or oversized are 422 naming the field, with a bounded answer', async () => {
    const label = await marathon.api('POST', '/v2/apps', `{"id":"deep-label","cmd":"sleep 1","labels":{"a":${nested(50)}}}`);
    assertRefused(label, 422, /^\/labels\/a$/, 'nested label');
    const constraint = await marathon.api('POST', '/v2/apps', `{"id":"deep-constraint","cmd":"sleep 1","constraints":[${nested(50)}]}`);
    assertRefused(constraint, 422, /^\/constraints\(0\)/, 'nested constraint');
    // A refused 300 KiB value is named, not echoed back.
    const echo = await marathon.api('POST', '/v2/apps', { id: 'echo', cmd: 'sleep 1', labels: { a: ['x'.repeat(300 * 1024)] } });
    assertRefused(echo, 422, /^\/labels\/a$/, 'oversized label');
    assert.ok(echo.text.length < 4096, `422 of ${echo.text.length} characters`);
    assertAlive(marathon);
  });

  test('unknown fields, top-level or nested, never reach the stored state (6 MiB of them, then 3 PUTs)', async () => {
    const junk = 'j'.repeat(1536 * 1024);
    const app = (env: Record<string, string>) => ({
      id: 'junk', ...CHEAP, instances: 0, env, junk,
      portDefinitions: [{ port: 0, junk }], healthChecks: [{ protocol: 'COMMAND', command: { value: 'true', junk }, junk }],
    });
    const created = await marathon.api('POST', '/v2/apps', app({}));
    assert.equal(created.status, 201, created.text.slice(0, 500));
    assert.equal(created.body.junk, undefined);
    assert.equal(created.body.portDefinitions[0].junk, undefined);
    assert.equal(created.body.healthChecks[0].junk, undefined);
    assert.equal(created.body.healthChecks[0].command.junk, undefined);
    for (let i = 0; i < 3; i++) {
      const put = await marathon.api('PUT', '/v2/apps/junk', app({ ROUND: String(i) }));
      assert.equal(put.status, 200, put.text.slice(0, 500));
      await marathon.deploymentDone(put.body.deploymentId);
    }
    const state = await savedState(marathon, (s) => s.includes('"ROUND":"2"'));
    assert.ok(!state.includes('jjjj'), 'no unknown field in the state');
    assert.ok(state.length < 256 * 1024, `state of ${state.length} bytes`);
    const versions = (await marathon.api('GET', '/v2/apps/junk/versions')).body.versions as string[];
    assert.equal(versions.length, 4);
    assert.equal((await marathon.api('GET', `/v2/apps/junk/versions/${versions[3]}`)).body.junk, undefined);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/junk')).body.deploymentId);
  });

  test('non-finite and absurd numbers are refused naming the field, wherever numbers are read', async () => {
    const created = await marathon.api('POST', '/v2/apps', { id: 'num', ...CHEAP, instances: 0 });
    assert.equal(created.status, 201, created.text);
    await marathon.deploymentDone(created.headers['marathon-deployment-id'] as string);
    const app = (fields: Record<string, unknown>) => ({ id: 'refused', ...UNLAUNCHABLE, ...fields });
    const cases: Array<[method: string, route: string, body: unknown, status: number, path: RegExp]> = [
      ['POST', '/v2/apps', '{"id":"refused","cmd":"sleep 1","instances":1e400}', 400, /^\/instances$/],
      ['POST', '/v2/apps', '{"id":"refused","cmd":"sleep 1","cpus":-1e400}', 400, /^\/cpus$/],
      ['POST', '/v2/apps', app({ instances: 1_000_000 }), 422, /^\/instances$/],
      ['POST', '/v2/apps', app({ instances: 2.5 }), 422, /^\/instances$/],
      ['POST', '/v2/apps', app({ instances: -1 }), 422, /^\/instances$/],
      ['POST', '/v2/apps', app({ cpus: -1 }), 422, /^\/cpus$/],
      ['POST', '/v2/apps', app({ mem: -0.5 }), 422, /^\/mem$/],
      ['POST', '/v2/apps', app({ disk: -5 }), 422, /^\/disk$/],
      ['POST', '/v2/apps', app({ gpus: 1.5 }), 422, /^\/gpus$/],
      ['POST', '/v2/apps', app({ ports: [70000] }), 422, /^\/ports\(0\)$/],
      ['POST', '/v2/apps', app({ portDefinitions: [{ port: 0 }, { port: 65536 }] }), 422, /^\/portDefinitions\(1\)\/port$/],
      ['POST', '/v2/apps', app({ backoffFactor: 0.5 }), 422, /^\/backoffFactor$/],
      ['POST', '/v2/apps', app({ backoffSeconds: 2 ** 31 }), 422, /^\/backoffSeconds$/],
      ['POST', '/v2/apps', app({ maxLaunchDelaySeconds: 1e12 }), 422, /^\/maxLaunchDelaySeconds$/],
      ['POST', '/v2/apps', app({ taskKillGracePeriodSeconds: 1e300 }), 422, /^\/taskKillGracePeriodSeconds$/],
      ['POST', '/v2/apps', app({ healthChecks: [{ protocol: 'TCP', intervalSeconds: 1e10 }] }), 422, /^\/healthChecks\(0\)\/intervalSeconds$/],
      ['PUT', '/v2/apps/num', { instances: 1_000_000 }, 422, /^\/instances$/],
      ['PATCH', '/v2/apps/num', { instances: -1 }, 422, /^\/instances$/],
      ['PUT', '/v2/apps/num', '{"instances":1e400}', 400, /^\/instances$/],
      ['POST', '/v2/groups', { id: 'numbers', apps: [app({ id: 'a', instances: 1e9 })] }, 422, /^\/apps\(0\)\/instances$/],
      ['POST', '/v2/groups', { id: 'numbers', groups: [{ id: 'inner', apps: [app({ id: 'a', cpus: -1 })] }] }, 422, /^\/groups\(0\)\/apps\(0\)\/cpus$/],
      ['POST', '/v2/groups', { id: 7 }, 422, /^\/id$/],
      ['POST', '/v2/groups', { id: 'numbers', apps: 'none' }, 422, /^\/apps$/],
      ['POST', '/v2/groups', { id: 'numbers', groups: [{ id: ['x'] }] }, 422, /^\/groups\(0\)\/id$/],
      ['PUT', '/v2/groups/numbers', '{"apps":[{"id":"a","cmd":"sleep 1","mem":1e400}]}', 400, /^\/apps\(0\)\/mem$/],
      ['POST', '/v2/tasks/delete', '{"ids":[1e400]}', 400, /^\/ids\(0\)$/],
      ['POST', '/v2/tasks/delete', { ids: 5 }, 422, /^\/ids$/],
    ];
    for (const [method, route, body, status, pathPattern] of cases) {
      assertRefused(await marathon.api(method, route, body), status, pathPattern, `${method} ${route} ${JSON.stringify(body).slice(0, 120)}`);
    }
    // Query flags are booleans: anything but "true" is false, never an error.
    for (const query of ['scale=1e400', 'force=-1', 'wipe=%00']) {
      const res = await marathon.api('DELETE', `/v2/apps/num/tasks?${query}`);
      assert.equal(res.status, 200, `${query}: ${res.text}`);
    }
    const ids = ((await marathon.api('GET', '/v2/apps')).body.apps as Array<{ id: string }>).map((a) => a.id);
    assert.ok(!ids.some((id) => id.startsWith('/refused') || id.startsWith('/numbers')), ids.join(', '));
    assert.equal((await marathon.app('/num')).instances, 0);
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/num')).body.deploymentId);
    assertAlive(marathon);
  });

  test('ids, definitions and versions are bounded: 422 for a long id or a definition over 512 KiB; --zk_max_versions', async () => {
    // Task ids (`<id>.<uuid>`) name directories on the agents: 255 bytes at most.
    assertRefused(await marathon.api('POST', '/v2/apps', { id: 'a'.repeat(10_000), ...UNLAUNCHABLE }), 422, /^\/id$/, '10,000-character id');
    assertRefused(await marathon.api('POST', '/v2/apps', { id: 'b'.repeat(219), ...UNLAUNCHABLE }), 422, /^\/id$/, '219-character id');
    assertRefused(await marathon.api('POST', '/v2/groups', { id: 'g'.repeat(200), apps: [{ id: 'a'.repeat(30), ...UNLAUNCHABLE }] }), 422, /^\/apps\(0\)\/id$/, 'long id in a group');
    // A group without apps too: its id would come back in a Location header larger than clients read (fuzz seed 1829283140).
    assertRefused(await marathon.api('POST', '/v2/groups', { id: 's'.repeat(700_000) }), 422, /^\/id$/, 'a 700,000-character group id');
    const longest = await marathon.api('POST', '/v2/apps', { id: 'c'.repeat(218), ...CHEAP, instances: 0 });
    assert.equal(longest.status, 201, longest.text);
    await marathon.deploymentDone((await marathon.api('DELETE', `/v2/apps/${'c'.repeat(218)}`)).body.deploymentId);

    const big = await marathon.api('POST', '/v2/apps', { id: 'big', ...UNLAUNCHABLE, cmd: `echo ${'x'.repeat(600 * 1024)}` });
    assertRefused(big, 422, /^\/$/, '600 KiB definition');
    assert.match(big.body.details[0].errors[0], /524288/);

    const limited = await MarathonDaemon.start(cluster.masterAddress, ['--zk_max_versions=3']);
    extra.push(limited);
    assert.equal((await limited.api('POST', '/v2/apps', { id: 'versioned', ...CHEAP, instances: 0 })).status, 201);
    for (let i = 0; i < 5; i++) {
      const put = await limited.api('PUT', '/v2/apps/versioned', { env: { ROUND: String(i) } });
      assert.equal(put.status, 200, put.text);
      await limited.deploymentDone(put.body.deploymentId);
    }
    const versions = (await limited.api('GET', '/v2/apps/versioned/versions')).body.versions as string[];
    assert.equal(versions.length, 3);
    assert.equal((await limited.app('/versioned')).version, versions[0], 'newest first, the current one kept');
    assert.equal(Number((await limited.api('GET', '/v2/info')).body.zookeeper_config.zk_max_versions), 3, 'Marathon reports --zk_max_versions in zookeeper_config');
    await limited.stop();
  });

  test('a state write that fails is logged and answered 503, the change undone; the process keeps serving', async () => {
    const m = await MarathonDaemon.start(cluster.masterAddress);
    extra.push(m);
    assert.equal((await m.api('POST', '/v2/apps', { id: 'steady', ...CHEAP, instances: 0 })).status, 201);
    // Waits for offers that never fit: every offer round writes the state in the background.
    assert.equal((await m.api('POST', '/v2/apps', { id: 'waiting', ...UNLAUNCHABLE })).status, 201);
    await savedState(m, (s) => s.includes('/waiting'));
    // A directory where the store writes its temporary file: every write fails (EISDIR), even as root.
    const blocker = path.join(m.workDir, 'state.json.tmp');
    fs.mkdirSync(blocker);
    try {
      const refused = await m.api('POST', '/v2/apps', { id: 'unsaved', ...CHEAP, instances: 0 });
      assert.equal(refused.status, 503, refused.text);
      assert.match(refused.body.message, /persist/);
      assert.equal((await m.api('GET', '/v2/apps/unsaved')).status, 404, 'the refused app is not kept');
      const put = await m.api('PUT', '/v2/apps/steady', { env: { CHANGED: 'yes' } });
      assert.equal(put.status, 503, put.text);
      assert.deepEqual((await m.app('/steady')).env, {}, 'the refused change is undone');
      // Offer rounds (decline_offer_duration 2 s) keep failing to write in the background meanwhile.
      await new Promise((r) => setTimeout(r, 5000));
      assertAlive(m);
      assert.match(m.logs(), /Saving the framework state .* failed/);
      assert.equal((await m.api('GET', '/v2/apps')).status, 200);
    } finally {
      fs.rmSync(blocker, { recursive: true, force: true });
    }
    const saved = await m.api('POST', '/v2/apps', { id: 'unsaved', ...CHEAP, instances: 0 });
    assert.equal(saved.status, 201, saved.text);
    await savedState(m, (s) => s.includes('/unsaved'));
    await m.stop();
  });
});

describe('event stream', () => {
  test('a subscriber that never reads is dropped once 16 MiB of events wait for it; the framework keeps serving', async () => {
    const before = rssMiB(marathon);
    const subscriber = net.connect(marathon.port, '127.0.0.1');
    subscriber.write('GET /v2/events HTTP/1.1\r\nHost: marathon\r\nAccept: text/event-stream\r\n\r\n');
    subscriber.pause();
    let ended = false;
    subscriber.on('close', () => { ended = true; });
    subscriber.on('error', () => { ended = true; });
    // Each PUT publishes about 1.5 MB of events (api_post_event, deployment_* carry the 200 KiB definition).
    const env = { BIG: 'e'.repeat(200 * 1024) };
    assert.equal((await marathon.api('POST', '/v2/apps', { id: 'chatty', ...CHEAP, instances: 0, env })).status, 201);
    for (let i = 0; i < 40; i++) {
      const put = await marathon.api('PUT', '/v2/apps/chatty?force=true', { env: { ...env, ROUND: String(i) } });
      assert.equal(put.status, 200, put.text.slice(0, 300));
    }
    const during = rssMiB(marathon);
    // Reading what was sent before the drop reaches its end; a subscriber still attached would never end.
    let received = 0;
    subscriber.on('data', (chunk: Buffer) => { received += chunk.length; });
    subscriber.resume();
    await waitUntil('the server to end the unread stream', () => ended, 10_000);
    console.log(`event stream: ${(received / 2 ** 20).toFixed(1)} MiB read before the end; marathon RSS ${before.toFixed(1)} MiB before, ${during.toFixed(1)} MiB after 40 PUTs (about 60 MB of events)`);
    assertAlive(marathon);
    await marathon.deploymentDone();
    await marathon.deploymentDone((await marathon.api('DELETE', '/v2/apps/chatty')).body.deploymentId);
  });
});

// ---- Fuzz ---------------------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so that a failing body can be regenerated from its seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = ['id', 'cmd', 'args', 'instances', 'cpus', 'mem', 'disk', 'gpus', 'env', 'labels', 'constraints', 'ports', 'portDefinitions',
  'healthChecks', 'readinessChecks', 'backoffFactor', 'backoffSeconds', 'upgradeStrategy', 'dependencies', 'container', 'fetch', 'apps', 'groups', 'ids', 'extra'];
const NUMBERS = ['1e400', '-1e400', '1e308', '-0', '0.0000001', '9007199254740993', '-1', '2147483648', '65536', '1.5', '0', '10001'];

/** One hostile body: JSON text (sometimes broken, sometimes not UTF-8) in the shape of an app, a group or a kill. */
function hostileBody(random: () => number, n: number): string | Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const value = (depth: number): string => {
    switch (Math.floor(random() * 10)) {
      case 0: return nested(1 + Math.floor(random() * 100));
      case 1: return JSON.stringify('s'.repeat(Math.floor(random() ** 4 * 700_000)));
      case 2: return pick(NUMBERS);
      case 3: return pick(['null', 'true', '""', '[]', '{}', '"UNIQUE"', '"fz"', '"/fz/../.."']);
      case 4: return depth > 3 ? '1' : `[${Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1)).join(',')}]`;
      case 5: return depth > 3 ? '2' : object(depth + 1);
      case 6: return `{${Array.from({ length: 2000 }, (_, i) => `"k${i}":"v"`).join(',')}}`;
      case 7: return `[${Array.from({ length: 3000 }, () => '["hostname","UNIQUE"]').join(',')}]`;
      default: return JSON.stringify(pick(['sleep 1', 'fz', 'a'.repeat(300), '\u0000', '\ud800']));
    }
  };
  const object = (depth: number): string => {
    const fields = Array.from({ length: 1 + Math.floor(random() * 5) }, () => `"${pick(FIELDS)}":${value(depth)}`);
    return `{${fields.join(',')}}`;
  };
  const app = () => `{"id":"fz${n}","cmd":"sleep 1","cpus":100,${object(0).slice(1)}`;
  switch (Math.floor(random() * 8)) {
    case 0: return app().slice(0, Math.floor(random() * 60));
    case 1: return Buffer.concat([Buffer.from('{"id":"fz","cmd":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    case 2: return `{"id":"fz${n}","id":${value(0)},"cmd":"sleep 1","cpus":100}`;
    case 3: return pick(['', 'null', '[]', '"x"', '1e400', nested(65)]);
    case 4: return `{"id":"fz${n}","apps":[${app()},${app()}],"groups":[${object(1)}]}`;
    default: return app();
  }
}

const TARGETS: Array<[string, (n: number) => string]> = [
  ['POST', () => '/v2/apps'], ['PUT', (n) => `/v2/apps/fz${n % 5}`], ['PATCH', (n) => `/v2/apps/fz${n % 5}`],
  ['POST', () => '/v2/groups'], ['PUT', (n) => `/v2/groups/fzg${n % 3}`], ['POST', () => '/v2/tasks/delete?scale=true'],
];

describe('fuzz', () => {
  test('~250 hostile bodies (seed 22, plus a random seed): no 5xx but 503, no crash, a normal client served, RSS bounded', async () => {
    await normalDeploy(marathon, 'warmup');
    const before = rssMiB(marathon);
    const seeds = [22, Math.floor(Math.random() * 2 ** 31)];
    console.log(`fuzz seeds: ${seeds.join(', ')} (the second is random; rerun with it to reproduce)`);
    const statuses = new Map<number, number>();
    for (const [s, seed] of seeds.entries()) {
      const random = generator(seed);
      for (let n = 0; n < (s === 0 ? 200 : 50); n++) {
        const body = hostileBody(random, n);
        const [method, route] = TARGETS[Math.floor(random() * TARGETS.length)];
        const res = await marathon.api(method, route(n), body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const what = `seed ${seed} #${n}: ${method} ${route(n)} ${body.toString().slice(0, 200)}`;
        assert.ok(res.status < 500 || res.status === 503, `${what} -> ${res.status} ${res.text.slice(0, 500)}`);
        if (res.status >= 400) assert.equal(typeof res.body.message, 'string', `${what} -> ${res.text.slice(0, 200)}`);
        if (n % 10 === 0) {
          assert.equal((await marathon.api('GET', '/v2/apps')).status, 200, what);
          assertAlive(marathon);
        }
      }
    }
    console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    // Whatever the fuzz created goes; a normal deploy still works.
    const cleared = await marathon.api('DELETE', '/v2/groups?force=true');
    assert.ok([200, 404].includes(cleared.status), cleared.text);
    await marathon.deploymentDone();
    await normalDeploy(marathon, 'after-fuzz');
    assertAlive(marathon);
    const afterMiB = rssMiB(marathon);
    console.log(`marathon RSS: ${before.toFixed(1)} MiB before the fuzz, ${afterMiB.toFixed(1)} MiB after`);
    assert.ok(afterMiB < 2 * before + 50, `RSS grew from ${before.toFixed(1)} to ${afterMiB.toFixed(1)} MiB`);
  });
});
