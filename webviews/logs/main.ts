// The log viewer: xterm.js with fit and search, coloured from VS Code's theme variables.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import type { FromWebview, ToWebview } from './messages';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || undefined;
const term = new Terminal({
  convertEol: true, scrollback: 10_000, disableStdin: true,
  fontFamily: css('--vscode-editor-font-family'),
  theme: { background: css('--vscode-editor-background'), foreground: css('--vscode-editor-foreground'), selectionBackground: css('--vscode-editor-selectionBackground') },
});
const fit = new FitAddon();
const search = new SearchAddon();
term.loadAddon(fit);
term.loadAddon(search);
term.open(document.getElementById('terminal')!);
fit.fit();
window.addEventListener('resize', () => fit.fit());

const query = document.getElementById('search') as HTMLInputElement;
query.addEventListener('keydown', (e) => { if (e.key === 'Enter') search.findNext(query.value); });
const stream = document.getElementById('stream') as HTMLSelectElement;
stream.addEventListener('change', () => vscode.postMessage({ type: 'switch', stream: stream.value as 'stdout' | 'stderr' }));

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m.type === 'data') term.write(m.data);
  else if (m.type === 'reset') { term.reset(); stream.value = m.stream; }
  else if (m.type === 'end') term.write(`\r\n\x1b[33m${m.message}\x1b[0m\r\n`);
  else term.write(`\x1b[31m${m.message}\x1b[0m\r\n`);
});
vscode.postMessage({ type: 'ready' });
