// What a master started with --zk answers whatever its role: /health, /redirect (307 to the leading
// master), /master/state (its own MasterInfo and who leads, or the leader's state while it leads), and
// for every other path the leading master's routes while it leads, a 307 to the leader otherwise, or
// 503 while no master leads (none elected, or this one first in line before --quorum masters contend).
import type * as http from 'node:http';
import { HttpError, sendEmpty, sendJson, type Router } from '../../common/http';
import type { MasterInfo } from '../../common/protocol/v1';
import { MASTER_VERSION } from '../version';

/** What the routes read of the election, at each request. */
export interface ElectionView {
  /** The routes of this process's Master while it leads. */
  leading(): Router | undefined;
  /** The leading master ZooKeeper names (possibly this one, waiting for a quorum). */
  leader(): MasterInfo | undefined;
  /** This process's MasterInfo as a candidate. */
  self(): MasterInfo;
  quorum: number;
  startTime: number;
  flags: Record<string, string>;
}

export function mountElectionRoutes(top: Router, election: ElectionView): void {
  const redirect = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const leader = election.leader();
    if (!leader) throw new HttpError(503, 'No leading master is elected');
    // First in line but fewer than --quorum masters contend: nobody acts as leader yet.
    if (leader.id === election.self().id) throw new HttpError(503, `No leading master: waiting for ${election.quorum} masters to contend`);
    res.writeHead(307, { Location: `//${leader.address?.hostname ?? leader.hostname}:${leader.port}${req.url === '/redirect' || req.url === '/master/redirect' ? '' : req.url}`, 'Content-Length': 0 });
    res.end();
  };
  const state = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const leading = election.leading();
    if (leading) return leading.handle(req, res);
    const own = election.self();
    const leader = election.leader();
    sendJson(res, 200, {
      version: MASTER_VERSION, id: own.id, pid: own.pid, hostname: own.hostname, start_time: election.startTime, flags: election.flags,
      leader: leader?.pid ?? '', ...(leader ? { leader_info: leader } : {}),
      activated_slaves: 0, deactivated_slaves: 0, slaves: [], frameworks: [], completed_frameworks: [], orphan_tasks: [], unregistered_frameworks: [],
    });
  };
  top.on('GET', '/health', (_req, res) => sendEmpty(res, 200));
  top.on('GET', '/master/health', (_req, res) => sendEmpty(res, 200));
  top.on('GET', '/redirect', redirect).on('GET', '/master/redirect', redirect);
  for (const path of ['/master/state', '/state', '/master/state.json', '/state.json']) top.on('GET', path, state);
  top.fallback((req, res) => {
    const leading = election.leading();
    return leading ? leading.handle(req, res) : redirect(req, res);
  });
}
