// Attaching in Docker mode: the agent runs in its container, and so do its sessions (node-pty comes with
// the runtime image). `mesolite task exec` from the host reaches the agent at the address it advertises.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import * as pty from 'node-pty';
import { BUNDLE, waitUntil } from '../helpers/cluster';

const NAME = `attach-${process.pid}`;
const mesolite = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

let execute: ReturnType<typeof spawn> | undefined;
after(() => {
  execute?.kill();
  mesolite('down', `--name=${NAME}`);
});

test('task exec and exec -it reach a task of a Docker cluster: output, exit code, a PTY in the agent\'s container', { timeout: 300_000 }, async () => {
  const up = mesolite('up', '--docker', '--detach', `--name=${NAME}`, '--masters=1', '--agents=1', '--no-marathon', '--no-chronos');
  assert.equal(up.code, 0, up.err);
  const zk = /ZooKeeper (zk:\/\/[^)\s]+)/.exec(mesolite('status', `--name=${NAME}`).out)![1];
  execute = spawn(process.execPath, [BUNDLE, 'execute', `--master=${zk}`, '--name=sleeper', '--command=sleep 1000', '--resources=cpus:0.1;mem:32'], { stdio: 'ignore' });
  await waitUntil('the task running', () => mesolite('task', 'exec', `--name=${NAME}`, 'sleeper', '--', 'true').code === 0 || undefined, 120_000);

  const three = mesolite('task', 'exec', `--name=${NAME}`, 'sleeper', '--', 'sh', '-c', 'echo "$MESOS_TASK_ID in $PWD"; exit 3');
  assert.equal(three.code, 3, three.err);
  assert.match(three.out, /^sleeper-\w+ in \/var\/lib\/mesolite\/.*\/slaves\/.+\/runs\/[0-9a-f-]{36}\n$/);

  const term = pty.spawn(process.execPath, [BUNDLE, 'task', 'exec', '-it', `--name=${NAME}`, 'sleeper', '--', 'sh', '-c', 'stty size; tty; exit 5'], { cols: 101, rows: 33 });
  let screen = '';
  term.onData((d) => (screen += d));
  const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  assert.equal(code, 5, screen);
  assert.match(screen, /33 101\r\n\/dev\/pts\/\d+\r\n/, 'a line is ended once (by the remote terminal)');
});
