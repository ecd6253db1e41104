// Process mode: the packaged CLI bundle's daemons as local processes (runtime/cluster/process.ts),
// each writing its log file under <workDir>/logs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startProcessCluster, type ProcessClusterInfo } from '../../runtime/cluster/process';
import { fileSource, type LogSource } from '../logs/panel';
import { mastersFor, type Settings } from '../settings';
import type { StartedCluster } from './local';

export async function startProcess(cliBundle: string, s: Settings, workDir: string, report: (step: string) => void, signal: AbortSignal): Promise<StartedCluster> {
  const masters = mastersFor(s, 'process');
  const info = await startProcessCluster({
    name: s.clusterName, workDir, agents: s.agents, masters, masterPort: s.masterPort,
    agentResources: s.agentResources, marathonPort: s.marathonPort, chronosPort: s.chronosPort || undefined, signal, onProgress: report,
    // In desktop VS Code execPath is Electron: run it as plain Node.
    cli: { command: process.execPath, args: [cliBundle], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
  });
  return { mode: 'process', ...info };
}

const logsDir = (info: ProcessClusterInfo) => path.join(info.workDir, 'logs');

export function processMembers(info: ProcessClusterInfo): string[] {
  return fs.readdirSync(logsDir(info)).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4));
}

export function processLogs(info: ProcessClusterInfo, member: string): LogSource {
  return fileSource(path.join(logsDir(info), `${member}.log`));
}
