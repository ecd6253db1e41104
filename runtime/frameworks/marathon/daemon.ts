// `mesolite marathon`: the Marathon-compatible framework as a process. Standalone it always leads and
// keeps its state in --work_dir; with --zk, instances elect a leader and the others proxy every API call
// to it (runtime/frameworks/leadership.ts, shared with Chronos).
import * as os from 'node:os';
import * as path from 'node:path';
import { FlagError, parseFlags, type FlagSpecs } from '../../common/flags';
import { createLogger } from '../../common/log';
import { readTimeoutMs } from '../../zk/session';
import { TICK_MS } from '../framework-scheduler';
import { FRAMEWORK_FLAGS, Leadership, serveFramework, type RunningFramework } from '../leadership';
import { apiRouter, ping } from './api';
import { marathonErrors, type MarathonConfigSections } from './api/http';
import { MarathonScheduler } from './scheduler';
import { MarathonService, SERVICE_PORTS } from './service';
import { MARATHON_STATE, type MarathonState } from './state';

export const MARATHON_FLAGS = {
  ...FRAMEWORK_FLAGS,
  zk: { type: 'string', help: 'ZooKeeper URL for state and leader election among instances, e.g. zk://host:2181/marathon' },
  zk_session_timeout: { type: 'int', default: '10000', help: 'ZooKeeper session timeout in milliseconds' },
  http_port: { type: 'int', default: '8080', help: 'Port of the REST API' },
  framework_name: { type: 'string', default: 'marathon', help: 'Framework name registered with Mesos' },
  decline_offer_duration: { type: 'int', default: '120000', help: 'Milliseconds an unused offer is declined for' },
  reconciliation_interval: { type: 'int', default: '600000', help: 'Milliseconds between reconciliations of every task with Mesos' },
  work_dir: { type: 'string', help: 'Where state is kept without --zk (default ~/.mesolite/marathon)' },
  zk_max_versions: { type: 'int', default: '50', help: 'Versions kept per app (GET /v2/apps/{id}/versions); as in Marathon, it applies with or without --zk' },
} satisfies FlagSpecs;

export async function startMarathon(argv: string[]): Promise<RunningFramework> {
  const { values: flags } = parseFlags(MARATHON_FLAGS, argv, process.env, 'MARATHON_');
  if (!flags.master) throw new FlagError("Flag '--master' is required (HOST:PORT or zk://host:port/mesos)");
  if (flags.zk_max_versions! < 1) throw new FlagError("Flag '--zk_max_versions' must be at least 1 (the current version is one)");
  const log = createLogger('marathon', flags.quiet);
  const hostname = flags.hostname ?? (flags.http_address === '0.0.0.0' ? os.hostname() : flags.http_address!);

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
    leader: leadership.leader, elected: leadership.elected,
    config: { ...config, marathon: { ...config.marathon, webui_url: flags.webui_url ?? `http://${leadership.self}` }, http: { ...config.http, http_port: leadership.port } },
  });
  const leadership: Leadership<MarathonState> = new Leadership({
    log, zk: flags.zk, zkSessionTimeoutMs: flags.zk_session_timeout!, shape: MARATHON_STATE,
    workDir: flags.work_dir ?? path.join(os.homedir(), '.mesolite', 'marathon'), hostname,
    follower: { via: 'x-marathon-via', leader: 'x-marathon-leader' },
    lead: (store, stepDown) => {
      const running = new MarathonScheduler(store, {
        master: flags.master!, frameworkName: flags.framework_name!, role: flags.mesos_role!,
        failoverTimeoutSeconds: flags.failover_timeout!, declineOfferSeconds: flags.decline_offer_duration! / 1000,
        reconciliationIntervalMs: flags.reconciliation_interval!,
        webuiUrl: flags.webui_url ?? `http://${leadership.self}`,
      }, log);
      running.start().catch((e: Error) => stepDown(`subscribing failed: ${e.message}`));
      return {
        api: apiRouter({ service: new MarathonService(running, flags.zk_max_versions!), log, info, abdicate: () => void leadership.abdicate('abdicated (DELETE /v2/leader)') }),
        stop: () => running.stop(),
      };
    },
  });
  return serveFramework(leadership, flags.http_address!, flags.http_port!, log, marathonErrors(log), ping, 'apps');
}

/** A URL as /v2/info shows it: without credentials (`zk://user:secret@host` is `zk://host`). */
const redacted = (url: string): string => url.replace(/^([a-z]+:\/\/)[^@/]*@/, '$1');
