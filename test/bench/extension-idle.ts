// Prints the extension's idle cost: GET_STATE calls per minute (target 0), its other operator calls
// and each view's re-renders, while an idle process-mode cluster (3 agents, the app framework, no app)
// runs for IDLE_SECS (60) seconds, measured in real VS Code (code-server in Chromium).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleSuite, clusterSettings, runExtensionTests } from '../e2e/harness';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  execFileSync('bash', [path.join(root, 'scripts/provision-e2e.sh')], { stdio: 'inherit' });
  const agents = Number(process.env.AGENTS ?? 3);
  const idleMs = Number(process.env.IDLE_SECS ?? 60) * 1000;
  const result = path.join(os.tmpdir(), `mesolite-bench-idle-${process.pid}.json`);
  const out = await bundleSuite(path.join(__dirname, 'extension-idle-suite.ts'), 'bench-idle', { RESULT_FILE: JSON.stringify(result), AGENTS: String(agents), IDLE_MS: String(idleMs) });
  const r = await runExtensionTests(out, await clusterSettings('process', agents, { 'mesolite.clusterName': `bench-idle-${process.pid}` }), idleMs + 240_000);
  if (r.code !== 0) throw new Error(r.logs.join('\n'));
  const { seconds, calls, renders } = JSON.parse(fs.readFileSync(result, 'utf8')) as { seconds: number; calls: Record<string, number>; renders: Record<string, number> };
  fs.rmSync(result, { force: true });
  const perMinute = (n: number) => +(n * 60 / seconds).toFixed(1);
  const list = (m: Record<string, number>) => Object.entries(m).map(([k, n]) => `${k} ${perMinute(n)}`).join(', ') || 'none';
  console.log(`Idle ${agents}-agent cluster (process mode), the extension over ${seconds.toFixed(0)} s: GET_STATE ${perMinute(calls.GET_STATE ?? 0)}/min (target 0)`);
  console.log(`  operator calls per minute: ${list(calls)}; view re-renders per minute: ${list(renders)}`);
}

void main().catch((e) => { console.error(e); process.exit(1); });
