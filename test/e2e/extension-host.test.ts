// The extension in real VS Code (code-server + Chromium): commands, Start → agents in the Cluster view, Stop.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { bundleSuite, freePort, runExtensionTests } from './harness';

test('extension host: start a process cluster, see its agents, deploy an app to RUNNING, a 422 as diagnostics, stop it', { timeout: 300_000 }, async () => {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  const out = await bundleSuite(path.join(__dirname, 'suite/index.ts'), 'suite', { HELLO_APP: JSON.stringify(fs.readFileSync(path.join(root, 'test/fixtures/hello.app.json'), 'utf8')) });
  const masterPort = await freePort();
  const result = await runExtensionTests(out, {
    'mesolite.mode': 'process', 'mesolite.agents': 2, 'mesolite.agentResources': 'cpus:2;mem:1024;disk:2000',
    'mesolite.masterPort': masterPort, 'mesolite.marathonPort': await freePort(),
  });
  assert.equal(result.code, 0, result.logs.join('\n'));
});
