// mesolite deploy APP: creates or updates a Marathon app (a JSON file, `-` for stdin, or the JSON itself)
// and prints the deployment as it goes — steps, task states, health — until it is done, so that the next
// change does not meet 409 "locked by a deployment".
import * as fs from 'node:fs';
import { MarathonClient, MarathonError, type MarathonEvent } from '../client/marathon';
import { parseFlags, type FlagSpecs } from '../common/flags';
import { wantsHelp } from './daemon';
import { CliError } from './errors';
import { localCluster } from './target';

const FLAGS = {
  name: { type: 'string', default: 'local', help: 'Name of a cluster started with mesolite up' },
  marathon: { type: 'string', help: 'The app framework (or any Marathon) instead: http://HOST:PORT' },
  force: { type: 'bool', help: 'Replace a deployment in progress (PUT ?force=true)' },
  detach: { type: 'bool', help: 'Return once the deployment has started' },
} satisfies FlagSpecs;

type Plan = { id: string; steps: Array<{ actions: Array<{ action: string; app: string }> }> };

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'deploy APP.json|-|JSON', FLAGS)) return 0;
  const { values: flags, positional } = parseFlags(FLAGS, argv);
  if (positional.length !== 1) throw new CliError('Usage: mesolite deploy APP.json (or - for stdin, or the app JSON itself) [--name=NAME | --marathon=URL]');
  const app = readApp(positional[0]);
  const url = flags.marathon ?? (await localCluster(flags.name!)).marathon;
  if (!url) throw new CliError(`Cluster '${flags.name}' runs no app framework (started with --no-marathon): pass --marathon=URL`);
  const marathon = new MarathonClient(url.startsWith('http') ? url : `http://${url}`);
  const id = `/${app.id.replace(/^\/+/, '')}`;
  const started = Date.now();
  let deploymentId: string | undefined;
  const early: MarathonEvent[] = [];
  let onEvent = (e: MarathonEvent) => { early.push(e); };
  let attached!: () => void;
  const attachedOnce = new Promise<void>((resolve) => { attached = resolve; });
  // Subscribed before the change, so that no event of the deployment is missed.
  const events = flags.detach ? undefined : marathon.events((e) => (e.eventType === 'event_stream_attached' ? attached() : onEvent(e)));
  try {
    if (events) {
      let timer: NodeJS.Timeout | undefined;
      // A Marathon that does not announce the attachment: go on after a while all the same.
      await Promise.race([attachedOnce, new Promise((r) => { timer = setTimeout(r, 3000); })]);
      clearTimeout(timer);
    }
    const exists = (await marathon.getApp(id)) !== undefined;
    deploymentId = exists
      ? (await marathon.updateApp(id, app, flags.force)).deploymentId
      : (await marathon.createApp(app)).deployments?.[0]?.id;
    process.stdout.write(`${exists ? 'Updating' : 'Creating'} ${id}: deployment ${deploymentId ?? '(none: nothing to change)'}\n`);
    if (!events || !deploymentId) return 0;
    const ours = deploymentId;
    const step = { n: 0 };
    return await new Promise<number>((resolve, reject) => {
      onEvent = (e) => {
        const outcome = progress(e, id, ours, step);
        if (outcome === 'done') {
          process.stdout.write(`Deployed ${id} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
          resolve(0);
        } else if (outcome) {
          reject(new CliError(`Deployment ${ours} of ${id} failed (${outcome}): the app's lastTaskFailure in ${marathon.baseUrl}/v2/apps${id} says why its tasks ended`));
        }
      };
      for (const e of early.splice(0)) onEvent(e);
    });
  } catch (e) {
    if (!(e instanceof MarathonError)) throw e;
    throw new CliError(explain(e, id));
  } finally {
    events?.close();
  }
}

function readApp(arg: string): { id: string } & Record<string, unknown> {
  let text: string;
  try {
    text = arg.trimStart().startsWith('{') ? arg : fs.readFileSync(arg === '-' ? 0 : arg, 'utf8');
  } catch (e) {
    throw new CliError(`Cannot read ${arg}: ${(e as Error).message}`);
  }
  let app: unknown;
  try {
    app = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${arg === '-' || arg.trimStart().startsWith('{') ? 'The app' : arg} is not JSON: ${(e as Error).message}`);
  }
  if (typeof app !== 'object' || app === null || typeof (app as { id?: unknown }).id !== 'string') throw new CliError('The app JSON needs an "id", e.g. {"id":"web","cmd":"...","cpus":0.1,"mem":32}');
  return app as { id: string } & Record<string, unknown>;
}

/** Prints one event of the deployment; 'done', a failure reason, or undefined to keep going. */
function progress(e: MarathonEvent, app: string, deployment: string, step: { n: number }): 'done' | string | undefined {
  const plan = e.plan as Plan | undefined;
  if (plan && plan.id !== deployment) return undefined;
  switch (e.eventType) {
    case 'deployment_info': {
      // Marathon announces each step as it begins, in order.
      const actions = (e.currentStep as Plan['steps'][0]).actions.map((a) => `${a.action} ${a.app}`).join(', ');
      process.stdout.write(`  step ${++step.n}/${plan!.steps.length}: ${actions}\n`);
      return undefined;
    }
    case 'deployment_success': return e.id === deployment ? 'done' : undefined;
    case 'deployment_failed': return e.id === deployment ? String(e.reason ?? 'failed') : undefined;
    case 'status_update_event':
      if (e.appId === app) process.stdout.write(`  task ${e.taskId} ${e.taskStatus}${e.message ? `: ${e.message}` : ''}\n`);
      return undefined;
    case 'health_status_changed_event':
      if (e.appId === app) process.stdout.write(`  task ${e.taskId} ${e.alive ? 'healthy' : 'unhealthy'}\n`);
      return undefined;
    default: return undefined;
  }
}

function explain(e: MarathonError, app: string): string {
  if (e.status === 422) return `The app is not valid: ${e.details.map((d) => `${d.path}: ${d.errors.join(', ')}`).join('; ') || e.message}`;
  if (e.status === 409) return `${app} is locked by a deployment in progress: wait for it, or replace it with --force`;
  return `${e.message.split('\n')[0]}`;
}
