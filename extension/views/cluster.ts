// The Cluster view: ZooKeeper, masters (the leader, then the standbys) and agents sorted by address, each
// with its short id and used / total resources, as Mesos' web UI lists them.
import * as vscode from 'vscode';
import type { Resource } from '../../runtime/common/protocol/v1';
import { parseZkUrl } from '../../runtime/common/zk-url';
import { agentAddress, naturalCompare, shortAgentId, sortAgents } from './labels';
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
    // A cluster connected to by address knows only its leader; one started here knows every master.
    const masters = [...new Set([...(s.leader ? [s.leader] : []), ...[...(s.target.started?.masters ?? [])].sort(naturalCompare)])];
    for (const m of masters) {
      const item = new vscode.TreeItem(`master ${m.replace(/^http:\/\//, '')}`);
      // Between a leader's loss and the next election nobody leads, and nobody stands by for anyone.
      item.description = !s.leader ? 'electing' : m === s.leader ? 'leader' : 'standby';
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
