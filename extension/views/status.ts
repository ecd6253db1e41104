// The status bar item: the leader, the number of agents and of running tasks; it opens Cluster Actions.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { Controller } from '../controller';
import type { Renderer } from './view';

export class StatusItem implements Renderer, vscode.Disposable {
  readonly parts = ['leader', 'agents', 'tasks'] as const;
  private readonly item = vscode.window.createStatusBarItem('mesolite.status', vscode.StatusBarAlignment.Left);

  constructor(private readonly c: Controller) {
    this.item.name = 'Mesolite';
    this.item.command = COMMANDS.showActions;
  }

  refresh(): void {
    const session = this.c.session;
    if (!session) { this.item.hide(); return; }
    const state = session.state;
    const running = state?.get_tasks.tasks.filter((t) => t.state === 'TASK_RUNNING').length ?? 0;
    this.item.text = `$(server-environment) Mesolite ${session.leader?.replace(/^http:\/\//, '') ?? '(no leader)'} · ${state?.get_agents.agents.length ?? 0} agents · ${running} running`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
