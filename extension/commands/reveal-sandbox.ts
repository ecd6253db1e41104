// Mesolite: Reveal Sandbox — browse a task's sandbox (quick picks, directory by directory) and open a
// file of it read-only; with a path relative to the sandbox, opens that file directly.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { sandboxUri, taskSandbox } from '../sandbox/sandbox';
import { command } from './command';
import { pickTask } from './pick';

export function register(c: Controller): vscode.Disposable {
  return command(c, 'revealSandbox', async (arg?: unknown, file?: string) => {
    const task = await pickTask(c, arg);
    if (!task) return;
    const { files, agent, sandbox } = await taskSandbox(c, task);
    let dir = sandbox;
    while (file === undefined) {
      const entries = await files.browse(dir);
      const up = dir === sandbox ? [] : [{ label: '$(arrow-up) ..', path: dir.slice(0, dir.lastIndexOf('/')), directory: true }];
      const items = entries.map((e) => {
        const directory = e.mode.startsWith('d');
        return { label: `${directory ? '$(folder)' : '$(file)'} ${e.path.slice(e.path.lastIndexOf('/') + 1)}`, description: directory ? '' : `${e.size} bytes`, path: e.path, directory };
      });
      const picked = await vscode.window.showQuickPick([...up, ...items], { placeHolder: `${task.task_id.value}: ${dir.slice(sandbox.length) || '/'}` });
      if (!picked) return;
      if (picked.directory) dir = picked.path;
      else file = picked.path.slice(sandbox.length + 1);
    }
    const doc = await vscode.workspace.openTextDocument(sandboxUri(agent, `${sandbox}/${file}`));
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  });
}
