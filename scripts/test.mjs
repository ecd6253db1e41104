// Runs every test tier in order with node:test (through tsx). A tier with no test files fails loudly,
// and so does a tier whose prerequisites cannot be provisioned: nothing here is ever skipped silently.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { provisionDocker } from './docker-tier.mjs';

const TIERS = ['unit', 'integration', 'docker', 'e2e'];
// Each tier takes a few minutes; one that hangs fails well before CI's time limit instead of running into it.
const TIER_TIMEOUT_MS = 20 * 60_000;
const only = process.argv.slice(2);

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []);
}

// The integration tier runs a real ZooKeeper: install it if missing (or fail, naming what is missing).
if (only.length === 0 || only.includes('integration')) {
  const provision = spawnSync('bash', ['scripts/provision.sh'], { stdio: 'inherit' });
  if (provision.status !== 0) {
    console.error('provisioning failed: the integration tier cannot run');
    process.exit(1);
  }
}

// The docker tier and the e2e tier (the extension's Docker mode) need an engine and local images.
let dockerEnv = {};
if (only.length === 0 || only.includes('docker') || only.includes('e2e')) {
  try {
    dockerEnv = provisionDocker();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

// The e2e tier runs real VS Code (code-server) in Chromium: install them if missing, or fail.
if (only.length === 0 || only.includes('e2e')) {
  const provision = spawnSync('bash', ['scripts/provision-e2e.sh'], { stdio: 'inherit' });
  if (provision.status !== 0) {
    console.error('provisioning code-server and Chromium failed: the e2e tier cannot run');
    process.exit(1);
  }
}

let failed = false;
for (const tier of TIERS.filter((t) => only.length === 0 || only.includes(t))) {
  const files = testFiles(join('test', tier));
  if (files.length === 0) {
    console.error(`test tier '${tier}' has no tests: failing`);
    failed = true;
    continue;
  }
  console.log(`\n=== ${tier} (${files.length} files) ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...dockerEnv, MESOLITE_QUIET: process.env.MESOLITE_QUIET ?? '1' },
    timeout: TIER_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (r.error?.code === 'ETIMEDOUT') console.error(`test tier '${tier}' did not finish within ${TIER_TIMEOUT_MS / 60_000} minutes (a test file that never exits?): failing`);
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
