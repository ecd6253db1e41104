// Runs inside code-server's extension host (real vscode API): the extension's main path.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { processesUnder } from '../../../runtime/cluster/process';
import { rows, until, type Api } from './util';

declare const HELLO_APP: string;

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'mesolite')!;
  assert.ok(ext, 'the extension is loaded');
  const api = (await ext.activate()) as Api;
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['mesolite.startLocalCluster', 'mesolite.stopLocalCluster', 'mesolite.connect', 'mesolite.refresh']) assert.ok(commands.includes(id), `${id} is registered`);

  await vscode.commands.executeCommand('mesolite.startLocalCluster');
  const started = api.controller.session?.target.started;
  assert.ok(started, 'Start Local Cluster connected to the cluster it started');
  const agents = await until('both agents in the Cluster view', async () => {
    const rows = ((await api.views.cluster.getChildren()) ?? []).filter((i) => String(i.label).startsWith('agent '));
    return rows.length === 2 ? rows : undefined;
  });
  assert.match(String(agents[0].description), /cpus 0\/2/);

  // Deploying a fixture app JSON gives a RUNNING task in the Tasks view.
  const workspace = vscode.workspace.workspaceFolders![0].uri;
  const good = vscode.Uri.joinPath(workspace, 'hello.app.json');
  await vscode.workspace.fs.writeFile(good, Buffer.from(HELLO_APP));
  assert.equal(await vscode.commands.executeCommand('mesolite.deployApp', good), true);
  const running = await until('a RUNNING task of /hello in the Tasks view', async () =>
    (await rows(api.views.tasks)).find((i) => String(i.label).startsWith('hello.') && String(i.description).startsWith('TASK_RUNNING')));
  const frameworks = (await api.views.frameworks.getChildren()) ?? [];
  assert.ok(frameworks.some((f) => f.label === 'marathon'), `the app framework in the Frameworks view: ${frameworks.map((f) => f.label)}`);
  assert.match(String(running.description), / · \d+[smhd]$/, 'the task\'s age ends its description');
  const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('mesolite.showTaskLogs', running);
  assert.ok(panel?.webview.html.includes('Content-Security-Policy'), 'Show Task Logs opens the log webview');
  // Reveal Sandbox opens a sandbox file, read through the agent's /files API.
  const stdout = await vscode.commands.executeCommand<vscode.TextDocument>('mesolite.revealSandbox', running, 'stdout');
  assert.equal(stdout?.uri.scheme, 'mesolite-sandbox');
  assert.match(stdout.getText(), /hello from mesolite/);

  // A 422 becomes a diagnostic on the field it names.
  const bad = vscode.Uri.joinPath(workspace, 'bad.app.json');
  const badText = '{\n  "id": "/bad",\n  "cmd": "sleep 100",\n  "cpus": -1\n}\n';
  await vscode.workspace.fs.writeFile(bad, Buffer.from(badText));
  assert.equal(await vscode.commands.executeCommand('mesolite.deployApp', bad), false);
  const [diagnostic] = vscode.languages.getDiagnostics(bad);
  assert.ok(diagnostic, 'a diagnostic for the 422');
  assert.match(diagnostic.message, /^\/cpus: /);
  assert.equal(diagnostic.range.start.line, 3, 'on the cpus line');

  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
  const pids = [...started.pids.masters, ...started.pids.agents, ...(started.pids.marathon ? [started.pids.marathon] : [])];
  assert.deepEqual(pids.filter(alive), [], 'no daemon survives Stop Local Cluster');
  assert.deepEqual(processesUnder(started.workDir), [], 'no executor or task survives Stop Local Cluster');
  assert.equal(api.controller.session, undefined);
}
