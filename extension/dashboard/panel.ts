// The master web UI's pages in a webview panel: the same bundle the masters serve (dist/webui), whose
// calls (webviews/shared/messages.ts) the extension host carries to the leading master with the
// session's credentials. The webview itself reaches nothing: strict CSP with a nonce, local files only.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { authorization } from '../../runtime/common/authentication';
import { RecordIODecoder } from '../../runtime/common/recordio';
import type { HostToPage, PageToHost } from '../../webviews/shared/messages';
import type { ClusterSession } from '../session';

/** Only what the pages ask of a master: its API, its state, and agents through its web UI routes. */
const ALLOWED = /^\/(api\/v1(\?allocation_cycles=true)?|master\/state|webui\/agents\/[^/]+\/(state|files\/(browse|read|download))(\?.*)?)$/;

export function openDashboardPanel(extensionUri: vscode.Uri, session: ClusterSession): vscode.WebviewPanel {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webui');
  const panel = vscode.window.createWebviewPanel('mesolite.dashboard', 'Mesolite Dashboard', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [root], retainContextWhenHidden: true });
  const nonce = randomBytes(16).toString('base64');
  const web = panel.webview;
  const asset = (name: string) => web.asWebviewUri(vscode.Uri.joinPath(root, name));
  web.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${web.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}' ${web.cspSource}; font-src ${web.cspSource}; img-src ${web.cspSource} data:;">
<link rel="stylesheet" href="${asset('webui.css')}"><link rel="stylesheet" href="${asset('logs.css')}">
</head><body><div id="app">Loading…</div><script type="module" nonce="${nonce}" src="${asset('dashboard.js')}"></script></body></html>`;

  const credentials = session.target.credentials;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', ...(credentials ? { Authorization: authorization(credentials) } : {}) };
  const streams = new Set<AbortController>();
  const post = (m: HostToPage) => void web.postMessage(m);
  const leader = () => {
    if (!session.leader) throw new Error('No leading master is known yet');
    return session.leader;
  };
  const carry = async (m: PageToHost): Promise<void> => {
    if (!ALLOWED.test(m.path)) throw new Error(`The dashboard may not call ${m.path}`);
    if (m.type === 'request') {
      const r = await fetch(`${leader()}${m.path}`, { method: m.method, headers, body: m.body === undefined ? undefined : JSON.stringify(m.body) });
      const text = await r.text();
      if (!r.ok) throw new Error(`${r.status}: ${text}`);
      return post({ type: 'response', id: m.id, body: text ? JSON.parse(text) : undefined });
    }
    const abort = new AbortController();
    streams.add(abort);
    try {
      const r = await fetch(`${leader()}${m.path}`, { method: 'POST', headers, body: JSON.stringify(m.body), signal: abort.signal });
      if (!r.ok || !r.body) throw new Error(`${r.status}: ${await r.text()}`);
      const decoder = new RecordIODecoder();
      for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
        for (const record of decoder.decode(Buffer.from(chunk))) post({ type: 'record', id: m.id, record: JSON.parse(record.toString('utf8')) });
      }
      post({ type: 'response', id: m.id, body: undefined });
    } finally {
      streams.delete(abort);
    }
  };
  panel.webview.onDidReceiveMessage((m: PageToHost) => carry(m).catch((e: Error) => post({ type: 'error', id: m.id, message: e.message })));
  panel.onDidDispose(() => { for (const s of streams) s.abort(); });
  return panel;
}
