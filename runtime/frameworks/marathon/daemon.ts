// `mesolite marathon`: the Marathon-compatible framework as a process. Standalone it always leads and
// keeps its state in --work_dir; with --zk, instances elect a leader and the others proxy every API call
// to it (runtime/frameworks/leadership.ts, shared with Chronos).
import * as os from 'node:os';
import * as path from 'node:path';
import { FlagError, parseFlags, type FlagSpecs } from '../../common/flags';
import { createLogger } from '../../common/log';
import { FRAMEWORK_FLAGS, Leadership, serveFramework, type RunningFramework } from '../leadership';
import { apiRouter, ping } from './api';
import { marathonErrors } from './api/http';
import { MarathonScheduler } from './scheduler';
import { MarathonService } from './service';
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
  const { values: flags, raw } = parseFlags(MARATHON_FLAGS, argv, process.env, 'MARATHON_');
  if (!flags.master) throw new FlagError("Flag '--master' is required (HOST:PORT or zk://host:port/mesos)");
  if (flags.zk_max_versions! < 1) throw new FlagError("Flag '--zk_max_versions' must be at least 1 (the current version is one)");
  const log = createLogger('marathon', flags.quiet);
  const hostname = flags.hostname ?? (flags.http_address === '0.0.0.0' ? os.hostname() : flags.http_address!);

  const info = () => ({
    leader: leadership.leader, elected: leadership.elected, zk: flags.zk,
    config: { ...raw, master: flags.master, hostname, http_port: leadership.port, framework_name: flags.framework_name, mesos_role: flags.mesos_role },
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
  return serveFramework(leadership, flags.http_address!, flags.http_port!, log, marathonErrors(log), ping);
}
