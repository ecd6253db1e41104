// The offer-cycle debug adapter (dist/mesolite-debug.js) as a DAP client sees it, for benches: started,
// initialized, configured and attached to a master, stopped on entry.
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const DEBUG_ADAPTER = path.resolve(__dirname, '../../dist/mesolite-debug.js');

/** A new adapter process attached to `master` (HOST:PORT); resolves once it stopped on entry. */
export async function attachDebugAdapter(master: string, timeoutMs = 20_000): Promise<DebugClient> {
  const dc = new DebugClient(process.execPath, DEBUG_ADAPTER, 'mesolite');
  dc.defaultTimeout = timeoutMs;
  await dc.start();
  const initialized = dc.waitForEvent('initialized');
  await dc.initializeRequest();
  await initialized;
  await dc.configurationDoneRequest();
  const entry = dc.waitForEvent('stopped');
  await dc.attachRequest({ master } as DebugProtocol.AttachRequestArguments);
  await entry;
  return dc;
}
