// mesolite task log TASK [stdout|stderr] [--follow] [--lines=N]: a task's output from its sandbox, like
// `dcos task log` and `mesos task log`. TASK is a task id, a unique prefix of one, or an app id.
import { parseFlags, type FlagSpecs } from '../common/flags';
import { FilesClient } from '../client/files';
import { follow, listTasks, matchTasks, sandboxOf, tail } from '../client/tasks';
import { wantsHelp } from './daemon';
import { CliError } from './errors';
import { selfCommand } from './self';
import { masterOf, reachLeader, TARGET_FLAGS } from './target';

const FLAGS = {
  ...TARGET_FLAGS,
  follow: { type: 'bool', help: 'Keep printing what the task writes (Ctrl+C to stop)' },
  lines: { type: 'int', default: '10', help: 'Print the last N lines first' },
} satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'task log TASK [stdout|stderr]', FLAGS)) return 0;
  const { values: flags, positional } = parseFlags(FLAGS, argv);
  const [query, file = 'stdout'] = positional;
  if (!query || positional.length > 2) throw new CliError('Usage: mesolite task log TASK [stdout|stderr] [--follow] [--lines=N]; TASK: a task id, a unique prefix of one, or an app id');
  if (flags.lines! < 0) throw new CliError('--lines must be 0 or more');
  const leader = await reachLeader(await masterOf(flags));
  const matches = matchTasks(await listTasks(leader), query);
  const list = `${selfCommand()} task list --completed`;
  if (matches.length === 0) throw new CliError(`No task matches '${query}': ${list} shows every task`);
  if (matches.length > 1) {
    throw new CliError(`${matches.length} tasks match '${query}': ${matches.map((t) => `${t.id} (${t.state})`).join(', ')}; give more of the id`);
  }
  const [task] = matches;
  let path: string;
  let files: FilesClient;
  let end: number;
  try {
    path = `${await sandboxOf(task)}/${file}`;
    files = new FilesClient(task.agentUrl!);
    const last = await tail(files, path, flags.lines!);
    process.stdout.write(last.text);
    end = last.end;
  } catch (e) {
    throw new CliError(`Cannot read ${file} of task ${task.id}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  if (!flags.follow) return 0;
  return new Promise<number>((resolve) => {
    const following = follow(files, path, end, (text) => process.stdout.write(text), (reason) => {
      process.stderr.write(`Stopped following task ${task.id}: ${reason.split('\n')[0]} (the agent or the task's sandbox is gone)\n`);
      resolve(1);
    });
    process.once('SIGINT', () => { following.stop(); resolve(0); });
  });
}
