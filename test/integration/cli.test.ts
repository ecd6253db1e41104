// The mesolite CLI as people run it: up / status / execute / down, daemon flags and MESOS_* variables.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { processesUnder } from '../../runtime/cluster/process';
import { getJson, postJson } from '../../runtime/common/http';
import { BUNDLE, freePort, waitUntil } from '../helpers/cluster';

function mesolite(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

test('up --detach, status, execute, down: a whole session leaves no process behind', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-home-'));
  const env = { MESOLITE_HOME: home };
  const port = await freePort();
  const marathonPort = await freePort();
  const chronosPort = await freePort();
  try {
    const up = mesolite(['up', '--detach', '--agents=2', `--port=${port}`, `--marathon_port=${marathonPort}`, `--chronos_port=${chronosPort}`, '--name=cli-test'], env);
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`master\\s+http://127\\.0\\.0\\.1:${port}`));
    assert.match(up.stdout, /agent-2/);
    assert.match(up.stdout, new RegExp(`marathon\\s+http://127\\.0\\.0\\.1:${marathonPort}`));
    assert.match(up.stdout, new RegExp(`chronos\\s+http://127\\.0\\.0\\.1:${chronosPort}`));
    const job = await postJson(`http://127.0.0.1:${chronosPort}/v1/scheduler/iso8601`, { name: 'from-cli', command: 'true', schedule: 'R1//PT1H', cpus: 0.1, mem: 16, disk: 1 });
    assert.equal(job.status, 204, job.body);
    await waitUntil('the job to run', async () => (await getJson<{ successCount: number }>(`http://127.0.0.1:${chronosPort}/v1/scheduler/job/from-cli`)).successCount === 1 || undefined);
    const deployed = await postJson(`http://127.0.0.1:${marathonPort}/v2/apps`, { id: 'from-cli', cmd: 'sleep 1000', cpus: 0.1, mem: 16 });
    assert.equal(deployed.status, 201, deployed.body);
    await waitUntil('the app to run', async () => (await getJson<{ app: { tasksRunning: number } }>(`http://127.0.0.1:${marathonPort}/v2/apps/from-cli`)).app.tasksRunning === 1 || undefined);

    const again = mesolite(['up', '--detach', `--port=${port}`, '--name=cli-test'], env);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already running/);

    const status = mesolite(['status', '--name=cli-test'], env);
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /Agents \(2 active\)/);
    assert.match(status.stdout, new RegExp(`chronos  active  tasks 0 \\(0 running\\)  http://127\\.0\\.0\\.1:${chronosPort}`), 'status lists the job framework');

    const ok = mesolite(['execute', `--master=127.0.0.1:${port}`, '--name=hi', '--command=echo hi'], env);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /TASK_RUNNING[\s\S]*TASK_FINISHED/);
    const bad = mesolite(['execute', `--master=127.0.0.1:${port}`, '--name=bye', '--command=exit 4'], env);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /TASK_FAILED[\s\S]*Command exited with status 4/);

    // A long-running task is still running when the cluster goes down: it must go too.
    const long = spawn(process.execPath, [BUNDLE, 'execute', `--master=127.0.0.1:${port}`, '--name=long', '--command=sleep 1000'], { env: { ...process.env, ...env } });
    let out = '';
    long.stdout.on('data', (c) => (out += c));
    await waitUntil('the long task to run', () => out.includes('TASK_RUNNING'));
    const workDir = path.join(home, 'clusters', 'cli-test');
    assert.ok(processesUnder(workDir).length >= 2, 'an executor host and the task run under the cluster dir');

    const down = mesolite(['down', '--name=cli-test'], env);
    assert.equal(down.status, 0, down.stderr);
    long.kill();
    assert.deepEqual(processesUnder(workDir), []);
    await assert.rejects(getJson(`http://127.0.0.1:${port}/master/state`));
    await assert.rejects(getJson(`http://127.0.0.1:${marathonPort}/v2/info`));
    await assert.rejects(getJson(`http://127.0.0.1:${chronosPort}/v1/scheduler/jobs`));
  } finally {
    mesolite(['down', '--name=cli-test'], env);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('up --masters=3 starts ZooKeeper and three masters that elect a leader; down stops all of it', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-home-'));
  const env = { MESOLITE_HOME: home };
  const port = await freePort();
  const zkPort = await freePort();
  try {
    const marathonPort = await freePort();
    const chronosPort = await freePort();
    const up = mesolite(['up', '--detach', '--masters=3', '--agents=1', `--port=${port}`, `--zk_port=${zkPort}`, `--marathon_port=${marathonPort}`, `--chronos_port=${chronosPort}`, '--name=ha'], env);
    assert.equal(up.status, 0, up.stdout + up.stderr);
    assert.match(up.stdout, new RegExp(`zookeeper\\s+zk://127\\.0\\.0\\.1:${zkPort}/mesos`));
    assert.equal((up.stdout.match(/\(leading\)/g) ?? []).length, 1);
    const status = mesolite(['status', '--name=ha'], env);
    assert.match(status.stdout, /Agents \(1 active\)/);
    const run = mesolite(['execute', `--master=zk://127.0.0.1:${zkPort}/mesos`, '--name=via-zk', '--command=true'], env);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const about = await getJson<{ frameworkId: string; zookeeper_config: { zk: string } }>(`http://127.0.0.1:${marathonPort}/v2/info`);
    assert.ok(about.frameworkId);
    assert.equal(about.zookeeper_config.zk, `zk://127.0.0.1:${zkPort}/marathon`, 'the app framework keeps its state in ZooKeeper');
    assert.equal((await getJson<{ leader: string }>(`http://127.0.0.1:${chronosPort}/leader`)).leader, `127.0.0.1:${chronosPort}`, 'the job framework leads its ZooKeeper election');
    assert.equal(mesolite(['down', '--name=ha'], env).status, 0);
    assert.deepEqual(processesUnder(path.join(home, 'clusters', 'ha')), []);
  } finally {
    mesolite(['down', '--name=ha'], env);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('up in the foreground stops everything on Ctrl+C', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-home-'));
  const port = await freePort();
  const up = spawn(process.execPath, [BUNDLE, 'up', '--agents=1', `--port=${port}`, '--no-marathon', '--no-chronos'], { env: { ...process.env, MESOLITE_HOME: home } });
  let out = '';
  up.stdout.on('data', (c) => (out += c));
  try {
    await waitUntil('the cluster', () => out.includes('is up'));
    const state = await getJson<{ activated_slaves: number }>(`http://127.0.0.1:${port}/master/state`);
    assert.equal(state.activated_slaves, 1);
    const exited = new Promise((r) => up.once('exit', r));
    up.kill('SIGINT');
    await exited;
    await assert.rejects(getJson(`http://127.0.0.1:${port}/master/state`));
    assert.deepEqual(processesUnder(path.join(home, 'clusters', 'local')), []);
  } finally {
    up.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('daemons take Mesos flags and MESOS_* variables, and name bad flags', async () => {
  const unknown = mesolite(['master', '--bogus=1']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /Unknown flag '--bogus'/);
  const badDuration = mesolite(['master', '--allocation_interval=soon']);
  assert.match(badDuration.stderr, /--allocation_interval.*Invalid duration 'soon'/);
  const noMaster = mesolite(['agent', '--work_dir=/tmp/x']);
  assert.match(noMaster.stderr, /--master is required/);
  const badResources = mesolite(['agent', '--master=127.0.0.1:1', '--work_dir=/tmp/mesolite-bad', '--resources=cpus:lots']);
  assert.match(badResources.stderr, /--resources.*cpus/);
  assert.match(mesolite(['master', '--help']).stdout, /--allocation_interval=VALUE/);

  const port = await freePort();
  const agentPort = await freePort();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-agent-'));
  const master = spawn(process.execPath, [BUNDLE, 'master'], { env: { ...process.env, MESOS_PORT: String(port), MESOS_IP: '127.0.0.1', MESOS_ALLOCATION_INTERVAL: '250ms' } });
  // No --resources: the agent detects them.
  const agent = spawn(process.execPath, [BUNDLE, 'agent', `--master=127.0.0.1:${port}`, `--port=${agentPort}`, `--work_dir=${workDir}`, '--hostname=agent.local', '--attributes=rack:r1;level:3']);
  try {
    const flags = await waitUntil('the master', async () => (await getJson<{ flags: Record<string, string> }>(`http://127.0.0.1:${port}/master/flags`)).flags);
    assert.equal(flags.allocation_interval, '250ms');
    assert.equal(flags.port, String(port));
    type Slave = { hostname: string; resources: Record<string, number | string>; attributes: Record<string, unknown> };
    const slave = await waitUntil('the agent', async () => (await getJson<{ slaves: Slave[] }>(`http://127.0.0.1:${port}/master/state`)).slaves[0]);
    assert.equal(slave.resources.cpus, os.cpus().length);
    assert.ok(Number(slave.resources.mem) > 0);
    assert.equal(slave.resources.ports, '[31000-32000]');
    assert.equal(slave.hostname, 'agent.local');
    assert.deepEqual(slave.attributes, { rack: 'r1', level: 3 });
  } finally {
    agent.kill();
    master.kill();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});
