// mesolite task list | task log: the subcommands, one file each.
import { CliError } from './errors';

const SUBCOMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  list: () => import('./task-list'),
  log: () => import('./task-log'),
};

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const load = sub ? SUBCOMMANDS[sub] : undefined;
  if (!load) {
    if (sub === '--help') { process.stdout.write('Usage: mesolite task list [--json] | mesolite task log TASK [--follow] [--lines=N] [stdout|stderr]\n'); return 0; }
    throw new CliError(`${sub ? `Unknown subcommand 'task ${sub}'` : 'task needs a subcommand'}: mesolite task list, or mesolite task log TASK`);
  }
  return (await load()).run(rest);
}
