// Credentials for clusters that authenticate HTTP (Mesos' --authenticate_http_readwrite): the principal
// is the setting mesolite.principal, its secret lives in VS Code's SecretStorage, never in settings.
import * as vscode from 'vscode';
import type { Credentials } from '../runtime/common/authentication';

const secretKey = (principal: string) => `mesolite.secret:${principal}`;

export class CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The configured principal with its stored secret; none without a principal. */
  async get(): Promise<Credentials | undefined> {
    const principal = vscode.workspace.getConfiguration('mesolite').get<string>('principal', '');
    if (!principal) return undefined;
    return { principal, secret: (await this.secrets.get(secretKey(principal))) ?? '' };
  }

  async set({ principal, secret }: Credentials): Promise<void> {
    await this.secrets.store(secretKey(principal), secret);
    await vscode.workspace.getConfiguration('mesolite').update('principal', principal, vscode.ConfigurationTarget.Global);
  }
}
