// mesolite down: stop a local cluster and everything it started.
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
  if (!record) {
    process.stderr.write(`No cluster named '${flags.name}' is running\n`);
    return 1;
  }
  await stopProcessCluster(record);
  fs.rmSync(recordFile(record.workDir), { force: true });
  process.stdout.write(`Cluster '${flags.name}' stopped\n`);
  return 0;
}
