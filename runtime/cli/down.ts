// mesolite down: stop a local cluster and everything it started: the processes of a process cluster,
// or every container and network labelled with the name of a Docker cluster (leftovers included).
import * as fs from 'node:fs';
import { parseFlags, type FlagSpecs } from '../common/flags';
import { stopProcessCluster } from '../cluster/process';
import { readRecord, recordFile } from './cluster-files';
import { wantsHelp } from './daemon';

const FLAGS = { name: { type: 'string', default: 'local', help: 'Name of the cluster' } } satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'down', FLAGS)) return 0;
  const { values: flags } = parseFlags(FLAGS, argv);
  const record = readRecord(flags.name!);
  if (record) {
    await stopProcessCluster(record);
    fs.rmSync(recordFile(record.workDir), { force: true });
    process.stdout.write(`Cluster '${flags.name}' stopped\n`);
    return 0;
  }
  const { removeCluster } = await import('../cluster/docker');
  const removed = await removeCluster(flags.name!).catch((e: Error) => e);
  if (removed instanceof Error || removed.containers + removed.networks === 0) {
    process.stderr.write(`No cluster named '${flags.name}' is running${removed instanceof Error ? ` (and Docker does not answer: ${removed.message.split('\n')[0]})` : ''}\n`);
    return 1;
  }
  process.stdout.write(`Cluster '${flags.name}' removed (${removed.containers} container(s), ${removed.networks} network(s))\n`);
  return 0;
}
