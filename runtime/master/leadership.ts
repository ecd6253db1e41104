// Leader election for a master started with --zk. This process contends in ZooKeeper; while it
// leads, a fresh Master (its own id, allocator and routes, the registry loaded from ZooKeeper) serves
// the leader-only endpoints. The moment leadership is lost (ZooKeeper connection lost, candidacy
// gone, or a registry write conflict) that Master is stopped and dropped, so two masters never act
// at once; the process then contends again as a new candidate. What it answers over HTTP in either role
// is http/standby.ts.
import type { Router } from '../common/http';
import { newUUID } from '../common/ids';
import type { Logger } from '../common/log';
import { LeaderElection } from '../zk/election';
import { ZkRegistryStore } from '../zk/registry';
import { parseZkUrl } from '../common/zk-url';
import { ZkSession } from '../zk/session';
import { mountElectionRoutes } from './http/standby';
import type { MasterOptions } from './flags';
import { masterInfo, type Master } from './master';
import { Registry, registryCodec } from './registry';

/** Builds a Master with its own allocator and routes; one per process run (or leadership term). */
export type MasterFactory = (registry: Registry) => { master: Master; router: Router };

export interface LeadershipOptions {
  zk: string;
  /** Masters that must contend before one of them leads. */
  quorum: number;
  sessionTimeoutMs: number;
  options: Omit<MasterOptions, 'id'>;
  create: (id: string) => MasterFactory;
  top: Router;
  log: Logger;
}

export function startLeadership({ zk, quorum, sessionTimeoutMs, options, create, top, log }: LeadershipOptions): { stop(): void } {
  const url = parseZkUrl(zk);
  const session = new ZkSession(url.servers, sessionTimeoutMs);
  const election = new LeaderElection(session, { path: url.path, quorum, log });
  const startTime = Date.now() / 1000;
  let id = newUUID();
  let leading: { master: Master; router: Router } | undefined;

  const lead = async (tenure: AbortSignal): Promise<void> => {
    try {
      const { store, state } = await ZkRegistryStore.load(session, url.path, registryCodec);
      if (tenure.aborted) return; // lost again while loading
      const registry = new Registry(state, store);
      registry.onFailure = (e) => void election.resign(`a registry write failed (${e.message}): another master may lead`);
      leading = create(id)(registry);
      leading.master.start();
      log.info(`Elected: master ${id} leads (registry at ${url.path}/registry)`);
    } catch (e) {
      log.error(`Could not take the lead: ${(e as Error).message}`);
      void election.resign('could not load the registry');
    }
  };

  election.on('elected', (tenure) => void lead(tenure)); // lead() logs its own failures
  // A new term gets a new id, as a Mesos master restarting after losing leadership would.
  election.on('lost', (why) => {
    if (leading) log.warn(`Master ${id} stops leading: ${why}`);
    leading?.master.stop();
    leading = undefined;
    id = newUUID();
  });
  election.on('leader', (info) => log.info(info ? `Leading master: ${info.pid}` : 'No leading master'));
  election.contend(() => masterInfo({ ...options, id }));

  mountElectionRoutes(top, {
    leading: () => leading?.router, leader: () => election.leader, self: () => masterInfo({ ...options, id }),
    quorum, startTime, flags: options.flags,
  });

  return {
    stop: () => {
      election.stop();
      setTimeout(() => session.close(), 100).unref();
    },
  };
}
