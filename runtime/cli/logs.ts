// mesolite logs MEMBER: a cluster member's output (master-1, agent-2, marathon, zookeeper-1, ...):
// its container's log for a Docker cluster, its log file for a process cluster (also once stopped:
// the files stay with the cluster's state).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFlags, type FlagSpecs } from '../common/flags';
import { clusterDir, clusterUnderName } from './cluster-files';
import { wantsHelp } from './daemon';
import { CliError } from './errors';
import { selfCommand } from './self';

const FLAGS = {
  name: { type: 'string', default: 'local', help: 'Name of the cluster' },
  follow: { type: 'bool', help: 'Keep printing new output (Docker clusters)' },
  tail: { type: 'int', help: 'Only the last N lines (Docker clusters)' },
} satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'logs MEMBER', FLAGS)) return 0;
  const { values: flags, positional } = parseFlags(FLAGS, argv);
  const member = positional[0];
  const name = flags.name!;
  if (!member || positional.length > 1) throw new CliError('Usage: mesolite logs MEMBER [--name=NAME] [--follow] [--tail=N], MEMBER like master-1, agent-2, marathon');
  const running = await clusterUnderName(name);
  if (running?.mode !== 'docker') {
    const logs = path.join(clusterDir(name), 'logs');
    const file = path.join(logs, `${member}.log`);
    if (fs.existsSync(file)) {
      process.stdout.write(fs.readFileSync(file));
      return 0;
    }
    if (!fs.existsSync(logs)) throw new CliError(`No cluster named '${name}' is running or has run here: start one with ${selfCommand()} up${name === 'local' ? '' : ` --name=${name}`}`);
    const members = fs.readdirSync(logs).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4));
    throw new CliError(`Cluster '${name}' has no member '${member}': its members are ${members.join(', ')}`);
  }
  const { connectToCluster, memberLogs } = await import('../cluster/docker');
  const members = (await connectToCluster(name))?.info.members.map((m) => m.name) ?? [];
  if (!members.includes(member)) throw new CliError(`Cluster '${name}' has no member '${member}': its members are ${members.join(', ')}`);
  const stream = await memberLogs(name, member, { follow: flags.follow, tail: flags.tail });
  stream.pipe(process.stdout);
  await new Promise((resolve) => stream.on('end', resolve));
  return 0;
}
