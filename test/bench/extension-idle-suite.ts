// Inside code-server: starts the cluster, lets it settle, then counts for IDLE_MS what the extension does
// while nothing happens: its operator calls (by type), each view's and the CodeLens' re-renders.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, countActivity, rows, sleep, until } from '../e2e/suite/util';

declare const RESULT_FILE: string;
declare const AGENTS: number;
declare const IDLE_MS: number;

export async function run(): Promise<void> {
  const api = await activateExtension();
  await vscode.commands.executeCommand('mesolite.startLocalCluster');
  if (!api.controller.session) throw new Error('Start Local Cluster failed; see the Mesolite log');
  await until(`${AGENTS} agents in the Cluster view`, async () => (await rows(api.views.cluster)).filter((i) => String(i.label).startsWith('agent ')).length === AGENTS);
  await until('the app framework in the Frameworks view', async () => (await rows(api.views.frameworks)).some((i) => i.label === 'marathon'), 120_000);
  // Registration, the app framework's first reconciliation and suppression: done within a few cycles.
  await sleep(5_000);
  const activity = countActivity(api);
  const started = performance.now();
  await sleep(IDLE_MS);
  const seconds = (performance.now() - started) / 1000;
  fs.writeFileSync(RESULT_FILE, JSON.stringify({ seconds, ...activity.stop() }));
  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
}
