// Leader election for a master started with --zk. This process contends in ZooKeeper; while it
// leads, a fresh Master (its own id, allocator and routes, the registry loaded from ZooKeeper) serves
// the leader-only endpoints. The moment leadership is lost (ZooKeeper connection lost, candidacy
// gone, or a registry write conflict) that Master is stopped and dropped, so two masters never act
// at once; the process then contends again as a new candidate. What it answers over HTTP in either role
// is http/standby.ts.
import type { Router } from '../common/http';
import { newUUID } from '../common/ids';
import type { Logger } from '../common/log';
import { MasterContender } from '../zk/contender';
import { MasterDetector } from '../zk/detector';
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
  const detector = new MasterDetector(session, url.path);
  const contender = new MasterContender(session, url.path, quorum);
  const startTime = Date.now() / 1000;
  let id = newUUID();
  let leading: { master: Master; router: Router } | undefined;
  let term = 0;
  let joining = false;
  let stopped = false;

  const join = (): void => {
    if (joining || leading || stopped) return;
    joining = true;
    contender.contend(JSON.stringify(masterInfo({ ...options, id })))
      .catch((e: Error) => {
        log.warn(`Could not join the election in ${zk}: ${e.message}`);
        setTimeout(join, 1000).unref();
      })
      .finally(() => { joining = false; });
  };

  const abdicate = (why: string): void => {
    term++;
    if (!leading) return;
    log.warn(`Master ${id} stops leading: ${why}`);
    leading.master.stop();
    leading = undefined;
    id = newUUID();
    if (session.connected) join();
  };

  const lead = async (): Promise<void> => {
    const myTerm = ++term;
    try {
      const { store, state } = await ZkRegistryStore.load(session, url.path, registryCodec);
      if (myTerm !== term) return; // lost again while loading
      const registry = new Registry(state, store);
      registry.onFailure = (e) => abdicate(`a registry write failed (${e.message}): another master may lead`);
      leading = create(id)(registry);
      leading.master.start();
      log.info(`Elected: master ${id} leads (registry at ${url.path}/registry)`);
    } catch (e) {
      log.error(`Could not take the lead: ${(e as Error).message}`);
      contender.stop();
    }
  };

  session.on('connected', join);
  contender.on('elected', () => void lead()); // lead() logs its own failures
  contender.on('lost', () => abdicate('lost the ZooKeeper connection or its candidacy'));
  detector.on('leader', (info) => log.info(info ? `Leading master: ${info.pid}` : 'No leading master'));

  mountElectionRoutes(top, {
    leading: () => leading?.router, leader: () => detector.leader, self: () => masterInfo({ ...options, id }),
    quorum, startTime, flags: options.flags,
  });

  return {
    stop: () => {
      stopped = true;
      leading?.master.stop();
      leading = undefined;
      contender.stop();
      detector.stop();
      setTimeout(() => session.close(), 100).unref();
    },
  };
}
