// Inside code-server: time from executing Start Local Cluster to the Cluster view listing every agent.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

declare const RESULT_FILE: string;
declare const AGENTS: number;

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'mesolite')!;
  const api = (await ext.activate()) as { views: { cluster: vscode.TreeDataProvider<vscode.TreeItem> } };
  const started = performance.now();
  const startDone = vscode.commands.executeCommand('mesolite.startLocalCluster');
  // The view is asked the way VS Code asks it: on its change event.
  const shown = await new Promise<number>((resolve) => {
    api.views.cluster.onDidChangeTreeData!(async () => {
      const agents = ((await api.views.cluster.getChildren()) ?? []).filter((i) => String(i.label).startsWith('agent '));
      if (agents.length === AGENTS) resolve(performance.now() - started);
    });
  });
  await startDone;
  fs.writeFileSync(RESULT_FILE, JSON.stringify({ ms: shown }));
  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
}
