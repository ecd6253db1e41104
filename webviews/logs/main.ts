// The extension's log panel: the shared xterm.js log component, fed by the extension host's messages.
import { createLogView } from '../shared/log-view';
import type { FromWebview, ToWebview } from './messages';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const view = createLogView(document.getElementById('terminal')!);

const query = document.getElementById('search') as HTMLInputElement;
query.addEventListener('keydown', (e) => { if (e.key === 'Enter') view.find(query.value); });
const stream = document.getElementById('stream') as HTMLSelectElement;
stream.addEventListener('change', () => vscode.postMessage({ type: 'switch', stream: stream.value as 'stdout' | 'stderr' }));

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m.type === 'data') view.write(m.data);
  else if (m.type === 'reset') { view.reset(); stream.value = m.stream; }
  else if (m.type === 'end') view.write(`\r\n\x1b[33m${m.message}\x1b[0m\r\n`);
  else view.write(`\x1b[31m${m.message}\x1b[0m\r\n`);
});
vscode.postMessage({ type: 'ready' });
