// mesolite down: stop a local cluster and everything it started: the processes of a process cluster
// (its state stays in its directory for the next up), or every container and network labelled with
// the name of a Docker cluster (leftovers included).
import { parseFlags, type FlagSpecs } from '../common/flags';
import { stopProcessCluster } from '../cluster/process';
import { countClusterContainers } from '../cluster/docker/lookup';
import { readRecord, removeRecord } from './cluster-files';
import { wantsHelp } from './daemon';
import { CliError } from './errors';

const FLAGS = { name: { type: 'string', default: 'local', help: 'Name of the cluster' } } satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'down', FLAGS)) return 0;
  const { values: flags } = parseFlags(FLAGS, argv);
  const name = flags.name!;
  // A record whose daemons died is stopped all the same: it may have left executors and tasks behind.
  const record = readRecord(name);
  if (record) {
    await stopProcessCluster(record);
    removeRecord(record);
    process.stdout.write(`Cluster '${name}' stopped\n`);
    return 0;
  }
  // Loading the Docker launcher costs a second: only when an engine answers.
  if ((await countClusterContainers(name)) === undefined) throw new CliError(`No cluster named '${name}' is running`);
  const { removeCluster } = await import('../cluster/docker');
  const removed = await removeCluster(name);
  if (removed.containers + removed.networks === 0) throw new CliError(`No cluster named '${name}' is running`);
  process.stdout.write(`Cluster '${name}' removed (${removed.containers} container(s), ${removed.networks} network(s))\n`);
  return 0;
}
