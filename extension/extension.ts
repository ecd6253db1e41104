// Activation: every registration goes into context.subscriptions, in this one place.
import * as vscode from 'vscode';
import { Controller } from './controller';
import * as actions from './commands/actions';
import * as attachTerminal from './commands/attach-terminal';
import * as connect from './commands/connect';
import * as debugOffers from './debug/vscode';
import * as deploy from './commands/deploy';
import * as showTaskLogs from './commands/show-task-logs';
import * as showContainerLogs from './commands/show-container-logs';
import * as openDashboard from './commands/open-dashboard';
import * as scale from './commands/scale';
import * as restart from './commands/restart';
import * as deleteApp from './commands/delete';
import * as killtask from './commands/kill-task';
import * as copyDnsName from './commands/copy-dns-name';
import * as keepRunning from './commands/keep-running';
import { APP_JSON, DeployCodeLens, DeployJobCodeLens, JOB_JSON } from './deploy/codelens';
import * as jobs from './commands/jobs';
import * as jobGraph from './commands/job-graph';
import * as refresh from './commands/refresh';
import * as revealSandbox from './commands/reveal-sandbox';
import * as runCommandInTask from './commands/run-command-in-task';
import * as setCredentials from './commands/set-credentials';
import * as start from './commands/start';
import * as stop from './commands/stop';
import { CredentialStore } from './credentials';
import { SANDBOX_SCHEME, SandboxDocuments } from './sandbox/sandbox';
import type { Change } from './session';
import { AppsView } from './views/apps';
import { ClusterView } from './views/cluster';
import { FrameworksView, OffersView } from './views/frameworks';
import { JobsView } from './views/jobs';
import { StatusItem } from './views/status';
import { TaskTerminals } from './terminal/terminals';
import { TasksView } from './views/tasks';

let controller: Controller | undefined;

export function activate(context: vscode.ExtensionContext) {
  const log = vscode.window.createOutputChannel('Mesolite', { log: true });
  const c = (controller = new Controller(context.extensionPath, log));
  const cluster = new ClusterView(c);
  const apps = new AppsView(c);
  const tasks = new TasksView(c);
  const frameworks = new FrameworksView(c);
  const offers = new OffersView(c);
  const jobsView = new JobsView(c);
  const diagnostics = vscode.languages.createDiagnosticCollection('mesolite');
  const lens = new DeployCodeLens(c);
  const jobLens = new DeployJobCodeLens(c);
  const status = new StatusItem(c);
  const credentials = new CredentialStore(context.secrets);
  const terminals = new TaskTerminals(c);
  // Ready long before anyone connects; a failure to read them leaves connections without credentials.
  void credentials.get().then((found) => { c.credentials ??= found; }, (e: Error) => log.warn(`Cannot read the credentials: ${e.message}`));
  // Each re-renders when a part it draws changed; all of them when the session starts or ends.
  const render = (changes?: ReadonlySet<Change>) => {
    for (const r of [cluster, apps, frameworks, offers, tasks, jobsView, lens, jobLens, status]) if (!changes || r.parts.some((p) => changes.has(p))) r.refresh();
  };
  let sessionListener: vscode.Disposable | undefined;
  context.subscriptions.push(
    log, c, status,
    { dispose: () => sessionListener?.dispose() },
    c.onDidChangeSession((session) => { sessionListener?.dispose(); sessionListener = session?.onDidChange(render); render(); }),
    vscode.window.registerTreeDataProvider('mesolite.cluster', cluster),
    vscode.window.registerTreeDataProvider('mesolite.apps', apps),
    vscode.window.registerTreeDataProvider('mesolite.frameworks', frameworks),
    vscode.window.registerTreeDataProvider('mesolite.offers', offers),
    vscode.window.registerTreeDataProvider('mesolite.tasks', tasks),
    vscode.window.registerTreeDataProvider('mesolite.jobs', jobsView),
    start.register(c, context.globalStorageUri.fsPath),
    stop.register(c),
    keepRunning.register(c),
    connect.register(c),
    actions.register(c),
    refresh.register(c),
    diagnostics,
    vscode.languages.registerCodeLensProvider(APP_JSON, lens),
    vscode.languages.registerCodeLensProvider(JOB_JSON, jobLens),
    jobs.register(c),
    jobGraph.register(c),
    deploy.register(c, diagnostics),
    showTaskLogs.register(c, context.extensionUri),
    showContainerLogs.register(c, context.extensionUri),
    openDashboard.register(c, context.extensionUri),
    scale.register(c),
    restart.register(c),
    deleteApp.register(c),
    killtask.register(c),
    copyDnsName.register(c),
    vscode.workspace.registerTextDocumentContentProvider(SANDBOX_SCHEME, new SandboxDocuments()),
    revealSandbox.register(c),
    debugOffers.register(c),
    terminals,
    attachTerminal.register(c, terminals),
    runCommandInTask.register(c, terminals),
    setCredentials.register(c, credentials),
  );
  return { controller: c, views: { cluster, apps, frameworks, offers, tasks, jobs: jobsView }, lens, jobLens, terminals };
}

/** A cluster this extension started is stopped with the window unless the user chose to keep it. */
export async function deactivate(): Promise<void> {
  const target = controller?.session?.target;
  if (target?.started && !target.keepOnClose) await stop.stopStarted(controller!);
}
