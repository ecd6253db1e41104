// Mesolite: Set Credentials — the principal and secret for clusters that authenticate HTTP; the secret
// goes to SecretStorage. The connected cluster is reconnected with them.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import type { CredentialStore } from '../credentials';
import { command } from './command';

export function register(c: Controller, store: CredentialStore): vscode.Disposable {
  return command(c, 'setCredentials', async () => {
    const current = await store.get();
    const principal = await vscode.window.showInputBox({ prompt: 'Principal (as in the cluster\'s --http_credentials)', value: current?.principal ?? '' });
    if (!principal) return;
    const secret = await vscode.window.showInputBox({ prompt: `Secret of ${principal}`, password: true });
    if (secret === undefined) return;
    await store.set({ principal, secret });
    c.credentials = { principal, secret };
    if (c.session) c.connect({ ...c.session.target, credentials: c.credentials });
  });
}
