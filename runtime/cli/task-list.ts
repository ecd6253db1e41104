// mesolite task list: the cluster's tasks (running ones; --completed adds finished ones), with their
// sandbox paths in --json, from any master or a local cluster by name.
import { parseFlags, type FlagSpecs } from '../common/flags';
import { listTasks, sandboxesOf } from '../client/tasks';
import { wantsHelp } from './daemon';
import { masterOf, reachLeader, TARGET_FLAGS } from './target';

const FLAGS = {
  ...TARGET_FLAGS,
  completed: { type: 'bool', help: 'Also list tasks that have ended' },
  json: { type: 'bool', help: 'Print JSON: id, name, state, framework, agent and sandbox of each task' },
} satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'task list', FLAGS)) return 0;
  const { values: flags } = parseFlags(FLAGS, argv);
  const leader = await reachLeader(await masterOf(flags));
  const tasks = (await listTasks(leader)).filter((t) => t.active || flags.completed);
  if (flags.json) {
    const sandboxes = await sandboxesOf(tasks);
    const out = tasks.map((t) => ({
      id: t.id, name: t.name, state: t.state,
      framework: { id: t.frameworkId, name: t.frameworkName },
      agent: { id: t.agentId, url: t.agentUrl ?? null },
      sandbox: sandboxes.get(t.id) ?? null,
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  if (tasks.length === 0) {
    process.stdout.write(`No ${flags.completed ? '' : 'running '}tasks\n`);
    return 0;
  }
  const rows = [['ID', 'STATE', 'NAME', 'FRAMEWORK', 'AGENT'], ...tasks.map((t) => [t.id, t.state, t.name, t.frameworkName, t.agentUrl?.replace('http://', '') ?? t.agentId])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(`${rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`);
  return 0;
}
