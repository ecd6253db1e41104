// `mesolite marathon`: the Marathon-compatible framework as a process. Standalone it always leads and
// keeps its state in --work_dir; with --zk, instances elect a leader in ZooKeeper (`<path>/leader`,
// the shared election loop of runtime/zk, the same scheme as the masters), only the leader is the
// framework and serves the API, and the others proxy every API call to it.
import * as os from 'node:os';
import * as path from 'node:path';
import { FlagError, parseFlags, type FlagSpecs } from '../../common/flags';
import { listen, Router, type Listening } from '../../common/http';
import { mountWebUi } from '../../common/webui';
import { newUUID } from '../../common/ids';
import { createLogger, type Logger } from '../../common/log';
import type { MasterInfo } from '../../common/protocol/v1';
import { parseZkUrl } from '../../common/zk-url';
import { masterUrl } from '../../zk/detector';
import { LeaderElection } from '../../zk/election';
import { readTimeoutMs, ZkSession } from '../../zk/session';
import { apiRouter, ping, serveFollower } from './api';
import { marathonErrors, type MarathonConfigSections } from './api/http';
import { MarathonScheduler, TICK_MS } from './scheduler';
import { MarathonService, SERVICE_PORTS } from './service';
import { StateStore } from './store';

export const MARATHON_FLAGS = {
  master: { type: 'string', help: 'Mesos master: HOST:PORT or zk://host:port/mesos (required)' },
  zk: { type: 'string', help: 'ZooKeeper URL for state and leader election among instances, e.g. zk://host:2181/marathon' },
  zk_session_timeout: { type: 'int', default: '10000', help: 'ZooKeeper session timeout in milliseconds' },
  http_address: { type: 'string', default: '127.0.0.1', help: 'Address the REST API listens on' },
  http_port: { type: 'int', default: '8080', help: 'Port of the REST API' },
  hostname: { type: 'string', help: 'Host name other instances and clients reach this one by (default: --http_address)' },
  framework_name: { type: 'string', default: 'marathon', help: 'Framework name registered with Mesos' },
  mesos_role: { type: 'string', default: '*', help: 'Mesos role the framework registers with' },
  failover_timeout: { type: 'int', default: '604800', help: 'Seconds Mesos waits for this framework to fail over before killing its tasks' },
  decline_offer_duration: { type: 'int', default: '120000', help: 'Milliseconds an unused offer is declined for' },
  reconciliation_interval: { type: 'int', default: '600000', help: 'Milliseconds between reconciliations of every task with Mesos' },
  work_dir: { type: 'string', help: 'Where state is kept without --zk (default ~/.mesolite/marathon)' },
  zk_max_versions: { type: 'int', default: '50', help: 'Versions kept per app (GET /v2/apps/{id}/versions); as in Marathon, it applies with or without --zk' },
  webui_url: { type: 'string', help: 'URL Mesos shows for this framework' },
  quiet: { type: 'bool', help: 'Log warnings and errors only' },
} satisfies FlagSpecs;

export interface RunningMarathon {
  listening: Listening;
  stop(): Promise<void>;
}

export async function startMarathon(argv: string[]): Promise<RunningMarathon> {
  const { values: flags } = parseFlags(MARATHON_FLAGS, argv, process.env, 'MARATHON_');
  if (!flags.master) throw new FlagError("Flag '--master' is required (HOST:PORT or zk://host:port/mesos)");
  if (flags.zk_max_versions! < 1) throw new FlagError("Flag '--zk_max_versions' must be at least 1 (the current version is one)");
  const log = createLogger('marathon', flags.quiet);
  const hostname = flags.hostname ?? (flags.http_address === '0.0.0.0' ? os.hostname() : flags.http_address!);

  let scheduler: MarathonScheduler | undefined;
  /** The API while this instance leads. */
  let api: Router | undefined;
  /** HOST:PORT of the leader, this instance included. */
  let leader: string | undefined;
  const self = () => `${hostname}:${listening.port}`;
  // /v2/info's sections: Marathon's keys for what this daemon has, with their JSON types.
  const config: MarathonConfigSections = {
    marathon: {
      checkpoint: true, decline_offer_duration: flags.decline_offer_duration!, executor: '//cmd', failover_timeout: flags.failover_timeout!,
      features: [], framework_name: flags.framework_name!, ha: flags.zk !== undefined, hostname,
      local_port_max: SERVICE_PORTS.end, local_port_min: SERVICE_PORTS.begin, master: redacted(flags.master!), mesos_role: flags.mesos_role!,
      reconciliation_interval: flags.reconciliation_interval!,
      // Unreachable instances are looked at (and expunged) on every tick.
      task_lost_expunge_initial_delay: TICK_MS, task_lost_expunge_interval: TICK_MS,
    },
    zookeeper: {
      // Standalone, without ZooKeeper: no URL.
      zk: flags.zk ? redacted(flags.zk) : '', zk_max_versions: flags.zk_max_versions!, zk_session_timeout: flags.zk_session_timeout!,
      zk_connection_timeout: Math.round(readTimeoutMs(flags.zk_session_timeout!)), zk_timeout: Math.round(readTimeoutMs(flags.zk_session_timeout!)),
    },
    // No HTTPS: port 0.
    http: { http_port: 0, https_port: 0 },
  };
  const info = () => ({
    leader, elected: api !== undefined,
    config: { ...config, marathon: { ...config.marathon, webui_url: flags.webui_url ?? `http://${self()}` }, http: { ...config.http, http_port: listening.port } },
  });

  /** Without --zk this instance leads once its state is read: requests that come meanwhile wait for it. */
  let standaloneStart: Promise<void> | undefined;
  const router = mountWebUi(new Router(log, marathonErrors(log)), 'apps').on('GET', '/ping', ping).fallback(async (req, res) => {
    if (!api) await standaloneStart;
    if (api) return api.handle(req, res);
    // A leader that is not (yet) serving is this instance: 503, not a proxy loop to ourselves.
    serveFollower(leader !== self() ? leader : undefined, self(), req, res);
  });
  const listening = await listen(router, flags.http_address!, flags.http_port!);

  /** Leads with `store`: `stepDown` is called when subscribing fails. */
  const lead = (store: StateStore, stepDown: (why: string) => void) => {
    scheduler = new MarathonScheduler(store, {
      master: flags.master!, frameworkName: flags.framework_name!, role: flags.mesos_role!,
      failoverTimeoutSeconds: flags.failover_timeout!, declineOfferSeconds: flags.decline_offer_duration! / 1000,
      reconciliationIntervalMs: flags.reconciliation_interval!,
      webuiUrl: flags.webui_url ?? `http://${self()}`,
    }, log);
    api = apiRouter({ service: new MarathonService(scheduler, flags.zk_max_versions!), log, info, abdicate: () => void abdicate() });
    leader = self();
    scheduler.start().catch((e: Error) => stepDown(`subscribing failed: ${e.message}`));
    log.info(`Leading at ${self()}`);
  };
  const unlead = () => {
    scheduler?.stop();
    scheduler = undefined;
    api = undefined;
    leader = undefined;
  };

  let abdicate: () => Promise<void>;
  let stopElection: () => void = () => undefined;
  if (!flags.zk) {
    const workDir = flags.work_dir ?? path.join(os.homedir(), '.mesolite', 'marathon');
    const start = async () => lead(await StateStore.file(workDir, log), (why) => log.error(`Cannot act as the framework: ${why}`));
    abdicate = async () => { unlead(); await (standaloneStart = start()); };
    await (standaloneStart = start());
  } else {
    const election = elect(flags.zk, flags.zk_session_timeout!, log, { hostname, port: listening.port }, {
      lead, unlead,
      follow: (address) => { if (!api) leader = address; },
    });
    abdicate = () => election.resign('abdicated (DELETE /v2/leader)');
    stopElection = () => election.stop();
  }

  return {
    listening,
    async stop() {
      stopElection();
      unlead();
      await listening.close();
    },
  };
}

/** A URL as /v2/info shows it: without credentials (`zk://user:secret@host` is `zk://host`). */
const redacted = (url: string): string => url.replace(/^([a-z]+:\/\/)[^@/]*@/, '$1');

interface Leading {
  lead(store: StateStore, stepDown: (why: string) => void): void;
  unlead(): void;
  /** The leader's HOST:PORT as ZooKeeper names it, whenever that changes. */
  follow(address: string | undefined): void;
}

/** Contends in ZooKeeper: elected, the state is read from ZooKeeper before leading; losing leadership ends leading at once. */
function elect(zkUrl: string, sessionTimeoutMs: number, log: Logger, me: { hostname: string; port: number }, leading: Leading) {
  const zk = parseZkUrl(zkUrl);
  const session = new ZkSession(zk.servers, sessionTimeoutMs);
  const election = new LeaderElection(session, { path: `${zk.path}/leader`, log });
  const info: MasterInfo = { id: newUUID(), ip: 0, port: me.port, hostname: me.hostname, address: { hostname: me.hostname, ip: me.hostname, port: me.port } };
  const address = (l: MasterInfo | undefined) => (l ? masterUrl(l).replace(/^http:\/\//, '') : undefined);
  election.on('leader', (l) => leading.follow(address(l)));
  election.on('elected', (tenure) => {
    const stepDown = (why: string) => {
      if (tenure.aborted) return;
      log.error(`${why}; stepping down`);
      void election.resign(why);
    };
    StateStore.zk(session, zk.path, log)
      .then((store) => { if (!tenure.aborted) leading.lead(store, stepDown); })
      .catch((e: Error) => stepDown(`Reading the state failed: ${e.message}`));
  });
  let stopping = false;
  election.on('lost', (why) => {
    if (!stopping) log.warn(`Lost leadership: ${why}`);
    leading.unlead();
    // Until the detector names the next leader (it may still name us), requests get 503.
    leading.follow(address(election.leader));
  });
  election.contend(() => info);
  return {
    resign: (why: string) => election.resign(why),
    stop: () => {
      stopping = true;
      election.stop();
      session.close();
    },
  };
}
