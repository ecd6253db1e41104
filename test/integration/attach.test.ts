// Attaching to a task's sandbox through the agent's nested-container session API (Mesos'
// LAUNCH_NESTED_CONTAINER_SESSION, ATTACH_CONTAINER_INPUT/OUTPUT, WAIT_/KILL_CONTAINER) on real
// processes: raw HTTP first, then the CLI (`mesolite task exec`), interactive under a real PTY.
// With authentication on: http-auth.test.ts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as pty from 'node-pty';
import { request } from '../../runtime/common/http';
import { containerIdRecord, heartbeatRecord, resizeRecord, stdinRecord } from '../../runtime/common/protocol/attach';
import type { ContainerID } from '../../runtime/common/protocol/v1';
import { isAlive } from '../../runtime/common/process';
import { encodeRecord, RecordIODecoder } from '../../runtime/common/recordio';
import { BUNDLE, commandTask, TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';

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

test('ATTACH_CONTAINER_OUTPUT: another viewer of a session sees its output from then on; its leaving does not end the session', async () => {
  const s = await launch('read line; echo "got $line"; read line; echo "then $line"');
  const viewer = (await launch('', { call: { type: 'ATTACH_CONTAINER_OUTPUT', attach_container_output: { container_id: s.id } } }));
  assert.equal(viewer.status, 200);
  const stdin = input(s.id);
  stdin.send(stdinRecord(Buffer.from('one\n')));
  await waitUntil('the viewer sees it', () => viewer.out() === 'got one\n' || undefined, 5000);
  viewer.drop();
  await viewer.ended;
  stdin.send(stdinRecord(Buffer.from('two\n')));
  await s.ended;
  assert.equal(s.out(), 'got one\nthen two\n');
  assert.equal((await wait(s.id)).exit, 0);
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

// ---- the CLI

interface Ran { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** `mesolite task exec|attach ...` against this cluster; `input` is piped to its stdin (then EOF). */
function cli(args: string[], input?: string, onStdout?: (text: string) => void): Promise<Ran> & { child: ChildProcess } {
  const child = spawn(process.execPath, [BUNDLE, 'task', ...args.slice(0, 1), `--master=${cluster.masterAddress}`, ...args.slice(1)], { stdio: 'pipe' });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c) => { stdout += c; onStdout?.(stdout); });
  child.stderr.on('data', (c) => (stderr += c));
  if (input !== undefined) child.stdin.end(input);
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(done, { child });
}

test('task exec: output, stderr and the exit code of the command (3), 128+n when signal n ended it', async () => {
  const three = await cli(['exec', 'sleeper', '--', 'sh', '-c', 'echo "out $MESOS_TASK_ID"; echo err >&2; exit 3']);
  assert.deepEqual([three.code, three.stdout, three.stderr], [3, 'out sleeper\n', 'err\n']);
  const ok = await cli(['exec', 'sleeper', '--', 'true']);
  assert.equal(ok.code, 0, ok.stderr);
  const killed = await cli(['exec', 'slee', '--', 'sh', '-c', 'kill -TERM $$']);
  assert.equal(killed.code, 128 + 15, killed.stderr);
});

test('task exec -i pipes stdin through and honours its end', async () => {
  const sorted = await cli(['exec', '-i', 'sleeper', '--', 'sort', '-r'], 'a\nc\nb\n');
  assert.deepEqual([sorted.code, sorted.stdout], [0, 'c\nb\na\n']);
  // Without -i, stdin is at its end at once.
  const none = await cli(['exec', 'sleeper', '--', 'wc', '-c']);
  assert.deepEqual([none.code, none.stdout.trim()], [0, '0']);
});

test('task exec names the tasks a prefix matches when it matches several, and says when none does', async () => {
  await runTask('multi-a');
  await runTask('multi-b');
  const several = await cli(['exec', 'multi-', '--', 'true']);
  assert.equal(several.code, 1);
  assert.match(several.stderr, /Multiple tasks match 'multi-':\n {2}multi-a \(TASK_RUNNING\)\n {2}multi-b \(TASK_RUNNING\)/);
  const exact = await cli(['exec', 'multi-a', '--', 'sh', '-c', 'echo $MESOS_TASK_ID']);
  assert.equal(exact.stdout, 'multi-a\n');
  const none = await cli(['exec', 'nothing-like-it', '--', 'true']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /No task matches 'nothing-like-it'/);
});

test('task attach follows a task\'s output until the task ends', async () => {
  await runTask('ticker');
  // The task itself sleeps: lines appended to its sandbox's files stand for what it prints.
  const files = await cluster.executorDirectory(0, scheduler.frameworkId!, 'ticker');
  let seen = false;
  const attached = cli(['attach', 'ticker'], undefined, (out) => { seen ||= out.includes('tick'); });
  // Only what comes after it attached is shown: tick until it shows.
  for (let n = 1; !seen; n++) {
    fs.appendFileSync(path.join(files, 'stdout'), `tick ${n}\n`);
    await new Promise((r) => setTimeout(r, 100));
  }
  fs.appendFileSync(path.join(files, 'stderr'), 'tock\n');
  await waitUntil('stderr followed', async () => undefined, 300).catch(() => undefined);
  await scheduler.kill('ticker', (await cluster.state()).slaves[0].id);
  const ran = await attached;
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^(tick \d+\n)+$/);
  assert.match(ran.stderr, /^tock\n/, 'then what the task printed as it was killed');
});

/** `mesolite task exec -it` in a real terminal (node-pty), typed at like a person would. */
// A test that fails half-way must not leave its session holding the test file open.
const terminals: pty.IPty[] = [];
after(() => { for (const t of terminals) { try { t.kill(); } catch { /* already ended */ } } });

function terminal(args: string[], size = { cols: 101, rows: 33 }) {
  const term = pty.spawn(process.execPath, [BUNDLE, 'task', 'exec', '-it', `--master=${cluster.masterAddress}`, ...args], { ...size, cwd: process.cwd(), env: { ...process.env, TERM: 'xterm' } as Record<string, string> });
  let screen = '';
  term.onData((d) => (screen += d));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  terminals.push(term);
  /** Waits for `pattern` in what came after `from` (default: since the last expect). */
  let mark = 0;
  const expect = async (pattern: RegExp, what: string) => {
    await waitUntil(what, () => pattern.test(screen.slice(mark)) || undefined, 10_000).catch((e) => { throw new Error(`${e.message}; the terminal shows: ${JSON.stringify(screen.slice(mark).slice(-600))}`); });
    mark = screen.length;
  };
  return { term, exited, expect, screen: () => screen };
}

test('task exec -it: a shell with job control in a real terminal; resizes, Ctrl+C of sleep, vi and top, and the exit code', async () => {
  const { term, exited, expect, screen } = terminal(['sleeper', '--', '/bin/bash', '--norc', '-i']);
  await expect(/[$#] $/, 'the prompt');
  term.write('stty size; echo "in $PWD"\r');
  await expect(/33 101/, 'the terminal\'s size');
  assert.ok(screen().includes(`in ${sandbox}`));
  term.resize(120, 40);
  await new Promise((r) => setTimeout(r, 200));
  term.write('stty size\r');
  await expect(/40 120/, 'the new size');
  term.write('sleep 100\r');
  await new Promise((r) => setTimeout(r, 300));
  term.write('\x03');
  term.write('echo "after $((6*7))"\r');
  await expect(/after 42/, 'the prompt back after Ctrl+C');
  term.write('sleep 100 &\r');
  await expect(/\[1\] \d+/, 'a background job');
  term.write('jobs; kill %1\r');
  await expect(/\[1\]\+\s+(Running|Terminated)/, 'job control');
  term.write('vi /tmp/attach-test-$$\r');
  await expect(/\x1b\[\?1049h[\s\S]*~/, 'vi on the alternate screen');
  term.write('\x1b:q!\r');
  await expect(/\x1b\[\?1049l/, 'vi gone');
  term.write('top\r');
  await expect(/load average/, 'top');
  term.write('q');
  // top flushes unread input as it restores the terminal: what is typed before the prompt is back may be lost.
  await expect(/[$#] $/, 'the prompt after top');
  term.write('exit 7\r');
  assert.equal(await exited, 7);
  assert.doesNotMatch(screen(), /no job control/);
  assert.doesNotMatch(screen(), /\r\r\n/, 'lines are ended by the remote terminal only');
});

test('task exec -it: Ctrl-P Ctrl-Q detaches; the command goes with the connection', async () => {
  const { term, exited, expect, screen } = terminal(['sleeper', '--', 'sh', '-c', 'echo "pid $$"; exec sleep 1000']);
  await expect(/pid \d+/, 'the command');
  const pid = Number(/pid (\d+)/.exec(screen())![1]);
  term.write('\x10');
  await new Promise((r) => setTimeout(r, 100));
  term.write('\x11');
  assert.equal(await exited, 0);
  assert.match(screen(), /Detached from sleeper/);
  await waitUntil('the command gone', () => !isAlive(pid) || undefined, 5000);
});
