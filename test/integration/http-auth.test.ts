// Mesos' HTTP authentication on real processes: with --authenticate_http_readwrite the agent's attach
// calls and the master's operator API refuse calls without valid Basic credentials (401, Basic
// realm="mesos"); --authenticate_http_readonly adds state and files; the CLI sends credentials.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { request } from '../../runtime/common/http';
import { BUNDLE, commandTask, freePort, startDaemon, stopDaemon, TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';

interface Ran { code: number | null; stdout: string; stderr: string }

test('with --authenticate_http_readwrite, attach and the operator API refuse calls without valid credentials (401, Basic realm="mesos"); the CLI sends them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-auth-'));
  const file = path.join(dir, 'credentials.json');
  fs.writeFileSync(file, JSON.stringify({ credentials: [{ principal: 'ops', secret: 's3cret' }] }));
  const auth = ['--authenticate_http_readwrite', `--http_credentials=${file}`];
  const secured = await TestCluster.start({ agents: 1, masterFlags: auth, agentFlags: auth });
  const basic = (secret: string) => ({ Authorization: `Basic ${Buffer.from(`ops:${secret}`).toString('base64')}` });
  const s = new TestScheduler(secured.masterAddress);
  try {
    await s.subscribe(); // the scheduler API is not in these realms (Mesos: --authenticate_http_frameworks)
    const [offer] = await s.offers();
    await s.launch(offer, [commandTask(offer, 'guarded', 'sleep 1000')]);
    const parent = (await s.status('guarded', 'TASK_RUNNING')).container_status!.container_id!;
    const agent = `${secured.agents[0].url}/api/v1`;
    const call = { type: 'LAUNCH_NESTED_CONTAINER_SESSION', launch_nested_container_session: { container_id: { parent, value: 'x' }, command: { value: 'echo hi' } } };
    for (const headers of [{}, basic('wrong')]) {
      const refused = await request('POST', agent, call, headers);
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['www-authenticate'], 'Basic realm="mesos"');
      assert.equal((await request('POST', `${secured.masterUrl}/api/v1`, { type: 'GET_STATE' }, headers)).status, 401);
      assert.equal((await request('POST', agent, { type: 'GET_HEALTH' }, headers)).status, 401);
    }
    const allowed = await request('POST', agent, { type: 'GET_HEALTH' }, basic('s3cret'));
    assert.equal(allowed.status, 200);
    assert.equal((await request('GET', `${secured.agents[0].url}/state`)).status, 200, 'read-only endpoints stay open without --authenticate_http_readonly');

    // An agent that also authenticates its read-only endpoints; /health stays open, as in Mesos.
    const port = await freePort();
    const readonly = startDaemon(['agent', `--master=${secured.masterAddress}`, `--port=${port}`, `--work_dir=${path.join(dir, 'agent')}`, '--resources=cpus:1;mem:64', '--authenticate_http_readonly', ...auth]);
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitUntil('the read-only agent', async () => (await request('GET', `${url}/health`)).status === 200 || undefined);
      assert.equal((await request('GET', `${url}/state`)).status, 401);
      assert.equal((await request('GET', `${url}/files/browse?path=/`)).status, 401);
      assert.equal((await request('GET', `${url}/state`, undefined, basic('s3cret'))).status, 200);
    } finally {
      await stopDaemon(readonly);
    }

    const exec = (args: string[], env: Record<string, string> = {}) => new Promise<Ran>((resolve) => {
      const child = spawn(process.execPath, [BUNDLE, 'task', 'exec', `--master=${secured.masterAddress}`, ...args], { env: { ...process.env, ...env } });
      let stdout = '', stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const without = await exec(['guarded', '--', 'echo', 'hi']);
    assert.equal(without.code, 1);
    assert.match(without.stderr, /401/);
    const withCredentials = await exec(['--principal=ops', 'guarded', '--', 'echo', 'hi'], { MESOS_SECRET: 's3cret' });
    assert.deepEqual([withCredentials.code, withCredentials.stdout], [0, 'hi\n'], withCredentials.stderr);
  } finally {
    await s.teardown().catch(() => undefined);
    await secured.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
