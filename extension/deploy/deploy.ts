// Deploys an app JSON document: PUT /v2/apps/{id} (creates or updates), then shows the deployment's
// progress until Marathon no longer lists it. A 422 becomes diagnostics at the paths it names.
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { MarathonError } from '../../runtime/client/marathon';
import type { Controller } from '../controller';
import { detailsToDiagnostics } from './diagnostics';

export async function deployDocument(c: Controller, doc: vscode.TextDocument, diagnostics: vscode.DiagnosticCollection): Promise<boolean> {
  const marathon = c.requireMarathon();
  const app = parse(doc.getText()) as Record<string, unknown> | undefined;
  if (!app || typeof app.id !== 'string') throw new Error(`${doc.fileName} has no app "id"`);
  diagnostics.delete(doc.uri);
  let deploymentId: string;
  try {
    deploymentId = (await marathon.updateApp(app.id, app)).deploymentId;
  } catch (e) {
    if (e instanceof MarathonError && e.status === 422) {
      diagnostics.set(doc.uri, detailsToDiagnostics(doc, e.details));
      void vscode.window.showErrorMessage(`Marathon refused ${app.id}: see the Problems view`);
      return false;
    }
    throw e;
  }
  c.log.info(`Deploying ${app.id} (deployment ${deploymentId})`);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${app.id}` }, async (progress) => {
    const session = c.requireSession();
    // Marathon's events wake the session; each change re-reads /v2/deployments once.
    await new Promise<void>((resolve) => {
      const check = async () => {
        const d = (await marathon.deployments().catch(() => [])).find((x) => x.id === deploymentId);
        if (!d) { listener.dispose(); resolve(); return; }
        progress.report({ message: `step ${d.currentStep}/${d.totalSteps} ${d.currentActions?.map((a) => a.action).join(', ') ?? ''}` });
      };
      const listener = session.onDidChange(() => void check());
      void check();
    });
  });
  return true;
}
