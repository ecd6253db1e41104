// mesolite execute: run one command task like mesos-execute; exit 0 only on TASK_FINISHED.
import * as os from 'node:os';
import { parseFlags, FlagError, type FlagSpecs } from '../common/flags';
import { isTerminalState, type Offer } from '../common/protocol/v1';
import * as res from '../common/resources';
import { Scheduler } from '../scheduler/scheduler';
import { wantsHelp } from './daemon';

const FLAGS = {
  master: { type: 'string', help: 'Master HOST:PORT' },
  name: { type: 'string', help: 'Name of the task (also its id prefix)' },
  command: { type: 'string', help: 'Shell command to run' },
  resources: { type: 'string', default: 'cpus:0.1;mem:32', help: 'Resources the task needs' },
  framework_name: { type: 'string', default: 'mesolite-execute', help: 'Name of the framework' },
  role: { type: 'string', default: '*', help: 'Role to subscribe with' },
  kill_after: { type: 'duration', help: 'Kill the task after this long' },
} satisfies FlagSpecs;

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'execute', FLAGS)) return 0;
  const { values: flags } = parseFlags(FLAGS, argv);
  for (const required of ['master', 'name', 'command'] as const) if (!flags[required]) throw new FlagError(`Flag --${required} is required`);
  const needed = res.parseResources(flags.resources!);
  const taskId = `${flags.name}-${Date.now().toString(36)}`;
  const scheduler = new Scheduler({
    master: flags.master!, reconnect: false,
    framework: { user: os.userInfo().username, name: flags.framework_name!, role: flags.role, capabilities: [{ type: 'TASK_KILLING_STATE' }] },
  });
  let launched = false;
  return new Promise<number>((resolve) => {
    const finish = (code: number) => {
      scheduler.teardown().catch(() => scheduler.close()).finally(() => resolve(code));
    };
    scheduler.on('offers', (offers: Offer[]) => {
      for (const offer of offers) {
        if (launched || !res.contains(res.unallocate(offer.resources), needed)) {
          // An offer not declined is rescinded or declined at teardown: losing this call costs nothing.
          scheduler.decline([offer.id.value]).catch(() => undefined);
          continue;
        }
        launched = true;
        const role = offer.allocation_info?.role ?? '*';
        scheduler.launch(offer, [{
          name: flags.name!, task_id: { value: taskId }, agent_id: offer.agent_id,
          resources: res.allocate(needed, role), command: { shell: true, value: flags.command! },
        }]).then(() => {
          process.stdout.write(`Submitted task '${taskId}' to agent '${offer.agent_id.value}'\n`);
          // A kill that fails shows as the task's next status update (or its absence), which is printed.
          if (flags.kill_after) setTimeout(() => scheduler.kill(taskId, offer.agent_id.value).catch(() => undefined), flags.kill_after);
        }, (e: Error) => { process.stderr.write(`Launch failed: ${e.message}\n`); finish(1); });
      }
    });
    scheduler.on('update', (status) => {
      process.stdout.write(`Received status update ${status.state} for task '${status.task_id.value}'${status.message ? `\n  message: '${status.message}'` : ''}${status.source ? `\n  source: ${status.source}` : ''}${status.reason ? `\n  reason: ${status.reason}` : ''}\n`);
      // Unacknowledged, the agent sends the update again: losing this acknowledgement is safe.
      scheduler.acknowledge(status).catch(() => undefined);
      if (isTerminalState(status.state)) finish(status.state === 'TASK_FINISHED' ? 0 : 1);
    });
    scheduler.subscribe().then((s) => process.stdout.write(`Subscribed with ID ${s.framework_id.value}\n`), (e: Error) => {
      process.stderr.write(`Could not subscribe to ${flags.master}: ${e.message}\n`);
      resolve(1);
    });
  });
}
