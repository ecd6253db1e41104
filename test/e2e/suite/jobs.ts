// Inside code-server: the Jobs view and job JSON files. Start Local Cluster starts the job framework;
// a *.job.json deployed from its CodeLens command runs and shows in the Jobs view with its status, then
// runs again from the row's Run Now, is disabled from its row; a job the framework refuses gets a
// diagnostic at the field its 400 names; the Job Graph shows a dependent job under its parent.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, rows, until } from './util';

const tooltip = (i: vscode.TreeItem) => String(i.tooltip ?? '');

export async function run(): Promise<void> {
  const api = await activateExtension();
  await vscode.commands.executeCommand('mesolite.startLocalCluster');
  assert.ok(api.controller.session, 'Start Local Cluster connected to the cluster it started');

  const workspace = vscode.workspace.workspaceFolders![0].uri;
  const file = vscode.Uri.joinPath(workspace, 'hello.job.json');
  await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify({ name: 'hello', command: 'echo hello', schedule: 'R2//PT1H', cpus: 0.1, mem: 16, disk: 1 }, null, 2)));
  const doc = await vscode.workspace.openTextDocument(file);
  const [lens] = (await api.jobLens.provideCodeLenses(doc, new vscode.CancellationTokenSource().token)) ?? [];
  assert.equal(lens?.command?.title, 'Deploy job');
  assert.equal(await vscode.commands.executeCommand(lens!.command!.command, ...(lens!.command!.arguments ?? [])), true);

  const row = (what: RegExp) => async () => (await rows(api.views.jobs)).find((i) => i.label === 'hello' && what.test(tooltip(i)) ? i : undefined);
  const done = await until('hello with one success in the Jobs view', row(/successes: 1,/), 60_000);
  assert.match(String(done.description), /^success · idle · R1\/\S+\/PT1H · next \d{4}-/, 'status, state, schedule (one repetition left), next run');
  const [update] = (await api.jobLens.provideCodeLenses(doc, new vscode.CancellationTokenSource().token)) ?? [];
  assert.equal(update?.command?.title, 'Update job');

  // As the inline action calls it: with the row.
  assert.equal(await vscode.commands.executeCommand('mesolite.runJob', done), true);
  const twice = await until('hello with two successes', row(/successes: 2,/), 60_000);
  assert.equal(await vscode.commands.executeCommand('mesolite.disableJob', twice), true);
  await until('hello disabled', async () => (await rows(api.views.jobs)).find((i) => i.label === 'hello' && i.contextValue === 'job.disabled'));

  const bad = vscode.Uri.joinPath(workspace, 'bad.job.json');
  await vscode.workspace.fs.writeFile(bad, Buffer.from(JSON.stringify({ name: 'bad', command: 'true', schedule: 'R1/tomorrow/PT1H' }, null, 2)));
  assert.equal(await vscode.commands.executeCommand('mesolite.deployJob', bad), false);
  const [diagnostic] = vscode.languages.getDiagnostics(bad);
  assert.ok(diagnostic, 'the refusal is a diagnostic');
  assert.match(diagnostic.message, /^'schedule'/);
  const badDoc = await vscode.workspace.openTextDocument(bad);
  assert.match(badDoc.getText(diagnostic.range), /"schedule"/, 'at the field the 400 names');

  // A dependent job, and the graph of both.
  const child = vscode.Uri.joinPath(workspace, 'after.job.json');
  await vscode.workspace.fs.writeFile(child, Buffer.from(JSON.stringify({ name: 'after-hello', command: 'true', parents: ['hello'], cpus: 0.1, mem: 16, disk: 1 })));
  assert.equal(await vscode.commands.executeCommand('mesolite.deployJob', child), true);
  await until('after-hello in the Jobs view', async () => (await rows(api.views.jobs)).find((i) => i.label === 'after-hello'));
  const svg = await vscode.commands.executeCommand<string>('mesolite.showJobGraph');
  assert.match(svg, />hello</);
  assert.match(svg, />after-hello</);
  assert.match(svg, /<title>hello → after-hello<\/title>/, 'an edge from the parent to its child');

  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
  assert.deepEqual(await rows(api.views.jobs), [], 'no jobs once the cluster is stopped');
}
