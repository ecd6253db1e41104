// A webview panel showing a log through xterm.js: a task's stdout/stderr followed through the agent's
// /files/read offsets, a local daemon's log file or a container's log stream, until its source says it
// ended. Strict CSP with a nonce; local resources only.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import * as vscode from 'vscode';
import type { FromWebview, ToWebview } from '../../webviews/logs/messages';

/**
 * Follows one stream of a log source; returns how to stop. onEnd says why following stopped by itself
 * (the cluster or the task is gone); nothing comes after it.
 */
export type LogSource = (stream: 'stdout' | 'stderr', onData: (data: string) => void, onError: (message: string) => void,
  onEnd: (message: string) => void) => { stop(): void };

/** A local file followed from its start (daemon logs in process mode have no stderr of their own). */
export function fileSource(file: string): LogSource {
  return (_stream, onData, onError) => {
    let offset = 0;
    const read = () => {
      try {
        const size = fs.statSync(file).size;
        if (size <= offset) return;
        const fd = fs.openSync(file, 'r');
        const buffer = Buffer.alloc(size - offset);
        fs.readSync(fd, buffer, 0, buffer.length, offset);
        fs.closeSync(fd);
        offset = size;
        onData(buffer.toString('utf8'));
      } catch (e) {
        onError((e as Error).message);
      }
    };
    read();
    const watcher = fs.watch(file, read);
    return { stop: () => watcher.close() };
  };
}

/** A stream opened on demand (a container's log, stdout and stderr together); stopping closes it. */
export function streamSource(open: () => Promise<Readable>): LogSource {
  return (_stream, onData, onError) => {
    let stopped = false;
    let readable: Readable | undefined;
    open().then((r) => {
      readable = r;
      if (stopped) r.destroy();
      r.on('data', (chunk: Buffer) => onData(chunk.toString('utf8')));
      r.on('error', (e) => onError(e.message));
    }, (e: Error) => onError(e.message));
    return { stop: () => { stopped = true; readable?.destroy(); } };
  };
}

export function openLogPanel(extensionUri: vscode.Uri, title: string, source: LogSource): vscode.WebviewPanel {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');
  const panel = vscode.window.createWebviewPanel('mesolite.logs', title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [root], retainContextWhenHidden: true });
  const nonce = randomBytes(16).toString('base64');
  const web = panel.webview;
  const script = web.asWebviewUri(vscode.Uri.joinPath(root, 'logs.js'));
  const style = web.asWebviewUri(vscode.Uri.joinPath(root, 'logs.css'));
  web.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${web.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src ${web.cspSource};">
<link rel="stylesheet" href="${style}">
<style nonce="${nonce}">html,body{height:100%;margin:0;background:var(--vscode-editor-background)}#bar{display:flex;gap:6px;padding:4px}#terminal{height:calc(100% - 34px)}</style>
</head><body><div id="bar"><select id="stream"><option>stdout</option><option>stderr</option></select><input id="search" placeholder="Search (Enter)"></div>
<div id="terminal"></div><script nonce="${nonce}" src="${script}"></script></body></html>`;
  let follower: { stop(): void } | undefined;
  // Callbacks of a follower since replaced or ended (a read in flight) are dropped.
  let generation = 0;
  const post = (m: ToWebview) => void web.postMessage(m);
  const follow = (stream: 'stdout' | 'stderr') => {
    follower?.stop();
    const mine = ++generation;
    const current = () => mine === generation;
    post({ type: 'reset', stream });
    // A source that keeps failing the same way (an agent down) says so once, not at every retry.
    let lastError: string | undefined;
    follower = source(stream, (data) => {
      if (!current()) return;
      lastError = undefined;
      post({ type: 'data', stream, data });
    }, (message) => {
      if (!current() || message === lastError) return;
      lastError = message;
      post({ type: 'error', message });
    }, (message) => {
      if (!current()) return;
      generation++;
      follower?.stop();
      post({ type: 'end', message });
    });
  };
  const listener = web.onDidReceiveMessage((m: FromWebview) => follow(m.type === 'switch' ? m.stream : 'stdout'));
  panel.onDidDispose(() => { follower?.stop(); listener.dispose(); });
  return panel;
}
