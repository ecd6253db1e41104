// Mesolite: Start Local Cluster — in Docker (mesolite.mode, the default) or as local processes, with a
// cancellable progress notification naming each step. Without a Docker engine it offers process mode;
// a Docker cluster of the same name still running can be connected to or replaced.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { existingDocker, removeDockerCluster, startDocker } from '../local/docker';
import { followLogs, masterOf, type StartedCluster } from '../local/local';
import { startProcess } from '../local/process';
import { readSettings } from '../settings';
import { command } from './command';

const UP_MESSAGE_MS = 15_000;

export function register(c: Controller, storagePath: string): vscode.Disposable {
  return command(c, 'startLocalCluster', async () => {
    const s = readSettings();
    let mode = s.mode;
    const existing = mode === 'docker' ? await existingDocker(s.clusterName).catch((e: Error) => e) : undefined;
    if (existing instanceof Error) {
      const why = existing.message.split('\n')[0];
      c.log.warn(`No Docker engine answers: ${why}`);
      const choice = await vscode.window.showWarningMessage(`No Docker engine answers (${why}). Start the cluster as local processes?`, 'Use Process Mode');
      if (choice !== 'Use Process Mode') return;
      mode = 'process';
    } else if (existing) {
      const choice = await vscode.window.showWarningMessage(`A Docker cluster named '${s.clusterName}' is running.`, 'Connect', 'Replace');
      if (choice === 'Connect') {
        // Not started by this window: closing it leaves the cluster running (Stop Local Cluster still stops it).
        connectStarted(c, existing, true);
        return;
      }
      if (choice !== 'Replace') return;
      await removeDockerCluster(s.clusterName);
    }
    const abort = new AbortController();
    const started = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Mesolite', cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      const report = (step: string) => { c.log.info(step); progress.report({ message: step }); };
      return mode === 'docker' ? startDocker(s, report, abort.signal) : startProcess(c.cliBundle, s, path.join(storagePath, 'cluster'), report, abort.signal);
    }).then(undefined, (e: Error) => {
      // The user cancelled: no error to show, the launcher has removed what it started.
      if (abort.signal.aborted) return undefined;
      throw e;
    });
    if (!started) { c.log.info('Start cancelled; what was started is removed'); return; }
    connectStarted(c, started, s.stopOnClose === 'never');
    // Said in passing (short enough for the status bar), not in a notification that waits for an answer
    // all session long; Cluster Actions, beside it, offers Keep Running After Close.
    const onClose = s.stopOnClose === 'never' ? 'it outlives this window' : 'it stops with this window';
    vscode.window.setStatusBarMessage(`$(check) Mesolite cluster up (masters: ${started.masters.length}, agents: ${started.agents.length}); ${onClose}`, UP_MESSAGE_MS);
    c.log.info(`Cluster '${started.name}' up (${started.mode}): masters ${started.masters.join(', ')}, agents ${started.agents.join(', ')}`);
  });
}

/** Views follow the cluster; the log channel follows its members' logs for as long as the session lasts. */
function connectStarted(c: Controller, started: StartedCluster, keepOnClose: boolean): void {
  c.connect({ master: masterOf(started), marathon: started.marathon, chronos: started.chronos, dns: started.dns?.http, started, keepOnClose }).own(followLogs(started, c.log));
}
