// Inside code-server: the views read at a glance. The Cluster view lists agents in address order with
// Mesos' short id and marks the leader; the Apps view shows an app with tasks running of instances and
// its tasks as children, scales from its row (as the inline action passes it) and follows the app
// framework's events without a GET_STATE; the Tasks view groups tasks by app, labels each by name and
// short id with its state first, sorted, the full id in the tooltip, the task's DNS names too (from the
// cluster's DNS server), and Copy DNS Name puts the first on the clipboard.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, rows, until } from './util';

declare const HELLO_APP: string;
declare const AGENTS: number;

const SHORT_LABEL = /^hello\.[0-9a-f]{8}$/;
const text = (v: string | vscode.MarkdownString | vscode.TreeItemLabel | undefined) =>
  typeof v === 'string' ? v : v instanceof vscode.MarkdownString ? v.value : String(v?.label ?? '');

export async function run(): Promise<void> {
  const api = await activateExtension();
  await vscode.commands.executeCommand('mesolite.startLocalCluster');
  const session = api.controller.session;
  assert.ok(session, 'Start Local Cluster connected to the cluster it started');

  const agents = await until(`${AGENTS} agents in the Cluster view`, async () => {
    const found = (await rows(api.views.cluster)).filter((i) => text(i.label).startsWith('agent '));
    return found.length === AGENTS ? found : undefined;
  });
  const ports = agents.map((a) => Number(text(a.label).split(':').pop()));
  assert.deepEqual(ports, [...ports].sort((a, b) => a - b), `agents in port order: ${ports}`);
  for (const a of agents) assert.match(String(a.description), /^S\d+ · cpus /, 'the agent\'s short Mesos id, then its resources');
  const masters = (await rows(api.views.cluster)).filter((i) => text(i.label).startsWith('master '));
  assert.deepEqual(masters.map((m) => m.description), ['leader'], 'process mode starts one master by default: the leader');

  const workspace = vscode.workspace.workspaceFolders![0].uri;
  const hello = vscode.Uri.joinPath(workspace, 'hello.app.json');
  await vscode.workspace.fs.writeFile(hello, Buffer.from(HELLO_APP));
  assert.equal(await vscode.commands.executeCommand('mesolite.deployApp', hello), true);
  const calls = { ...session.operator.calls };

  const appRow = async (description: RegExp) => (await rows(api.views.apps)).find((i) => i.label === '/hello' && description.test(String(i.description)));
  const app = await until('/hello at 1/1 running in the Apps view', () => appRow(/^1\/1 running/));
  const [child] = (await api.views.apps.getChildren(app)) ?? [];
  assert.match(text(child?.label), SHORT_LABEL, 'the app\'s task as its child');

  // As the inline action calls it: with the row.
  await vscode.commands.executeCommand('mesolite.scaleApp', app, 3);
  const scaled = await until('/hello at 3/3 running in the Apps view', () => appRow(/^3\/3 running/), 120_000);
  assert.equal(((await api.views.apps.getChildren(scaled)) ?? []).length, 3, 'its three tasks as children');

  const group = ((await api.views.tasks.getChildren()) ?? []).find((g) => g.label === '/hello');
  assert.ok(group, 'the Tasks view groups the app\'s tasks under /hello');
  assert.equal(group.description, 'app · 3/3 running');
  const tasks = (await api.views.tasks.getChildren(group)) ?? [];
  const labels = tasks.map((t) => text(t.label));
  assert.equal(labels.length, 3);
  for (const l of labels) assert.match(l, SHORT_LABEL, 'app name and a short id');
  assert.deepEqual(labels, [...labels].sort(new Intl.Collator('en', { numeric: true }).compare), 'sorted, numbers as numbers');
  for (const t of tasks as Array<vscode.TreeItem & { task: { task_id: { value: string } } }>) {
    assert.match(String(t.description), /^TASK_RUNNING · /, 'the state first');
    assert.ok(text(t.tooltip).includes(t.task.task_id.value), `the full id in the tooltip: ${text(t.tooltip)}`);
  }
  // The cluster's DNS server names each running task: in the tooltip (resolved when shown), and Copy DNS Name.
  const first = tasks[0] as vscode.TreeItem & { task: { task_id: { value: string } } };
  const resolved = await until('the task\'s DNS names in its tooltip', async () => {
    const item = await api.views.tasks.resolveTreeItem!(first, first, new vscode.CancellationTokenSource().token);
    return /\ndns: hello\.marathon\.mesos, hello-[a-z0-9]{5}-s\d+\.marathon\.mesos/.test(text(item?.tooltip)) ? item : undefined;
  });
  assert.match(text(resolved!.tooltip), /_hello\._tcp\.marathon\.mesos/, 'its SRV name too');
  assert.equal(await vscode.commands.executeCommand('mesolite.copyDnsName', first), 'hello.marathon.mesos');
  assert.equal(await vscode.env.clipboard.readText(), 'hello.marathon.mesos', 'on the clipboard');

  const later = session.operator.calls;
  assert.equal((later.GET_STATE ?? 0) - (calls.GET_STATE ?? 0), 0, 'apps and tasks came from the event streams, without a GET_STATE');

  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
  assert.deepEqual(await rows(api.views.apps), [], 'no apps once the cluster is stopped');
}
