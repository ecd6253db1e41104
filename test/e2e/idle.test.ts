// The extension's idle cost in real VS Code (code-server + Chromium): an idle cluster, no reads.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildExtension, bundleSuite, clusterSettings, HELLO_APP, runExtensionTests } from './harness';

const AGENTS = 2;

test('extension host: an idle cluster costs no GET_STATE and no re-render; a task launched comes through the stream; Stop ends a deploy', { timeout: 300_000 }, async () => {
  buildExtension();
  const out = await bundleSuite(path.join(__dirname, 'suite/idle.ts'), 'idle', { HELLO_APP, AGENTS: String(AGENTS) });
  const result = await runExtensionTests(out, await clusterSettings('process', AGENTS, { 'mesolite.agentResources': 'cpus:2;mem:1024;disk:2000' }));
  assert.equal(result.code, 0, result.logs.join('\n'));
});
