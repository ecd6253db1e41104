// Mesolite: Start Local Cluster — process mode through runtime/cluster/process.ts, with a cancellable
// progress notification naming each step. Docker mode waits for the Docker launcher.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startProcessCluster } from '../../runtime/cluster/process';
import type { Controller } from '../controller';
import { readSettings } from '../settings';
import { command } from './command';

export function register(c: Controller, storagePath: string): vscode.Disposable {
  return command(c, 'mesolite.startLocalCluster', async () => {
    const s = readSettings();
    if (s.mode === 'docker') {
      const choice = await vscode.window.showWarningMessage('The Docker launcher is not available in this build. Start the cluster as local processes?', 'Use Process Mode');
      if (choice !== 'Use Process Mode') return;
    }
    const workDir = path.join(storagePath, 'cluster');
    const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Mesolite', cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return startProcessCluster({
        name: 'vscode', workDir, agents: s.agents, masters: s.masters, masterPort: s.masterPort, firstAgentPort: s.masterPort + s.masters,
        agentResources: s.agentResources, marathonPort: s.marathonPort, signal: abort.signal,
        // In desktop VS Code execPath is Electron: run it as plain Node.
        cli: { command: process.execPath, args: [c.cliBundle], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
        onProgress: (step) => { c.log.info(step); progress.report({ message: step }); },
      });
    });
    const session = c.connect({ master: info.masterFlag, marathon: info.marathon, started: info, keepOnClose: s.stopOnClose === 'never' });
    if (s.stopOnClose === 'ask') {
      // Not awaited: the command is done; the answer only decides what closing VS Code does.
      void vscode.window.showInformationMessage(`Mesolite cluster up (${info.agents.length} agents). It stops when this window closes.`, 'Keep Running After Close')
        .then((choice) => { if (choice) session.target.keepOnClose = true; });
    }
    c.log.info(`Cluster up: master ${info.master}, agents ${info.agents.join(', ')}; logs in ${path.join(workDir, 'logs')}`);
  });
}
