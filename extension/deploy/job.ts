// Deploys a job JSON document (*.job.json) to the job framework: POST /v1/scheduler/iso8601, or
// /dependency for a job with parents (either adds or replaces). Chronos' 400 names the field
// (`'schedule': cannot parse ...`): it becomes a diagnostic on that field. Answers whether it deployed.
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { ChronosError } from '../../runtime/client/chronos';
import type { Controller } from '../controller';
import { diagnosticAt } from './diagnostics';

export async function deployJobDocument(c: Controller, doc: vscode.TextDocument, diagnostics: vscode.DiagnosticCollection): Promise<boolean> {
  const chronos = c.requireSession().chronos;
  if (!chronos) throw new Error('This cluster has no Chronos-compatible job framework configured');
  const job = parse(doc.getText()) as Record<string, unknown> | undefined;
  if (!job || typeof job.name !== 'string') throw new Error(`${doc.fileName} has no job "name"`);
  diagnostics.delete(doc.uri);
  try {
    await chronos.putJob(job);
  } catch (e) {
    if (e instanceof ChronosError && e.status === 400) {
      diagnostics.set(doc.uri, [diagnosticAt(doc, e.field, e.reason, 'Chronos')]);
      void vscode.window.showErrorMessage(`The job framework refused ${job.name}: see the Problems view`);
      return false;
    }
    throw e;
  }
  c.log.info(`Deployed job ${job.name}`);
  c.requireSession().refreshJobs();
  return true;
}
