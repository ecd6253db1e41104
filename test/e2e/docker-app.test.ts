// The Docker sample app (samples/web-docker.app.json) deployed from the editor in real VS Code
// (code-server + Chromium), on a process-mode cluster with the host's engine: running in the Apps view,
// its image in the Tasks view, and no container left once the cluster is stopped. Its image is the
// locally provisioned one (nothing can be pulled here), as a user would set their own.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DOCKER_TASK_LABELS } from '../../runtime/common/docker-labels';
import { engine, TASK_IMAGE } from '../helpers/docker';
import { buildExtension, bundleSuite, clusterSettings, runExtensionTests } from './harness';

const sample = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../samples/web-docker.app.json'), 'utf8'));
sample.container.docker.image = TASK_IMAGE;

const containersOfSample = async () => (await engine.listContainers({ all: true, filters: { label: [DOCKER_TASK_LABELS.taskId] } }))
  .filter((c) => c.Labels[DOCKER_TASK_LABELS.taskId].startsWith('web-docker.'));

test('extension host: the Docker sample deploys from the editor, shows its image, and leaves no container', { timeout: 300_000 }, async () => {
  buildExtension();
  assert.deepEqual(await containersOfSample(), [], 'no container of the sample before');
  const out = await bundleSuite(path.join(__dirname, 'suite/docker-app.ts'), 'docker-app', { DOCKER_APP: JSON.stringify(JSON.stringify(sample)) });
  const result = await runExtensionTests(out, await clusterSettings('process', 1), 240_000);
  assert.equal(result.code, 0, result.logs.join('\n'));
  assert.deepEqual(await containersOfSample(), [], 'Stop Local Cluster removed the sample\'s container');
});
