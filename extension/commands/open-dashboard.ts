// Mesolite: Open Dashboard — the master web UI's pages in a panel, talking to the cluster through the
// extension host; Mesolite: Open in Browser — the leading master's web UI at its real URL.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { openDashboardPanel } from '../dashboard/panel';
import { command } from './command';

export function register(c: Controller, extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.Disposable.from(
    command(c, 'openDashboard', () => openDashboardPanel(extensionUri, c.requireSession())),
    command(c, 'openInBrowser', async () => {
      const session = c.requireSession();
      const url = session.leader ?? session.target.master;
      if (!/^https?:\/\//.test(url)) throw new Error(`The leading master is not known yet (${url}): try again once the Cluster view shows it`);
      await vscode.env.openExternal(vscode.Uri.parse(`${url}/`));
    }),
  );
}
