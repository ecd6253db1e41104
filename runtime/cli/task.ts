// mesolite task list | log | exec | attach: the subcommands (exec and attach share task-exec.ts).
import { CliError } from './errors';

const SUBCOMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  list: () => import('./task-list'),
  log: () => import('./task-log'),
  exec: () => import('./task-exec'),
  attach: async () => ({ run: (await import('./task-exec')).attach }),
};

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const load = sub ? SUBCOMMANDS[sub] : undefined;
  if (!load) {
    if (sub === '--help') { process.stdout.write('Usage: mesolite task list [--json] | task log TASK [--follow] [--lines=N] [stdout|stderr] | task exec [-i] [-t] TASK -- CMD [ARGS...] | task attach TASK\n'); return 0; }
    throw new CliError(`${sub ? `Unknown subcommand 'task ${sub}'` : 'task needs a subcommand'}: mesolite task list, task log TASK, task exec TASK -- CMD or task attach TASK`);
  }
  return (await load()).run(rest);
}
