// The views read at a glance, in real VS Code (code-server + Chromium): Cluster, Apps and Tasks views.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildExtension, bundleSuite, clusterSettings, HELLO_APP, runExtensionTests } from './harness';

const AGENTS = 2;

test('extension host: agents sorted with their ids, an app with its counts and tasks, Scale from its row, tasks grouped and labelled short', { timeout: 300_000 }, async () => {
  buildExtension();
  const out = await bundleSuite(path.join(__dirname, 'suite/views.ts'), 'views', { HELLO_APP, AGENTS: String(AGENTS) });
  const result = await runExtensionTests(out, await clusterSettings('process', AGENTS, { 'mesolite.agentResources': 'cpus:2;mem:1024;disk:2000' }));
  assert.equal(result.code, 0, result.logs.join('\n'));
});
