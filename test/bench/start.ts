// `npm start` to "ready": the whole process of `npm start -- --detach`, which returns right after the
// banner, timed from outside by farm-bench, one run per call so that the cluster can be stopped between
// runs without being timed. Second start: the bundle is fresh and the cluster's state kept (target 1 s).
// First start after a clean build: dist/ removed before each run, so the start bundles (target 4 s).
// Prints figures; asserts nothing about time.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../helpers/cluster';

const repo = path.resolve(__dirname, '../..');
const RUNS = Number(process.env.RUNS ?? 5);

function timedStart(args: string[], env: NodeJS.ProcessEnv): number {
  const r = spawnSync('farm-bench', ['-n', '1', '--warmup', '0', '--', 'npm', 'start', '--', ...args], { cwd: repo, env, encoding: 'utf8' });
  const wall = /A wall s\s+([\d.]+)/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !wall || !/A exit 0 \(1 of 1\)/.test(r.stdout)) throw new Error(`farm-bench failed:\n${r.stdout}${r.stderr}`);
  return Number(wall);
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(2)} s (min ${s[0].toFixed(2)}, max ${s[s.length - 1].toFixed(2)}, ${s.length} runs)`;
};

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-bench-start-'));
  const env = { ...process.env, MESOLITE_HOME: home };
  const args = ['--detach', '--name=bench-start', `--port=${await freePort()}`, `--marathon_port=${await freePort()}`];
  const down = () => spawnSync(process.execPath, [path.join(repo, 'dist/mesolite.js'), 'down', '--name=bench-start'], { env });
  const second: number[] = [];
  const first: number[] = [];
  try {
    timedStart(args, env); // bundles if needed and creates the cluster's state: not counted
    down();
    for (let i = 0; i < RUNS; i++) {
      second.push(timedStart(args, env));
      down();
    }
    for (let i = 0; i < Math.max(1, Math.ceil(RUNS / 2)); i++) {
      fs.rmSync(path.join(repo, 'dist'), { recursive: true, force: true });
      first.push(timedStart(args, env));
      down();
    }
  } finally {
    down();
    fs.rmSync(home, { recursive: true, force: true });
    // The start bundles only what it runs: put the extension's bundles back.
    spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, stdio: 'inherit' });
  }
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`npm start to ready, second start (bundle fresh, state kept; target 1 s): ${stats(second)}`);
  console.log(`npm start to ready, first start after a clean build (bundles; target 4 s): ${stats(first)}`);
}

void main();
