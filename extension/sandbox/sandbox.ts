// Task sandboxes through their agent's /files API (the same in process and Docker mode): where a task's
// sandbox is, and its files as read-only documents (mesolite-sandbox://<agent host:port>/<path>).
import * as vscode from 'vscode';
import { FilesClient } from '../../runtime/client/files';
import type { Task } from '../../runtime/common/protocol/v1';
import type { Controller } from '../controller';

export const SANDBOX_SCHEME = 'mesolite-sandbox';

export async function taskSandbox(c: Controller, task: Task): Promise<{ files: FilesClient; agent: string; sandbox: string }> {
  const found = c.requireSession().state?.get_agents.agents.find((a) => a.agent_info.id?.value === task.agent_id.value);
  if (!found) throw new Error(`The agent of ${task.task_id.value} is gone`);
  const agent = `${found.agent_info.hostname}:${found.agent_info.port}`;
  const files = new FilesClient(`http://${agent}`);
  return { files, agent, sandbox: await files.sandboxOf(task.framework_id.value, task.task_id.value) };
}

export const sandboxUri = (agent: string, file: string) => vscode.Uri.from({ scheme: SANDBOX_SCHEME, authority: agent, path: file });

/** Serves mesolite-sandbox: documents, read when opened (reopen to see newer content). */
export class SandboxDocuments implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    return new FilesClient(`http://${uri.authority}`).download(uri.path);
  }
}
