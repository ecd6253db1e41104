// The typed messages between a page running in a VS Code webview and the extension host that carries
// its calls to the daemon (the page cannot reach the cluster itself under the webview's CSP).
export type PageToHost =
  | { type: 'request'; id: number; method: string; path: string; body?: unknown }
  | { type: 'stream'; id: number; path: string; body: unknown };

export type HostToPage =
  | { type: 'response'; id: number; body: unknown }
  | { type: 'record'; id: number; record: unknown }
  | { type: 'error'; id: number; message: string };
