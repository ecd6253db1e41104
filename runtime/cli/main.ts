// The mesolite command: daemons (master, agent, executor-host) and commands for people.
import { FlagError } from '../common/flags';
import { MESOLITE_VERSION } from '../master/version';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number | void> }> }> = {
  up: { summary: 'Start a local cluster (as processes, or in Docker with --docker)', load: () => import('./up') },
  down: { summary: 'Stop a local cluster started with up --detach (or remove a Docker cluster)', load: () => import('./down') },
  status: { summary: 'Show the cluster: leader, agents, frameworks, tasks', load: () => import('./status') },
  logs: { summary: "Print a cluster member's output (master-1, agent-2, marathon, ...)", load: () => import('./logs') },
  execute: { summary: 'Run one task, like mesos-execute', load: () => import('./execute') },
  'task exec': { summary: 'Run a command next to a running task, in its sandbox (-i: stdin, -t: a TTY)', load: () => import('./task-exec') },
  'task attach': { summary: "Follow a running task's output", load: async () => ({ run: (await import('./task-exec')).attach }) },
  master: { summary: 'Run a master daemon', load: () => import('./master') },
  agent: { summary: 'Run an agent daemon', load: () => import('./agent') },
  marathon: { summary: 'Run the Marathon-compatible app framework (REST API on --http_port)', load: () => import('./marathon') },
  'executor-host': { summary: '(internal) Run a framework\'s built-in executors; started by the agent', load: () => import('./executor-host') },
  'task-launcher': { summary: '(internal) Start task processes for an executor host', load: () => import('./task-launcher') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return `Usage: mesolite <command> [--flag=value ...]\n\nCommands:\n${lines.join('\n')}\n\nRun 'mesolite <command> --help' for a command's flags.\n`;
}

async function main(argv: string[]): Promise<number> {
  // Two-word commands (task exec) before one-word ones.
  const [name, ...rest] = COMMANDS[`${argv[0]} ${argv[1]}`] ? [`${argv[0]} ${argv[1]}`, ...argv.slice(2)] : argv;
  if (!name || name === '--help' || name === 'help') { process.stdout.write(usage()); return name ? 0 : 1; }
  if (name === '--version' || name === 'version') { process.stdout.write(`mesolite ${MESOLITE_VERSION}\n`); return 0; }
  const command = COMMANDS[name];
  if (!command) { process.stderr.write(`Unknown command '${name}'\n\n${usage()}`); return 1; }
  const result = await (await command.load()).run(rest);
  return typeof result === 'number' ? result : -1;
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`${e instanceof FlagError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
