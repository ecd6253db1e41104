// What the extension-host modules (e2e suites, benches) share: the extension's API, bounded waits, and
// counters of what the extension does (operator calls, view re-renders).
import * as vscode from 'vscode';

export type Tree = vscode.TreeDataProvider<vscode.TreeItem>;
export type Api = {
  controller: {
    session?: {
      operator: { calls: Record<string, number> };
      marathon?: { deployments(): Promise<Array<{ affectedApps: string[] }>> };
      target: { started?: { workDir: string; pids: { masters: number[]; agents: number[]; marathon?: number } } };
    };
  };
  views: { cluster: Tree; apps: Tree; frameworks: Tree; offers: Tree; tasks: Tree; jobs: Tree };
  lens: vscode.CodeLensProvider;
  jobLens: vscode.CodeLensProvider;
};

/** The activated extension's API (run() may start before activation). */
export async function activateExtension(): Promise<Api> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'mesolite');
  if (!ext) throw new Error('the extension is not loaded');
  return (await ext.activate()) as Api;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The promise's value, or an error naming what did not happen within timeoutMs. */
export function within<T>(what: string, promise: Thenable<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs); });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

/** The view's rows, asked the way VS Code asks: the children of expanded rows follow their parent. */
export async function rows(view: Tree, parent?: vscode.TreeItem): Promise<vscode.TreeItem[]> {
  const items = (await view.getChildren(parent)) ?? [];
  const expanded = async (i: vscode.TreeItem) => (i.collapsibleState === vscode.TreeItemCollapsibleState.Expanded ? rows(view, i) : []);
  return (await Promise.all(items.map(async (i) => [i, ...(await expanded(i))]))).flat();
}

/** Until stop(): how often each view and the CodeLens re-rendered, and the operator calls made, by type. */
export function countActivity(api: Api) {
  const session = api.controller.session!;
  const before = { ...session.operator.calls };
  const renders: Record<string, number> = {};
  const sources: Array<[string, vscode.Event<unknown> | undefined]> = [
    ...Object.entries(api.views).map(([name, view]) => [name, view.onDidChangeTreeData] as [string, vscode.Event<unknown> | undefined]),
    ['codelens', api.lens.onDidChangeCodeLenses],
  ];
  const listeners = sources.map(([name, event]) => { renders[name] = 0; return event?.(() => renders[name]++); });
  const calls = () => Object.fromEntries(Object.entries(session.operator.calls).map(([type, n]) => [type, n - (before[type] ?? 0)]).filter(([, n]) => n));
  return {
    renders,
    calls,
    stop() { for (const l of listeners) l?.dispose(); return { renders: { ...renders }, calls: calls() }; },
  };
}
