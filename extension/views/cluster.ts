// The Cluster view: ZooKeeper, masters (leader marked) and agents sorted by address, each with its short
// id and used / total resources, as Mesos' web UI lists them.
import * as vscode from 'vscode';
import type { Resource } from '../../runtime/common/protocol/v1';
import { parseZkUrl } from '../../runtime/common/zk-url';
import { agentAddress, shortAgentId, sortAgents } from './labels';
import { TreeView } from './view';

const scalar = (rs: Resource[] | undefined, name: string) => (rs ?? []).filter((r) => r.name === name).reduce((s, r) => s + (r.scalar?.value ?? 0), 0);

export function usage(used: Resource[], total: Resource[]): string {
  return ['cpus', 'mem', 'disk', 'gpus'].filter((n) => scalar(total, n) > 0).map((n) => `${n} ${+scalar(used, n).toFixed(2)}/${scalar(total, n)}`).join(' · ');
}

export class ClusterView extends TreeView {
  readonly parts = ['leader', 'agents'] as const;

  getChildren(): vscode.TreeItem[] {
    const s = this.c.session;
    if (!s) return [];
    const items: vscode.TreeItem[] = [];
    // zk://host:port,host:port/path: the servers the masters elect their leader in.
    for (const server of s.target.master.startsWith('zk://') ? parseZkUrl(s.target.master).servers.split(',') : []) {
      const item = new vscode.TreeItem(`zookeeper ${server}`);
      item.iconPath = new vscode.ThemeIcon('database');
      items.push(item);
    }
    const masters = s.target.started?.masters ?? (s.leader ? [s.leader] : []);
    for (const m of masters) {
      const item = new vscode.TreeItem(`master ${m.replace(/^http:\/\//, '')}`);
      item.description = m === s.leader ? 'leader' : '';
      item.iconPath = new vscode.ThemeIcon(m === s.leader ? 'star-full' : 'server');
      items.push(item);
    }
    for (const a of sortAgents(s.state?.get_agents.agents ?? [])) {
      const id = a.agent_info.id?.value ?? '';
      const item = new vscode.TreeItem(`agent ${agentAddress(a)}`);
      item.id = `agent:${id}`;
      item.description = `${shortAgentId(id)} · ${usage(a.allocated_resources, a.total_resources)}`;
      const attributes = (a.agent_info.attributes ?? []).map((t) => `${t.name}:${t.text?.value ?? t.scalar?.value}`).join('; ');
      item.tooltip = `${id}\nhost: ${a.agent_info.hostname}, port ${a.agent_info.port}${attributes ? `\nattributes: ${attributes}` : ''}${a.active ? '' : '\ninactive'}`;
      item.iconPath = new vscode.ThemeIcon(a.active ? 'vm-running' : 'vm-outline');
      item.contextValue = 'agent';
      items.push(item);
    }
    return items;
  }
}
