// Prints the time from "Start Local Cluster" to the Cluster view showing every agent, measured in real
// VS Code (code-server in Chromium), in process mode or (argument `docker`) in Docker mode with the
// images present. MASTERS=1 compares a start with one master (the default, auto, is three in Docker mode).
// Prints figures; asserts nothing about time.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleSuite, clusterSettings, runExtensionTests } from '../e2e/harness';

const TARGET = { process: '2 s', docker: '8 s' };

async function main(): Promise<void> {
  const mode = process.argv[2] === 'docker' ? 'docker' : 'process';
  const root = path.resolve(__dirname, '../..');
  execFileSync('bash', [path.join(root, 'scripts/provision-e2e.sh')], { stdio: 'inherit' });
  const agents = Number(process.env.AGENTS ?? 3);
  const runs = Number(process.env.RUNS ?? 3);
  const masters = process.env.MASTERS ? Number(process.env.MASTERS) : 'auto';
  const docker = mode === 'docker' ? await import('../../runtime/cluster/docker') : undefined;
  // "Images present": the runtime image is built (once per bundle) before the clock starts.
  await docker?.ensureRuntimeImage(docker.imagesFromEnvironment().node);
  const result = path.join(os.tmpdir(), `mesolite-bench-${process.pid}.json`);
  const out = await bundleSuite(path.join(__dirname, 'extension-start-suite.ts'), 'bench', { RESULT_FILE: JSON.stringify(result), AGENTS: String(agents) });
  const figures: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cluster = `bench-${process.pid}-${i}`;
    try {
      const r = await runExtensionTests(out, await clusterSettings(mode, agents, { 'mesolite.clusterName': cluster, 'mesolite.masters': masters }));
      if (r.code !== 0) throw new Error(r.logs.join('\n'));
    } finally {
      await docker?.removeCluster(cluster);
    }
    figures.push(JSON.parse(fs.readFileSync(result, 'utf8')).ms);
  }
  fs.rmSync(result, { force: true });
  console.log(`Start Local Cluster -> Cluster view shows all ${agents} agents (${mode} mode, masters ${masters}, ${runs} runs): ${figures.map((f) => `${(f / 1000).toFixed(2)} s`).join(', ')}; target ${TARGET[mode]}`);
}

void main().catch((e) => { console.error(e); process.exit(1); });
