// What the extension-host modules (e2e suites, benches) share: the extension's API and a bounded wait.
import * as vscode from 'vscode';

export type Tree = vscode.TreeDataProvider<vscode.TreeItem>;
export type Api = {
  controller: { session?: { operator: { calls: Record<string, number> }; target: { started?: { workDir: string; pids: { masters: number[]; agents: number[]; marathon?: number } } } } };
  views: { cluster: Tree; frameworks: Tree; offers: Tree; tasks: Tree };
};

/** The activated extension's API (run() may start before activation). */
export async function activateExtension(): Promise<Api> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'mesolite');
  if (!ext) throw new Error('the extension is not loaded');
  return (await ext.activate()) as Api;
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The view's rows, asked the way VS Code asks. */
export async function rows(view: Tree): Promise<vscode.TreeItem[]> {
  return (await view.getChildren()) ?? [];
}
