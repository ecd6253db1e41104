// The typed messages between the logs panel (extension host) and its webview.
export type ToWebview =
  | { type: 'data'; stream: 'stdout' | 'stderr'; data: string }
  | { type: 'error'; message: string }
  | { type: 'reset'; stream: 'stdout' | 'stderr' };

export type FromWebview = { type: 'ready' } | { type: 'switch'; stream: 'stdout' | 'stderr' };
