// Mesolite: Show Job Graph — the jobs' dependency graph in a webview (an SVG drawn here: no script runs
// in it), redrawn when the jobs change, until it is closed. Answers the SVG it shows.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { graphSvg } from '../views/job-graph';
import { command } from './command';

const STYLE = `
  body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  .edge { stroke: var(--vscode-foreground); opacity: 0.6; }
  marker path { fill: var(--vscode-foreground); }
  .job rect { fill: var(--vscode-editor-background); stroke: var(--vscode-foreground); }
  .job.success rect { stroke: var(--vscode-testing-iconPassed); }
  .job.failure rect { stroke: var(--vscode-testing-iconFailed); }
  .job.disabled { opacity: 0.5; }
  text { fill: var(--vscode-foreground); font-size: 12px; }
  text.state { opacity: 0.7; font-size: 11px; }`;

export function register(c: Controller): vscode.Disposable {
  let panel: vscode.WebviewPanel | undefined;
  let listeners: vscode.Disposable[] = [];
  const render = () => {
    if (!panel) return '';
    const jobs = [...(c.session?.jobs?.values() ?? [])];
    const svg = jobs.length ? graphSvg(jobs) : '<p>No jobs.</p>';
    const nonce = randomBytes(16).toString('base64');
    panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">`
      + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">`
      + `<style nonce="${nonce}">${STYLE}</style></head><body>${svg}</body></html>`;
    return svg;
  };
  const follow = () => {
    for (const l of listeners) l.dispose();
    listeners = [c.onDidChangeSession(() => { follow(); render(); })];
    const session = c.session;
    if (session) listeners.push(session.onDidChange((changes) => { if (changes.has('jobs')) render(); }));
  };
  return vscode.Disposable.from(
    command(c, 'showJobGraph', () => {
      if (!c.requireSession().chronos) throw new Error('This cluster has no Chronos-compatible job framework configured');
      if (panel) panel.reveal();
      else {
        panel = vscode.window.createWebviewPanel('mesolite.jobGraph', 'Job Graph', vscode.ViewColumn.Active, {});
        panel.onDidDispose(() => { panel = undefined; for (const l of listeners) l.dispose(); listeners = []; });
        follow();
      }
      return render();
    }),
    { dispose: () => panel?.dispose() },
  );
}
