// A cluster that Start Local Cluster started, in either mode, and what Stop, Show Container Logs and
// the log channel do with it. The Docker side is loaded only for Docker clusters (it pulls in testcontainers).
import type * as vscode from 'vscode';
import type { DockerClusterInfo } from '../../runtime/cluster/docker';
import { stopProcessCluster, type ProcessClusterInfo } from '../../runtime/cluster/process';
import type { LogSource } from '../logs/panel';
import { dockerLogs, removeDockerCluster } from './docker';
import { processLogs, processMembers } from './process';

export type StartedCluster = ({ mode: 'process' } & ProcessClusterInfo) | ({ mode: 'docker' } & DockerClusterInfo);

/** What the session follows: ZooKeeper when there is one, so the views follow leader failovers. */
export const masterOf = (started: StartedCluster) => (started.mode === 'docker' ? started.zookeeper : started.masterFlag);

export function stopLocal(started: StartedCluster): Promise<void> {
  return started.mode === 'docker' ? removeDockerCluster(started.name) : stopProcessCluster(started);
}

/** Member names (master-1, agent-2, marathon, zookeeper-1...) whose logs can be shown. */
export function members(started: StartedCluster): string[] {
  return started.mode === 'docker' ? started.members.map((m) => m.name) : processMembers(started);
}

export function memberLogs(started: StartedCluster, member: string): LogSource {
  return started.mode === 'docker' ? dockerLogs(started.name, member) : processLogs(started, member);
}

/** Follows every member's log from its start into the log channel, one "[agent-1] ..." line at a time. */
export function followLogs(started: StartedCluster, log: vscode.LogOutputChannel): vscode.Disposable {
  const followers = members(started).map((member) => {
    let rest = '';
    return memberLogs(started, member)('stdout', (data) => {
      const lines = (rest + data).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) log.info(`[${member}] ${line}`);
    }, (message) => log.warn(`[${member}] ${message}`), (message) => log.info(`[${member}] ${message}`));
  });
  return { dispose: () => { for (const f of followers) f.stop(); } };
}
