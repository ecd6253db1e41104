// Which cluster a command talks to: --master (any Mesos master, HOST:PORT or zk://) or --marathon, else
// the local cluster named by --name, in whichever mode it runs.
import { leaderOf } from '../client/tasks';
import type { FlagSpecs } from '../common/flags';
import { getJson } from '../common/http';
import { clusterUnderName } from './cluster-files';
import { CliError } from './errors';
import { selfCommand } from './self';

export const TARGET_FLAGS = {
  name: { type: 'string', default: 'local', help: 'Name of a cluster started with mesolite up' },
  master: { type: 'string', help: 'Any Mesos master instead: HOST:PORT or zk://host:port/mesos' },
} satisfies FlagSpecs;

export interface Target { master: string; marathon?: string }

/** The master (as --master takes it) and app framework of the cluster named `name`. */
export async function localCluster(name: string): Promise<Target> {
  const running = await clusterUnderName(name);
  if (running?.mode === 'process') return { master: running.record.masterFlag, marathon: running.record.marathon };
  if (running?.mode === 'docker') {
    const { connectToCluster } = await import('../cluster/docker');
    const cluster = await connectToCluster(name);
    if (cluster) return { master: cluster.info.zookeeper, marathon: cluster.info.marathon };
  }
  throw new CliError(`No cluster named '${name}' is running: start one with ${selfCommand()} up${name === 'local' ? '' : ` --name=${name}`}, or pass --master=HOST:PORT`);
}

export async function masterOf(flags: { name?: string; master?: string }): Promise<string> {
  return flags.master ?? (await localCluster(flags.name!)).master;
}

/** The leading master's URL, checked to answer; a CliError naming the master otherwise. */
export async function reachLeader(master: string): Promise<string> {
  try {
    const leader = await leaderOf(master);
    await getJson(`${leader}/master/state`);
    return leader;
  } catch (e) {
    throw new CliError(`No master answers at ${master} (${(e as Error).message.split('\n')[0]}): is the cluster running? ${selfCommand()} status shows it`, { cause: e });
  }
}
