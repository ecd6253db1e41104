// VS Code's side of the offer-cycle debugger: the `mesolite` debug type run inline, its configurations
// (the dynamic "Debug offers of the local cluster" targets the connected cluster), the read-only
// mesolite-cycle: documents frames point into, and the "Debug Offers" command.
import * as vscode from 'vscode';
import { command } from '../commands/command';
import type { Controller } from '../controller';
import { OfferDebugSession } from './session';

const DEBUG_TYPE = 'mesolite';
const CYCLE_SCHEME = 'mesolite-cycle';
const LOCAL_NAME = 'Debug offers of the local cluster';

/** mesolite-cycle:/<debug session id>/cycle-<n>.json, served from that session's story. */
class CycleDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly sessions: Map<string, OfferDebugSession>) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, key, file] = uri.path.split('/');
    const cycle = Number(/^cycle-(\d+)\.json$/.exec(file ?? '')?.[1]);
    const session = this.sessions.get(key ?? '');
    if (!session || !Number.isInteger(cycle)) return '// This debug session has ended.';
    return session.document(cycle);
  }

  /** The live cycle's document grows as its story goes on: open ones are read again at each stop. */
  refresh(key: string): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === CYCLE_SCHEME && doc.uri.path.startsWith(`/${key}/`)) this.changed.fire(doc.uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function localConfiguration(c: Controller): vscode.DebugConfiguration | undefined {
  const master = c.session?.target.master;
  return master ? { type: DEBUG_TYPE, request: 'attach', name: LOCAL_NAME, master, stopOnEntry: true } : undefined;
}

class Configurations implements vscode.DebugConfigurationProvider {
  constructor(private readonly c: Controller) {}

  /** F5 without launch.json, or a configuration without `master`: the cluster this window is connected to. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) config = localConfiguration(this.c) ?? { type: DEBUG_TYPE, request: 'attach', name: LOCAL_NAME };
    if (!config.master) config.master = this.c.session?.target.master;
    if (!config.master) {
      void vscode.window.showErrorMessage('Mesolite: no master to debug. Connect to a cluster first, or set "master" (HOST:PORT or zk://...) in launch.json.');
      return undefined;
    }
    return config;
  }
}

export function register(c: Controller): vscode.Disposable {
  const sessions = new Map<string, OfferDebugSession>();
  const documents = new CycleDocuments(sessions);
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor(session) {
      const adapter = new OfferDebugSession({ documentScheme: CYCLE_SCHEME, key: session.id });
      adapter.debugger.on('stopped', () => documents.refresh(session.id));
      sessions.set(session.id, adapter);
      return new vscode.DebugAdapterInlineImplementation(adapter);
    },
  };
  return vscode.Disposable.from(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(CYCLE_SCHEME, documents),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.debug.onDidTerminateDebugSession((s) => sessions.delete(s.id)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new Configurations(c)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      provideDebugConfigurations: () => {
        const local = localConfiguration(c);
        return local ? [local] : [];
      },
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    command(c, 'debugOffers', () => {
      c.requireSession();
      return vscode.debug.startDebugging(undefined, localConfiguration(c)!);
    }),
  );
}
