// mesolite logs MEMBER: a cluster member's output (master-1, agent-2, marathon, zookeeper-1, ...):
// its container's log for a Docker cluster, its log file for a process cluster.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FlagError, parseFlags, type FlagSpecs } from '../common/flags';
import { readRecord } from './cluster-files';
import { wantsHelp } from './daemon';

const FLAGS = {
  name: { type: 'string', default: 'local', help: 'Name of the cluster' },
  follow: { type: 'bool', help: 'Keep printing new output (Docker clusters)' },
  tail: { type: 'int', help: 'Only the last N lines (Docker clusters)' },
} satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'logs MEMBER', FLAGS)) return 0;
  const { values: flags, positional } = parseFlags(FLAGS, argv);
  const member = positional[0];
  if (!member || positional.length > 1) throw new FlagError('Usage: mesolite logs MEMBER [--name=NAME] [--follow] [--tail=N], MEMBER like master-1, agent-2, marathon');
  const record = readRecord(flags.name!);
  if (record) {
    const file = path.join(record.workDir, 'logs', `${member}.log`);
    if (!fs.existsSync(file)) { process.stderr.write(`Cluster '${flags.name}' has no log for '${member}' (${file})\n`); return 1; }
    process.stdout.write(fs.readFileSync(file));
    return 0;
  }
  const { memberLogs } = await import('../cluster/docker');
  const stream = await memberLogs(flags.name!, member, { follow: flags.follow, tail: flags.tail });
  stream.pipe(process.stdout);
  await new Promise((resolve) => stream.on('end', resolve));
  return 0;
}
