// Runs inside code-server's extension host (real vscode API): the extension's main path.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

type Api = { controller: { session?: { target: { started?: { workDir: string; pids: { masters: number[]; agents: number[]; marathon?: number } } } } }; views: { cluster: vscode.TreeDataProvider<vscode.TreeItem>; tasks: vscode.TreeDataProvider<vscode.TreeItem> } };

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

  await vscode.commands.executeCommand('mesolite.stopLocalCluster');
  const pids = [...started.pids.masters, ...started.pids.agents, ...(started.pids.marathon ? [started.pids.marathon] : [])];
  assert.deepEqual(pids.filter(alive), [], 'no daemon survives Stop Local Cluster');
  assert.equal(api.controller.session, undefined);
}
