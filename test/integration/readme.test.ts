// The README's first commands, exactly as printed, in a clean copy of the repository: `npm ci && npm
// start` (no warning from npm), then the commands for another shell with `mesolite` put on PATH the way
// the README says (`npm link`, into a prefix of the test's own), then every command `up`'s banner
// suggests, and Ctrl+C. The ports move through MESOS_* variables (the up flags read them) so that the
// printed commands stay as they are and no other cluster on this machine is disturbed. Also the app
// framework's health-checked example, whose scale right after the deploy must not meet 409.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { processesUnder } from '../../runtime/cluster/process';
import { CliHome } from '../helpers/cli';
import { BUNDLE, freePort, waitUntil } from '../helpers/cluster';

const repo = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-readme-'));
const clone = path.join(tmp, 'clone');
const home = path.join(tmp, 'home');
const prefix = path.join(tmp, 'npm-global');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The first section's first two sh blocks: how to start, and what to type next. */
function firstCommands(): { start: string; next: string[] } {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## '), readme.indexOf('\n## ', readme.indexOf('\n## ') + 1));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());
  return { start: blocks[0], next: blocks[1].split('\n') };
}

/** What the banner offers to try, one command a line. */
const bannerCommands = (banner: string) => banner.split('\n').filter((l) => /^ {2}try {13}|^ {18}\S/.test(l)).map((l) => l.replace(/^ {2}try/, '').trim());

test("the README's first commands and the banner's work as printed, with mesolite on PATH as the README says", { timeout: 10 * 60_000 }, async () => {
  const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repo, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  // Regular files only: a worktree may have node_modules as a symlink, which a clone does not have.
  for (const file of files.filter((f) => fs.lstatSync(path.join(repo, f), { throwIfNoEntry: false })?.isFile())) {
    fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    fs.copyFileSync(path.join(repo, file), path.join(clone, file));
  }
  const env = {
    ...process.env, MESOLITE_HOME: home, npm_config_prefix: prefix, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}`,
    MESOS_PORT: String(await freePort()), MESOS_MARATHON_PORT: String(await freePort()),
  };
  const { start, next } = firstCommands();
  assert.equal(start, 'npm ci && npm start');

  const started = spawn('bash', ['-c', start], { cwd: clone, env, detached: true });
  let out = '';
  started.stdout.on('data', (c) => (out += c));
  started.stderr.on('data', (c) => (out += c));
  const exited = new Promise<string>((resolve) => started.once('exit', (code, signal) => resolve(signal ?? String(code))));
  try {
    await waitUntil('npm ci and npm start', () => out.includes('Press Ctrl+C') || started.exitCode !== null, 8 * 60_000);
    assert.match(out, /Local cluster 'local' is up/, out);
    assert.doesNotMatch(out, /npm warn/i, 'a clean install prints no warning');

    const run = (command: string) => spawnSync('bash', ['-c', command], { cwd: clone, env, encoding: 'utf8', timeout: 120_000 });
    for (const command of next) {
      const r = run(command);
      assert.equal(r.status, 0, `${command}\n${r.stdout}${r.stderr}`);
      if (command === 'mesolite status') assert.match(r.stdout, /Agents \(2 active\)/);
      if (command.startsWith('mesolite task log')) assert.match(r.stdout, /hello from mesolite/);
    }
    assert.ok(fs.existsSync(path.join(prefix, 'bin', 'mesolite')), 'npm link put mesolite on PATH');

    const banner = bannerCommands(out);
    assert.ok(banner.length >= 4, out);
    for (const command of banner) {
      if (!command.includes('--follow')) {
        const r = run(command);
        assert.equal(r.status, 0, `${command}\n${r.stdout}${r.stderr}`);
        continue;
      }
      const follower = spawn('bash', ['-c', command], { cwd: clone, env, detached: true });
      let followed = '';
      follower.stdout.on('data', (c) => (followed += c));
      try {
        await waitUntil(command, () => (followed.match(/hello from mesolite/g) ?? []).length >= 2, 30_000);
      } finally {
        process.kill(-follower.pid!, 'SIGINT');
      }
    }

    process.kill(-started.pid!, 'SIGINT'); // Ctrl+C, as a terminal sends it to the foreground process group
    assert.match(await exited, /^(0|SIGINT)$/, out);
    await waitUntil('every process of the cluster to end', () => processesUnder(path.join(home, 'clusters', 'local')).length === 0, 15_000);
    assert.match(out, /Stopping the cluster\.\.\./);
  } finally {
    try {
      process.kill(-started.pid!, 'SIGKILL');
    } catch {
      // the group has ended
    }
    spawnSync(process.execPath, [path.join(clone, 'dist/mesolite.js'), 'down'], { env });
  }
});

test("the README's health-checked web example runs as shown: the scale right after deploy is accepted", async (t) => {
  const home = new CliHome();
  t.after(() => home.cleanup());
  const marathonPort = await freePort();
  const NAME = '--name=web';
  assert.equal(home.run(['up', '--no-chronos', '--detach', `--port=${await freePort()}`, `--marathon_port=${marathonPort}`, NAME]).status, 0);
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const block = /```sh\n(mesolite deploy '\{"id":"web"[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the example is in the README');
  const commands = block.split('\n').filter((l) => !l.includes('/v2/events')).join('\n')
    .replace(/localhost:8080/g, `localhost:${marathonPort}`).replace(/^mesolite deploy /m, `mesolite deploy ${NAME} `);
  const bin = fs.mkdtempSync(path.join(home.dir, 'bin-'));
  fs.symlinkSync(BUNDLE, path.join(bin, 'mesolite'));
  const run = spawnSync('bash', ['-e', '-c', commands], { encoding: 'utf8', env: { ...home.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 90_000 });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /task web\.[\w-]+ healthy\nDeployed \/web in/);
  assert.match(run.stdout, /\{"deploymentId":"[\w-]+","version":"[^"]+"\}/, 'the scale is accepted, not 409');
  assert.doesNotMatch(run.stdout, /locked by a deployment/);
});
