// The extension's settings (mesolite.*), read fresh each time they are needed.
import * as vscode from 'vscode';

export interface Settings {
  mode: 'docker' | 'process';
  /** auto: three in Docker (ZooKeeper runs there anyway), one as processes (which then need only Node). */
  masters: number | 'auto';
  agents: number;
  agentResources: string;
  masterPort: number;
  marathonPort: number;
  /** 0: no job framework. */
  chronosPort: number;
  clusterName: string;
  /** Empty: MESOLITE_ZOOKEEPER_IMAGE / MESOLITE_NODE_IMAGE, else the public images (the launcher decides). */
  images: { zookeeper: string; runtime: string };
  stopOnClose: 'ask' | 'always' | 'never';
}

/** How many masters a cluster started in that mode gets. */
export const mastersFor = (s: Settings, mode: Settings['mode']): number => (s.masters === 'auto' ? (mode === 'docker' ? 3 : 1) : s.masters);

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('mesolite');
  return {
    mode: c.get('mode', 'docker'),
    masters: c.get('masters', 'auto'),
    agents: c.get('agents', 2),
    agentResources: c.get('agentResources', 'cpus:4;mem:4096;disk:10000'),
    masterPort: c.get('masterPort', 5050),
    marathonPort: c.get('marathonPort', 8080),
    chronosPort: c.get('chronosPort', 4400),
    clusterName: c.get('clusterName', 'vscode'),
    images: { zookeeper: c.get('images.zookeeper', ''), runtime: c.get('images.runtime', '') },
    stopOnClose: c.get('stopOnClose', 'ask'),
  };
}
