// What every command and view shares: the current session, the log channel and context keys for
// when-clauses (mesolite.connected, mesolite.startedLocally).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Credentials } from '../runtime/common/authentication';
import { ClusterSession, type ClusterTarget } from './session';

export class Controller implements vscode.Disposable {
  session?: ClusterSession;
  /** For clusters that authenticate HTTP (credentials.ts): sessions connect with them. */
  credentials?: Credentials;
  private readonly sessionChanged = new vscode.EventEmitter<ClusterSession | undefined>();
  /** Fires when a session starts or ends; views re-subscribe to its onDidChange. */
  readonly onDidChangeSession = this.sessionChanged.event;

  constructor(readonly extensionPath: string, readonly log: vscode.LogOutputChannel) {}

  /** The CLI bundle shipped inside the extension (dist/mesolite.js). */
  get cliBundle(): string {
    return path.join(this.extensionPath, 'dist', 'mesolite.js');
  }

  connect(target: ClusterTarget): ClusterSession {
    this.session?.dispose();
    this.session = new ClusterSession({ credentials: this.credentials, ...target }, this.log);
    void vscode.commands.executeCommand('setContext', 'mesolite.connected', true);
    void vscode.commands.executeCommand('setContext', 'mesolite.startedLocally', target.started !== undefined);
    this.sessionChanged.fire(this.session);
    return this.session;
  }

  disconnect(): void {
    this.session?.dispose();
    this.session = undefined;
    void vscode.commands.executeCommand('setContext', 'mesolite.connected', false);
    void vscode.commands.executeCommand('setContext', 'mesolite.startedLocally', false);
    this.sessionChanged.fire(undefined);
  }

  /** The session, or an error the user can act on. */
  requireSession(): ClusterSession {
    if (!this.session) throw new Error('No cluster: run "Mesolite: Start Local Cluster" or "Mesolite: Connect to Cluster" first');
    return this.session;
  }

  requireMarathon() {
    const marathon = this.requireSession().marathon;
    if (!marathon) throw new Error('This cluster has no Marathon-compatible app framework configured');
    return marathon;
  }

  dispose(): void {
    this.session?.dispose();
    this.sessionChanged.dispose();
  }
}
