// Inside code-server: time from executing Start Local Cluster to the Cluster view listing every agent.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

declare const RESULT_FILE: string;
declare const AGENTS: number;

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'mesolite')!;
  const api = (await ext.activate()) as { controller: { session?: unknown }; views: { cluster: vscode.TreeDataProvider<vscode.TreeItem> } };
  const started = performance.now();
  // A start that fails shows its error and leaves no session: fail instead of waiting for agents.
  const startDone = Promise.resolve(vscode.commands.executeCommand('mesolite.startLocalCluster')).then(() => {
    if (!api.controller.session) throw new Error('Start Local Cluster failed; see the Mesolite log');
  });
  // The view is asked the way VS Code asks it: on its change event.
  const shown = await new Promise<number>((resolve, reject) => {
    api.views.cluster.onDidChangeTreeData!(async () => {
      const agents = ((await api.views.cluster.getChildren()) ?? []).filter((i) => String(i.label).startsWith('agent '));
      if (agents.length === AGENTS) resolve(performance.now() - started);
    });
    startDone.catch(reject);
  });
  await startDone;
  fs.writeFileSync(RESULT_FILE, JSON.stringify({ ms: shown }));
  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
}
