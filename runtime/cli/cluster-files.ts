// Where `up` keeps a local cluster's work directories and the record `down` and `status` read.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { ProcessClusterInfo } from '../cluster/process';

export type ClusterRecord = ProcessClusterInfo;

export const clusterDir = (name: string, base = process.env.MESOLITE_HOME ?? path.join(os.homedir(), '.mesolite')) => path.join(base, 'clusters', name);
export const recordFile = (dir: string) => path.join(dir, 'cluster.json');

export function readRecord(name: string): ClusterRecord | undefined {
  const file = recordFile(clusterDir(name));
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterRecord) : undefined;
}

export function writeRecord(record: ClusterRecord): void {
  fs.writeFileSync(recordFile(record.workDir), JSON.stringify(record, null, 2));
}
