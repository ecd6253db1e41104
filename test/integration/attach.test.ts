// Attaching to a task's sandbox through the agent's nested-container session API (Mesos'
// LAUNCH_NESTED_CONTAINER_SESSION, ATTACH_CONTAINER_INPUT/OUTPUT, WAIT_/KILL_CONTAINER) on real
// processes: raw HTTP first, then the CLI (`mesolite task exec`), interactive under a real PTY.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, test } from 'node:test';
import { request } from '../../runtime/common/http';
import { containerIdRecord, heartbeatRecord, resizeRecord, stdinRecord } from '../../runtime/common/protocol/attach';
import type { ContainerID } from '../../runtime/common/protocol/v1';
import { isAlive } from '../../runtime/common/process';
import { encodeRecord, RecordIODecoder } from '../../runtime/common/recordio';
import { commandTask, TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';

let cluster: TestCluster;
let scheduler: TestScheduler;
let agentApi: string;
/** The container of task `sleeper` (PORT0 in its environment). */
let container: ContainerID;
let sandbox: string;

before(async () => {
  cluster = await TestCluster.start({ agents: 1, agentFlags: ['--http_heartbeat_interval=200ms'] });
  agentApi = `${cluster.agents[0].url}/api/v1`;
  scheduler = new TestScheduler(cluster.masterAddress);
  await scheduler.subscribe();
  container = await runTask('sleeper');
  sandbox = await cluster.executorDirectory(0, scheduler.frameworkId!, 'sleeper');
});
after(async () => {
  await scheduler?.teardown().catch(() => undefined);
  await cluster?.stop();
});

/** Events before this one hold offers used already. */
let unusedOffers = 0;

async function runTask(id: string): Promise<ContainerID> {
  const event = await scheduler.next('OFFERS', () => true, 20_000, unusedOffers);
  unusedOffers = scheduler.events.indexOf(event) + 1;
  const [offer] = event.offers.offers;
  const task = commandTask(offer, id, 'sleep 1000');
  task.command!.environment = { variables: [{ name: 'PORT0', value: '31234' }] };
  await scheduler.launch(offer, [task]);
  return (await scheduler.status(id, 'TASK_RUNNING')).container_status!.container_id!;
}

interface Launched {
  status: number;
  id: ContainerID;
  headers: http.IncomingHttpHeaders;
  out: () => string;
  err: () => string;
  heartbeats: () => number;
  /** Resolves when the output stream ends. */
  ended: Promise<void>;
  /** The response body of a refusal. */
  body: string;
  drop(): void;
}

let sessions = 0;

/** LAUNCH_NESTED_CONTAINER_SESSION: resolves once the answer's headers came. */
function launch(command: string, options: { tty?: { rows: number; columns: number }; parent?: ContainerID; headers?: Record<string, string>; call?: unknown } = {}): Promise<Launched> {
  const id = { parent: options.parent ?? container, value: `session-${++sessions}` };
  const call = options.call ?? {
    type: 'LAUNCH_NESTED_CONTAINER_SESSION',
    launch_nested_container_session: { container_id: id, command: { value: command }, ...(options.tty ? { container: { type: 'MESOS', tty_info: { window_size: options.tty } } } : {}) },
  };
  return new Promise((resolve, reject) => {
    const req = http.request(agentApi, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', Accept: 'application/recordio', 'Message-Accept': 'application/json', ...options.headers } }, (res) => {
      let out = '', err = '', heartbeats = 0, body = '';
      const decoder = new RecordIODecoder();
      const ended = new Promise<void>((done) => res.on('close', done));
      res.on('data', (chunk: Buffer) => {
        if (res.statusCode !== 200) { body += chunk; return; }
        for (const record of decoder.decode(chunk)) {
          const io = JSON.parse(record.toString());
          if (io.type === 'CONTROL') heartbeats++;
          else if (io.data.type === 'STDOUT') out += Buffer.from(io.data.data, 'base64');
          else err += Buffer.from(io.data.data, 'base64');
        }
      });
      const launched: Launched = { status: res.statusCode!, id, headers: res.headers, out: () => out, err: () => err, heartbeats: () => heartbeats, ended, body: '', drop: () => req.destroy() };
      if (res.statusCode === 200) resolve(launched);
      else res.on('end', () => resolve({ ...launched, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(call));
  });
}

/** An ATTACH_CONTAINER_INPUT stream: records go out as they are given; `answer` is the agent's reply. */
function input(id: ContainerID, headers: Record<string, string> = {}) {
  let resolveAnswer!: (a: { status: number; body: string }) => void;
  const answer = new Promise<{ status: number; body: string }>((r) => (resolveAnswer = r));
  const req = http.request(agentApi, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/recordio', 'Message-Content-Type': 'application/json', ...headers } }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => resolveAnswer({ status: res.statusCode!, body }));
  });
  req.on('error', () => undefined);
  req.write(encodeRecord(containerIdRecord(id)));
  return { answer, send: (record: unknown) => req.write(encodeRecord(record)), raw: (bytes: Buffer) => req.write(bytes), end: () => req.end(), drop: () => req.destroy() };
}

async function wait(id: ContainerID, type = 'WAIT_CONTAINER'): Promise<{ status: number; body: string; exit?: number }> {
  const field = type.toLowerCase();
  const res = await request('POST', agentApi, { type, [field]: { container_id: id } });
  return { status: res.status, body: res.body, exit: res.status === 200 ? JSON.parse(res.body)[field].exit_status : undefined };
}

const agentAlive = async () => assert.equal((await request('POST', agentApi, { type: 'GET_HEALTH' })).status, 200);

test('a session runs in the task\'s sandbox with its environment; stdout and stderr apart; exit status 3 and 0', async () => {
  const s = await launch('pwd; echo "$MESOS_TASK_ID $PORT0 $MESOS_SANDBOX"; echo oops >&2; exit 3');
  assert.equal(s.status, 200);
  assert.equal(s.headers['content-type'], 'application/recordio');
  assert.equal(s.headers['message-content-type'], 'application/json');
  await s.ended;
  assert.equal(s.out(), `${sandbox}\nsleeper 31234 ${sandbox}\n`);
  assert.equal(s.err(), 'oops\n');
  assert.equal((await wait(s.id)).exit, 3 << 8);
  const ok = await launch('true');
  await ok.ended;
  assert.equal((await wait(ok.id, 'WAIT_NESTED_CONTAINER')).exit, 0);
});

test('a session killed by a signal reports it as its wait status; heartbeats come every --http_heartbeat_interval', async () => {
  const s = await launch('sleep 1000');
  await waitUntil('two heartbeats', () => s.heartbeats() >= 2 || undefined, 5000);
  const killed = await request('POST', agentApi, { type: 'KILL_CONTAINER', kill_container: { container_id: s.id, signal: 15 } });
  assert.equal(killed.status, 200, killed.body);
  await s.ended;
  assert.equal((await wait(s.id)).exit, 15);
  const again = await request('POST', agentApi, { type: 'KILL_NESTED_CONTAINER', kill_nested_container: { container_id: s.id } });
  assert.equal(again.status, 404);
  assert.match(again.body, /cannot be found \(or is already killed\)/);
});

test('stdin is piped through and an empty STDIN record is EOF', async () => {
  const s = await launch('cat; echo done');
  const stdin = input(s.id);
  stdin.send(stdinRecord(Buffer.from('hello\n')));
  stdin.send(heartbeatRecord(30_000));
  stdin.send(stdinRecord(Buffer.from('world')));
  stdin.send(stdinRecord(Buffer.alloc(0)));
  await s.ended;
  assert.equal(s.out(), 'hello\nworld' + 'done\n');
  assert.equal((await stdin.answer).status, 200);
  assert.equal((await wait(s.id)).exit, 0);
});

test('with a TTY: `stty size` follows TTY_INFO resizes, all output is STDOUT, EOT ends the shell', async () => {
  const s = await launch('/bin/sh', { tty: { rows: 30, columns: 100 } });
  const stdin = input(s.id);
  stdin.send(stdinRecord(Buffer.from('stty size; echo to-stderr >&2\n')));
  await waitUntil('the first size', () => s.out().includes('30 100') || undefined, 5000);
  stdin.send(resizeRecord({ rows: 40, columns: 120 }));
  stdin.send(stdinRecord(Buffer.from('stty size\n')));
  await waitUntil('the new size', () => s.out().includes('40 120') || undefined, 5000);
  assert.match(s.out(), /to-stderr/);
  assert.equal(s.err(), '');
  stdin.send(stdinRecord(Buffer.from([0x04])));
  await s.ended;
  assert.equal((await wait(s.id)).exit, 0);
  assert.equal((await stdin.answer).status, 200);
});

test('a command that writes up to its end loses nothing of it, with and without a TTY', async () => {
  for (const tty of [undefined, { rows: 24, columns: 80 }]) {
    const s = await launch('seq 1 100000; echo END', { tty });
    await s.ended;
    assert.match(s.out(), /\r?\n100000\r?\nEND\r?\n$/, tty ? 'tty' : 'pipes');
  }
});

test('a second input stream gets 409 while the first is attached', async () => {
  const s = await launch('cat');
  const first = input(s.id);
  first.send(stdinRecord(Buffer.from('a\n')));
  await waitUntil('the first input', () => s.out() === 'a\n' || undefined, 5000);
  const second = await input(s.id).answer;
  assert.equal(second.status, 409);
  assert.match(second.body, /Multiple input connections are not allowed/);
  first.send(stdinRecord(Buffer.alloc(0)));
  await s.ended;
});

test('dropping the launching connection kills the session and every process it started', async () => {
  const s = await launch('sleep 1000 & echo "bg $!"; (setsid sleep 1000 & echo "setsid $!"); echo "lead $$"; wait');
  await waitUntil('the pids', () => /lead \d+/.test(s.out()) || undefined, 5000);
  const pids = [...s.out().matchAll(/(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(pids.length, 3);
  assert.ok(pids.every(isAlive));
  s.drop();
  await waitUntil('every process gone', () => pids.every((p) => !isAlive(p)) || undefined, 5000);
  assert.equal((await wait(s.id)).exit, 9);
});

test('killing the task ends its sessions and their processes', async () => {
  const parent = await runTask('doomed');
  const s = await launch('echo "pid $$"; exec sleep 1000', { parent, tty: { rows: 24, columns: 80 } });
  await waitUntil('its pid', () => /pid \d+/.test(s.out()) || undefined, 5000);
  const pid = Number(/pid (\d+)/.exec(s.out())![1]);
  await scheduler.kill('doomed', (await cluster.state()).slaves[0].id);
  await scheduler.status('doomed', 'TASK_KILLED');
  await s.ended;
  await waitUntil('the session\'s process gone', () => !isAlive(pid) || undefined, 2000);
  const late = await launch('true', { parent });
  assert.equal(late.status, 400);
  assert.match(late.body, new RegExp(`Parent container ${parent.value} (has no running task|does not exist)`));
});

test('refusals name what is wrong and the agent keeps serving', async () => {
  const unknown = await launch('true', { parent: { value: 'no-such-container' } });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /Parent container no-such-container does not exist/);
  const noParent = await launch('', { call: { type: 'LAUNCH_NESTED_CONTAINER_SESSION', launch_nested_container_session: { container_id: { value: 'x' }, command: { value: 'true' } } } });
  assert.equal(noParent.status, 400);
  assert.match(noParent.body, /Expecting 'launch_nested_container_session\.container_id\.parent' to be present/);
  const badId = await launch('', { call: { type: 'LAUNCH_NESTED_CONTAINER_SESSION', launch_nested_container_session: { container_id: { parent: container, value: '../x' }, command: { value: 'true' } } } });
  assert.equal(badId.status, 400);
  assert.match(badId.body, /container_id\.value' '\.\.\/x' contains invalid characters/);
  const notAttached = await input({ parent: container, value: 'nobody' }).answer;
  assert.equal(notAttached.status, 404);
  assert.match(notAttached.body, /Container .*nobody cannot be found/);
  assert.equal((await wait({ parent: container, value: 'nobody' })).status, 404);

  const s = await launch('cat');
  const bad = input(s.id);
  bad.send({ type: 'ATTACH_CONTAINER_INPUT', attach_container_input: { type: 'PROCESS_IO', process_io: { type: 'DATA', data: { type: 'STDOUT', data: '' } } } });
  const refused = await bad.answer;
  assert.equal(refused.status, 400);
  assert.match(refused.body, /'process_io\.data\.type' must be one of STDIN/);
  const garbage = input(s.id);
  garbage.raw(Buffer.from('12x\n{}'));
  assert.equal((await garbage.answer).status, 400);
  const huge = input(s.id);
  huge.raw(Buffer.from(`${2 * 1024 * 1024}\n`));
  const tooBig = await huge.answer;
  assert.equal(tooBig.status, 400);
  assert.match(tooBig.body, /exceeds the limit/);
  const json = await request('POST', agentApi, { type: 'ATTACH_CONTAINER_INPUT', attach_container_input: { type: 'CONTAINER_ID', container_id: s.id } });
  assert.equal(json.status, 415);
  s.drop();
  await s.ended;
  await agentAlive();
});
