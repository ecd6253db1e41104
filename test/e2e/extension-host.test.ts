// The extension in real VS Code (code-server + Chromium): commands, Start → agents in the Cluster view, Stop.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildExtension, bundleSuite, clusterSettings, HELLO_APP, runExtensionTests } from './harness';

test('extension host: start a process cluster, see its agents, deploy an app to RUNNING, a 422 as diagnostics, stop it', { timeout: 300_000 }, async () => {
  buildExtension();
  const out = await bundleSuite(path.join(__dirname, 'suite/index.ts'), 'suite', { HELLO_APP });
  const result = await runExtensionTests(out, await clusterSettings('process', 2, { 'mesolite.agentResources': 'cpus:2;mem:1024;disk:2000' }));
  assert.equal(result.code, 0, result.logs.join('\n'));
});
