// `mesolite chronos`: the Chronos-compatible job framework as a process, with Chronos' flag names.
// Standalone it always leads and keeps its state in --work_dir; with --zk, instances elect a leader and
// the others proxy every API call to it (runtime/frameworks/leadership.ts, shared with the app framework).
import * as os from 'node:os';
import * as path from 'node:path';
import { FlagError, parseFlags, type FlagSpecs } from '../../common/flags';
import { createLogger } from '../../common/log';
import { FRAMEWORK_FLAGS, Leadership, serveFramework, type RunningFramework } from '../leadership';
import { apiRouter, chronosErrors, ping } from './api';
import { JobService } from './jobs';
import { ChronosScheduler } from './scheduler';
import { CHRONOS_STATE, type ChronosState } from './state';

export const CHRONOS_FLAGS = {
  ...FRAMEWORK_FLAGS,
  zk: { type: 'string', help: 'ZooKeeper URL for state and leader election among instances, e.g. zk://host:2181/chronos' },
  zk_timeout: { type: 'int', default: '10000', help: 'ZooKeeper session timeout in milliseconds' },
  http_port: { type: 'int', default: '4400', help: 'Port of the REST API' },
  mesos_framework_name: { type: 'string', default: 'chronos', help: 'Framework name registered with Mesos' },
  user: { type: 'string', help: 'User the framework registers as, and tasks run as unless a job says runAsUser (default: this process\'s user)' },
  decline_offer_duration: { type: 'int', default: '5000', help: 'Milliseconds an unused offer is declined for' },
  reconciliation_interval: { type: 'int', default: '600', help: 'Seconds between reconciliations of every task with Mesos' },
  failure_retry: { type: 'int', default: '60000', help: 'Milliseconds a failed run waits before its retry' },
  disable_after_failures: { type: 'int', default: '0', help: 'Disable a job after this many failures since its last success (0: never)' },
  mesos_task_cpu: { type: 'string', default: '0.1', help: 'cpus of a job that does not say' },
  mesos_task_mem: { type: 'string', default: '128', help: 'mem (MB) of a job that does not say' },
  mesos_task_disk: { type: 'string', default: '256', help: 'disk (MB) of a job that does not say' },
  task_epsilon: { type: 'int', default: '60', help: 'Seconds a run may start late, for jobs that give no epsilon' },
  work_dir: { type: 'string', help: 'Where state is kept without --zk (default ~/.mesolite/chronos)' },
} satisfies FlagSpecs;

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new FlagError(`Flag '--${name}' expects a number greater than 0, got '${raw}'`);
  return n;
}

export async function startChronos(argv: string[]): Promise<RunningFramework> {
  const { values: flags } = parseFlags(CHRONOS_FLAGS, argv, process.env, 'CHRONOS_');
  if (!flags.master) throw new FlagError("Flag '--master' is required (HOST:PORT or zk://host:port/mesos)");
  const defaults = {
    cpus: positive('mesos_task_cpu', flags.mesos_task_cpu!), mem: positive('mesos_task_mem', flags.mesos_task_mem!),
    disk: positive('mesos_task_disk', flags.mesos_task_disk!), epsilonSeconds: flags.task_epsilon!,
  };
  const log = createLogger('chronos', flags.quiet);
  const hostname = flags.hostname ?? (flags.http_address === '0.0.0.0' ? os.hostname() : flags.http_address!);
  const info = () => ({ leader: leadership.leader, elected: leadership.elected });

  const leadership: Leadership<ChronosState> = new Leadership({
    log, zk: flags.zk, zkSessionTimeoutMs: flags.zk_timeout!, shape: CHRONOS_STATE,
    workDir: flags.work_dir ?? path.join(os.homedir(), '.mesolite', 'chronos'), hostname,
    follower: { via: 'x-chronos-via' },
    lead: (store, stepDown) => {
      const scheduler = new ChronosScheduler(store, {
        master: flags.master!, frameworkName: flags.mesos_framework_name!, role: flags.mesos_role!, user: flags.user,
        failoverTimeoutSeconds: flags.failover_timeout!, declineOfferSeconds: flags.decline_offer_duration! / 1000,
        reconciliationIntervalMs: flags.reconciliation_interval! * 1000,
        failureRetryMs: flags.failure_retry!, disableAfterFailures: flags.disable_after_failures!,
        webuiUrl: flags.webui_url ?? `http://${leadership.self}`,
      }, log);
      scheduler.start().catch((e: Error) => stepDown(`subscribing failed: ${e.message}`));
      return { api: apiRouter({ jobs: new JobService(scheduler, defaults), log, info }), stop: () => scheduler.stop() };
    },
  });
  return serveFramework(leadership, flags.http_address!, flags.http_port!, log, chronosErrors(log), ping);
}
