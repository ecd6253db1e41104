// Inside code-server: the Docker sample app deployed from the editor on a process-mode cluster whose
// agents run Docker tasks (an engine answers on this machine). The Apps view counts it running, the
// Tasks view shows its task's image, and Stop Local Cluster leaves no container behind (checked outside).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, rows, until } from './util';

declare const DOCKER_APP: string;

const text = (v: string | vscode.MarkdownString | vscode.TreeItemLabel | undefined) =>
  typeof v === 'string' ? v : v instanceof vscode.MarkdownString ? v.value : String(v?.label ?? '');

export async function run(): Promise<void> {
  const api = await activateExtension();
  await vscode.commands.executeCommand('mesolite.startLocalCluster');
  assert.ok(api.controller.session, 'Start Local Cluster connected to the cluster it started');

  const workspace = vscode.workspace.workspaceFolders![0].uri;
  const file = vscode.Uri.joinPath(workspace, 'web-docker.app.json');
  await vscode.workspace.fs.writeFile(file, Buffer.from(DOCKER_APP));
  assert.equal(await vscode.commands.executeCommand('mesolite.deployApp', file), true);
  await until('/web-docker at 1/1 running in the Apps view', async () =>
    (await rows(api.views.apps)).find((i) => i.label === '/web-docker' && /^1\/1 running/.test(String(i.description))), 120_000);

  const group = ((await api.views.tasks.getChildren()) ?? []).find((g) => g.label === '/web-docker');
  assert.ok(group, 'the Tasks view groups the app\'s task');
  const [task] = (await api.views.tasks.getChildren(group)) ?? [];
  const image = JSON.parse(DOCKER_APP).container.docker.image as string;
  assert.ok(String(task.description).includes(` · ${image.split('/').at(-1)} · `), `the task's image in its row: ${String(task.description)}`);
  assert.ok(text(task.tooltip).includes(`image: ${image}`), `the full image in the tooltip: ${text(task.tooltip)}`);

  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
}
