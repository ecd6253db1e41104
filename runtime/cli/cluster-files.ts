// Where `up` keeps a local cluster's work directories (its state, kept across up/down) and the record
// `down` and `status` read; and which cluster, in either mode, holds a name.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { isRunning, type ProcessClusterInfo } from '../cluster/process';
import { countClusterContainers } from '../cluster/docker/lookup';

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

export function removeRecord(record: ClusterRecord): void {
  fs.rmSync(recordFile(record.workDir), { force: true });
}

/** The cluster running under `name`, in either mode: one name, one cluster. */
export async function clusterUnderName(name: string): Promise<{ mode: 'process'; record: ClusterRecord } | { mode: 'docker'; containers: number } | undefined> {
  const record = readRecord(name);
  // A record whose masters are all gone is what a crash or a reboot leaves: nothing runs.
  if (record?.pids.masters.some(isRunning)) return { mode: 'process', record };
  const containers = await countClusterContainers(name);
  return containers ? { mode: 'docker', containers } : undefined;
}
