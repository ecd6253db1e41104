// Deploys an app JSON document: PUT /v2/apps/{id} (creates or updates), then shows the deployment's
// progress until Marathon no longer lists it, or until the session ends (the cluster stopped) with a
// message saying so. A 422 becomes diagnostics at the paths it names. Answers whether it deployed.
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { MarathonError } from '../../runtime/client/marathon';
import type { Controller } from '../controller';
import { detailsToDiagnostics } from './diagnostics';

export async function deployDocument(c: Controller, doc: vscode.TextDocument, diagnostics: vscode.DiagnosticCollection): Promise<boolean> {
  const session = c.requireSession();
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
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${app.id}` }, (progress) =>
    new Promise<'done' | 'ended'>((resolve) => {
      // Marathon's deployment events wake this; each re-reads /v2/deployments once.
      const check = async () => {
        let deployments;
        try {
          deployments = await marathon.deployments();
        } catch (e) {
          // Not "done": the next deployment event, or the session's end, decides.
          progress.report({ message: `waiting for the app framework (${(e as Error).message})` });
          return;
        }
        const d = deployments.find((x) => x.id === deploymentId);
        if (!d) return finish('done');
        progress.report({ message: `step ${d.currentStep}/${d.totalSteps} ${d.currentActions?.map((a) => a.action).join(', ') ?? ''}` });
      };
      const listeners = [
        session.onDidChange((changes) => { if (changes.has('deployments')) void check(); }),
        session.onDidEnd(() => finish('ended')),
      ];
      const finish = (how: 'done' | 'ended') => { for (const l of listeners) l.dispose(); resolve(how); };
      if (session.isEnded) finish('ended'); else void check();
    }));
  if (outcome === 'ended') {
    const message = `The connection to the cluster ended before ${app.id} was deployed (deployment ${deploymentId})`;
    c.log.warn(message);
    void vscode.window.showWarningMessage(message);
    return false;
  }
  return true;
}
