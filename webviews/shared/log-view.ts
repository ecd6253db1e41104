// The xterm.js log component shared by the extension's log panel and the web UIs' sandbox viewer:
// read-only, with fit and search, coloured from the host's CSS variables when it has them.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';

export interface LogView {
  term: Terminal;
  write(data: string): void;
  reset(): void;
  find(text: string): void;
  dispose(): void;
}

export function createLogView(container: HTMLElement): LogView {
  const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || undefined;
  const term = new Terminal({
    convertEol: true, scrollback: 10_000, disableStdin: true,
    fontFamily: css('--vscode-editor-font-family') ?? 'monospace',
    theme: { background: css('--vscode-editor-background'), foreground: css('--vscode-editor-foreground'), selectionBackground: css('--vscode-editor-selectionBackground') },
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fit);
  term.loadAddon(search);
  term.open(container);
  // A view is often created before its container is in the document: fit once it has a size.
  const refit = () => { if (container.isConnected) fit.fit(); };
  requestAnimationFrame(refit);
  window.addEventListener('resize', refit);
  return {
    term,
    write: (data) => term.write(data),
    reset: () => term.reset(),
    find: (text) => { search.findNext(text); },
    dispose: () => { window.removeEventListener('resize', refit); term.dispose(); },
  };
}
