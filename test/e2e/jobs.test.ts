// The Jobs view and job JSON files in real VS Code (code-server + Chromium), against a process cluster
// with the job framework.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildExtension, bundleSuite, clusterSettings, runExtensionTests } from './harness';

test('extension host: a job JSON deployed from its CodeLens runs and shows in the Jobs view; Run Now and Disable from its row; a refusal is a diagnostic at its field; the job graph', { timeout: 300_000 }, async () => {
  buildExtension();
  const out = await bundleSuite(path.join(__dirname, 'suite/jobs.ts'), 'jobs');
  const result = await runExtensionTests(out, await clusterSettings('process', 1, { 'mesolite.agentResources': 'cpus:2;mem:1024;disk:2000' }));
  assert.equal(result.code, 0, result.logs.join('\n'));
});
