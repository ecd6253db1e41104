// Inside code-server: an idle cluster costs the extension no state read and no re-render while its views
// keep showing the cluster; a task launched meanwhile reaches the Tasks view through the operator stream
// alone (TASK_ADDED, TASK_UPDATED); a deploy cut short by Stop Local Cluster ends, saying so.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, countActivity, rows, sleep, until, within } from './util';

declare const HELLO_APP: string;
declare const AGENTS: number;

const agentRows = async (view: vscode.TreeDataProvider<vscode.TreeItem>) => (await rows(view)).filter((i) => String(i.label).startsWith('agent '));

export async function run(): Promise<void> {
  const api = await activateExtension();
  await vscode.commands.executeCommand('mesolite.startLocalCluster');
  const session = api.controller.session;
  assert.ok(session, 'Start Local Cluster connected to the cluster it started');
  await until(`${AGENTS} agents in the Cluster view`, async () => (await agentRows(api.views.cluster)).length === AGENTS);
  await until('the app framework in the Frameworks view', async () => (await rows(api.views.frameworks)).some((i) => i.label === 'marathon'), 120_000);
  // Registration, the app framework's first offers and its suppression settle within a few cycles.
  await sleep(3_000);

  const activity = countActivity(api);
  await sleep(10_000);
  assert.deepEqual(activity.renders, { cluster: 0, apps: 0, frameworks: 0, offers: 0, tasks: 0, jobs: 0, codelens: 0 }, 'no re-render while the cluster is idle');
  assert.equal(activity.calls().GET_STATE, undefined, `no GET_STATE while the cluster is idle: ${JSON.stringify(activity.calls())}`);
  assert.equal((await agentRows(api.views.cluster)).length, AGENTS, 'the Cluster view still shows every agent');
  assert.ok((await rows(api.views.frameworks)).some((i) => i.label === 'marathon'), 'the Frameworks view still shows the app framework');

  // A task launched now comes to the Tasks view from the operator stream, not from a read.
  const workspace = vscode.workspace.workspaceFolders![0].uri;
  const hello = vscode.Uri.joinPath(workspace, 'hello.app.json');
  await vscode.workspace.fs.writeFile(hello, Buffer.from(HELLO_APP));
  assert.equal(await vscode.commands.executeCommand('mesolite.deployApp', hello), true);
  await until('a RUNNING task of /hello in the Tasks view', async () =>
    (await rows(api.views.tasks)).find((i) => String(i.label).startsWith('hello.') && String(i.description).startsWith('TASK_RUNNING')));
  const { renders, calls } = activity.stop();
  assert.equal(calls.GET_STATE, undefined, `the task came without a GET_STATE: ${JSON.stringify(calls)}`);
  assert.ok(renders.tasks > 0 && renders.codelens > 0, `the Tasks view and the CodeLens re-rendered for it: ${JSON.stringify(renders)}`);

  // A deployment that cannot finish (more cpus than the cluster has), cut short by Stop Local Cluster.
  const big = vscode.Uri.joinPath(workspace, 'big.app.json');
  await vscode.workspace.fs.writeFile(big, Buffer.from(JSON.stringify({ id: '/big', cmd: 'sleep 1000', cpus: 1000, mem: 16, instances: 1 })));
  const deploying = vscode.commands.executeCommand<boolean>('mesolite.deployApp', big);
  await until('the deployment of /big in Marathon', async () => (await session.marathon!.deployments()).some((d) => d.affectedApps.includes('/big')));
  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
  assert.equal(await within('the deploy command ending after Stop', deploying, 10_000), false, 'the deploy reports that it did not finish');
}
