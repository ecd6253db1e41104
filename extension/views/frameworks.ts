// The Frameworks view (each framework with roles, state, resources and its tasks) and the Offers view
// (outstanding offers by framework and agent). Offers change with Mesolite's allocation cycle events.
import * as vscode from 'vscode';
import { usage } from './cluster';
import { sortTasks, taskLabel } from './labels';
import { TreeView } from './view';

/** A tree of nodes built at once: children are kept with their parent until the next render. */
abstract class NodeTree extends TreeView {
  private readonly children = new WeakMap<vscode.TreeItem, vscode.TreeItem[]>();

  getChildren(parent?: vscode.TreeItem): vscode.TreeItem[] {
    return parent ? this.children.get(parent) ?? [] : this.roots();
  }

  protected node(label: string, description: string, icon: string, children: vscode.TreeItem[] = []): vscode.TreeItem {
    const item = new vscode.TreeItem(label, children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.description = description;
    item.iconPath = new vscode.ThemeIcon(icon);
    this.children.set(item, children);
    return item;
  }

  protected abstract roots(): vscode.TreeItem[];
}

export class FrameworksView extends NodeTree {
  // Tasks: each framework lists its tasks.
  readonly parts = ['frameworks', 'tasks'] as const;

  protected roots(): vscode.TreeItem[] {
    const state = this.c.session?.state;
    if (!state) return [];
    return state.get_frameworks.frameworks.map((f) => {
      const id = f.framework_info.id?.value;
      const tasks = sortTasks(state.get_tasks.tasks.filter((t) => t.framework_id.value === id)).map((t) => this.node(taskLabel(t), t.state, 'symbol-event'));
      const roles = f.framework_info.roles ?? [f.framework_info.role ?? '*'];
      return this.node(f.framework_info.name, `${f.active ? 'active' : 'inactive'} · roles ${roles.join(',')} · ${usage(f.allocated_resources, f.allocated_resources)}`, 'organization', tasks);
    });
  }
}

export class OffersView extends NodeTree {
  // Agents: an offer shows its agent's name.
  readonly parts = ['offers', 'agents'] as const;

  protected roots(): vscode.TreeItem[] {
    const state = this.c.session?.state;
    if (!state) return [];
    const agents = new Map(state.get_agents.agents.map((a) => [a.agent_info.id?.value, `${a.agent_info.hostname}:${a.agent_info.port}`]));
    return state.get_frameworks.frameworks.filter((f) => f.offers?.length).map((f) =>
      this.node(f.framework_info.name, `${f.offers!.length} offer(s)`, 'organization', f.offers!.map((o) =>
        this.node(agents.get(o.agent_id.value) ?? o.agent_id.value, usage(o.resources, o.resources), 'gift'))));
  }
}
