// The mesolite command: daemons (master, agent, executor-host) and commands for people.
import { MESOLITE_VERSION } from '../master/version';
import { describeError } from './errors';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number | void> }> }> = {
  up: { summary: 'Start a local cluster (as processes, or in Docker with --docker)', load: () => import('./up') },
  down: { summary: 'Stop a local cluster started with up --detach (or remove a Docker cluster)', load: () => import('./down') },
  status: { summary: 'Show the cluster: leader, agents, frameworks, tasks', load: () => import('./status') },
  task: { summary: 'Tasks: task list | task log TASK | task exec [-i] [-t] TASK -- CMD | task attach TASK', load: () => import('./task') },
  deploy: { summary: 'Deploy an app JSON to the app framework and follow the deployment', load: () => import('./deploy') },
  logs: { summary: "Print a cluster member's output (master-1, agent-2, marathon, ...)", load: () => import('./logs') },
  execute: { summary: 'Run one task, like mesos-execute', load: () => import('./execute') },
  master: { summary: 'Run a master daemon', load: () => import('./master') },
  agent: { summary: 'Run an agent daemon', load: () => import('./agent') },
  marathon: { summary: 'Run the Marathon-compatible app framework (REST API on --http_port)', load: () => import('./marathon') },
  chronos: { summary: 'Run the Chronos-compatible job framework (REST API on --http_port, default 4400)', load: () => import('./chronos') },
  dns: { summary: 'Run the Mesos-DNS-compatible DNS server and HTTP API (--config=config.json, or its fields as flags)', load: () => import('./dns') },
  'executor-host': { summary: '(internal) Run a framework\'s built-in executors; started by the agent', load: () => import('./executor-host') },
  'task-launcher': { summary: '(internal) Start task processes for an executor host', load: () => import('./task-launcher') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return `Usage: mesolite <command> [--flag=value ...] [--verbose]\n\nCommands:\n${lines.join('\n')}\n\nRun 'mesolite <command> --help' for a command's flags.\n`;
}

// --verbose is the CLI's own: it is taken out before a command (or a daemon's Mesos flags) sees argv.
const verbose = process.argv.includes('--verbose');
const argv = process.argv.slice(2).filter((a) => a !== '--verbose');

async function main(): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') { process.stdout.write(usage()); return name ? 0 : 1; }
  if (name === '--version' || name === 'version') { process.stdout.write(`mesolite ${MESOLITE_VERSION}\n`); return 0; }
  const command = COMMANDS[name];
  if (!command) { process.stderr.write(`Unknown command '${name}' (mesolite --help lists the commands)\n`); return 1; }
  const result = await (await command.load()).run(rest);
  return typeof result === 'number' ? result : -1;
}

main().then((code) => {
  if (code >= 0) process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`${describeError(e, argv[0], verbose)}\n`);
  process.exitCode = 1;
});
