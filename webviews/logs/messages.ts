// The typed messages between the logs panel (extension host) and its webview.
export type ToWebview =
  | { type: 'data'; stream: 'stdout' | 'stderr'; data: string }
  | { type: 'error'; message: string }
  /** Following stopped (the cluster or the task is gone): said once, after the last data. */
  | { type: 'end'; message: string }
  | { type: 'reset'; stream: 'stdout' | 'stderr' };

export type FromWebview = { type: 'ready' } | { type: 'switch'; stream: 'stdout' | 'stderr' };
