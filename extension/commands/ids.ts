// Every command the extension contributes, by its id in package.json (contributes.commands): the
// registrations, the quick picks, the CodeLens and the status bar name them from here.
// test/unit/command-ids.test.ts keeps this list and package.json the same.
export const COMMANDS = {
  startLocalCluster: 'mesolite.startLocalCluster',
  stopLocalCluster: 'mesolite.stopLocalCluster',
  connect: 'mesolite.connect',
  showActions: 'mesolite.showActions',
  refresh: 'mesolite.refresh',
  deployApp: 'mesolite.deployApp',
  scaleApp: 'mesolite.scaleApp',
  restartApp: 'mesolite.restartApp',
  deleteApp: 'mesolite.deleteApp',
  killTask: 'mesolite.killTask',
  copyDnsName: 'mesolite.copyDnsName',
  showTaskLogs: 'mesolite.showTaskLogs',
  revealSandbox: 'mesolite.revealSandbox',
  showContainerLogs: 'mesolite.showContainerLogs',
  debugOffers: 'mesolite.debugOffers',
  keepRunningAfterClose: 'mesolite.keepRunningAfterClose',
  attachTerminal: 'mesolite.attachTerminal',
  runCommandInTask: 'mesolite.runCommandInTask',
  setCredentials: 'mesolite.setCredentials',
  openDashboard: 'mesolite.openDashboard',
  openInBrowser: 'mesolite.openInBrowser',
  deployJob: 'mesolite.deployJob',
  runJob: 'mesolite.runJob',
  disableJob: 'mesolite.disableJob',
  enableJob: 'mesolite.enableJob',
  deleteJob: 'mesolite.deleteJob',
  showJobGraph: 'mesolite.showJobGraph',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
