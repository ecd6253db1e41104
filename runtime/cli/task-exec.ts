// mesolite task exec / task attach, like `mesos task exec` and `mesos task attach`: a command run next to
// a running task (its sandbox, environment and user) through its agent's nested-container session API,
// and a task's own output followed. The task is matched by exact id, else by unique prefix. exec exits
// with the command's exit code (128+n when signal n ended it); Ctrl-P Ctrl-Q detaches.
import { spawnSync } from 'node:child_process';
import { attachOutput, ExecSession, findTask, taskTarget, type TaskTarget } from '../client/attach';
import { OperatorClient } from '../client/operator';
import type { Credentials } from '../common/authentication';
import { FlagError, parseFlags, type FlagSpecs } from '../common/flags';
import { readRecord } from './cluster-files';
import { CliError } from './errors';
import { wantsHelp } from './daemon';

const FLAGS = {
  name: { type: 'string', default: 'local', help: 'Name of a cluster started with up' },
  master: { type: 'string', help: 'Master HOST:PORT or zk://host:port/mesos (instead of --name)' },
  interactive: { type: 'bool', help: 'Attach stdin (-i)' },
  tty: { type: 'bool', help: 'Run the command in a pseudo-terminal (-t); needs a terminal here' },
  principal: { type: 'string', help: 'Principal to authenticate with (masters and agents run with --authenticate_http_readwrite)' },
  secret: { type: 'string', help: 'Its secret (better: the MESOS_SECRET environment variable)' },
} satisfies FlagSpecs;

/** Ctrl-P Ctrl-Q, as Docker and Mesos' CLI detach. */
const DETACH = Buffer.from([0x10, 0x11]);
const SHORT: Record<string, string[]> = { '-i': ['--interactive'], '-t': ['--tty'], '-it': ['--interactive', '--tty'], '-ti': ['--interactive', '--tty'] };

function parse(argv: string[]) {
  const split = argv.indexOf('--');
  const options = (split < 0 ? argv : argv.slice(0, split)).flatMap((a) => SHORT[a] ?? [a]);
  const { values: flags, positional } = parseFlags(FLAGS, options);
  const [task, ...rest] = positional;
  if (!task) throw new FlagError('Name the task: its id, or a prefix only it has');
  const credentials: Credentials | undefined = flags.principal ? { principal: flags.principal, secret: flags.secret ?? '' } : undefined;
  return { flags, task, command: split < 0 ? rest : argv.slice(split + 1), credentials };
}

/** The task's agent and container, from the master's state. */
async function locate(flags: ReturnType<typeof parse>['flags'], pattern: string, credentials?: Credentials): Promise<TaskTarget> {
  const master = flags.master ?? readRecord(flags.name!)?.masterFlag ?? (await dockerLeader(flags.name!));
  if (!master) throw new FlagError(`No cluster named '${flags.name}' is running (start one with mesolite up, or pass --master)`);
  const operator = new OperatorClient(master, credentials);
  try {
    const state = await operator.getState();
    let task;
    try {
      task = findTask(state, pattern);
    } catch (e) {
      throw new CliError((e as Error).message); // its lines (the tasks that match) are the answer, whole
    }
    return taskTarget(task, state.get_agents.agents);
  } finally {
    operator.close();
  }
}

async function dockerLeader(name: string): Promise<string | undefined> {
  const { connectToCluster } = await import('../cluster/docker');
  return (await connectToCluster(name).catch(() => undefined))?.info.leader || undefined;
}

/**
 * This terminal as cfmakeraw leaves it for a remote PTY, as Docker's and Mesos' clients do: raw input
 * when keys go there, and no output processing, which the remote terminal did (Node's raw mode keeps
 * \n -> \r\n on, and full-screen programs would be drawn wrong). Returns what restores it.
 */
function remoteTerminal(rawInput: boolean): () => void {
  const stty = (setting: string) => spawnSync('stty', [setting], { stdio: ['inherit', 'ignore', 'ignore'] });
  if (rawInput) process.stdin.setRawMode(true);
  stty('-opost');
  return () => {
    if (rawInput) process.stdin.setRawMode(false);
    stty('opost');
  };
}

/**
 * Forwards this terminal's input until it ends or, when `detachable` (raw input), Ctrl-P Ctrl-Q; a Ctrl-P
 * at a chunk's end waits for the next one to tell. Returns what stops it.
 */
function forwardInput(detachable: boolean, write: (data: Buffer) => void, onEnd: () => void, onDetach: () => void): () => void {
  const stdin = process.stdin;
  let held = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    const data = Buffer.concat([held, chunk]);
    held = Buffer.alloc(0);
    const at = detachable ? data.indexOf(DETACH) : -1;
    if (at >= 0) {
      if (at > 0) write(data.subarray(0, at));
      return onDetach();
    }
    if (detachable && data.at(-1) === DETACH[0]) held = data.subarray(data.length - 1);
    const ready = held.length ? data.subarray(0, data.length - 1) : data;
    if (ready.length) write(ready);
  };
  stdin.on('data', onData).once('end', onEnd);
  return () => {
    stdin.off('data', onData).off('end', onEnd);
    stdin.pause();
  };
}

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'task exec [-i] [-t] TASK -- CMD [ARGS...]', FLAGS)) return 0;
  const { flags, task, command, credentials } = parse(argv);
  if (command.length === 0) throw new FlagError('Name the command to run after --, e.g. mesolite task exec -it TASK -- /bin/sh');
  if (flags.tty && !process.stdin.isTTY) throw new FlagError("Must be running in a tty to pass the '--tty' flag");
  const target = await locate(flags, task, credentials);
  const out = process.stdout;
  // Before the session starts: its first output may come at once.
  const restoreTerminal = flags.tty ? remoteTerminal(flags.interactive) : () => undefined;
  let session: ExecSession | undefined;
  let stopInput: () => void = () => undefined;
  let detached = false;
  const resize = () => session?.resize({ rows: out.rows, columns: out.columns });
  try {
    session = await ExecSession.start({
      agentUrl: target.agentUrl, container: target.container, command, interactive: flags.interactive, credentials,
      onOutput: (stream, data) => (stream === 'STDOUT' ? out : process.stderr).write(data),
      ...(flags.tty ? { tty: { rows: out.rows || 24, columns: out.columns || 80 }, environment: { TERM: process.env.TERM || 'xterm' } } : {}),
    });
    const started = session;
    if (flags.tty) out.on('resize', resize);
    if (flags.interactive) stopInput = forwardInput(flags.tty, (d) => started.write(d), () => started.endInput(), () => { detached = true; started.close(); });
    return (await session.exited).code;
  } catch (e) {
    if (!detached) throw e;
    process.stderr.write(`\r\nDetached from ${target.task.task_id.value}: the command ended with its connection, as a session lives as long as it does\r\n`);
    return 0;
  } finally {
    stopInput();
    restoreTerminal();
    out.off('resize', resize);
  }
}

/** `task attach`: the task's own output from now on, until it ends, Ctrl-C, or Ctrl-P Ctrl-Q. */
export async function attach(argv: string[]): Promise<number> {
  if (wantsHelp(argv, 'task attach TASK', FLAGS)) return 0;
  const { flags, task, credentials } = parse(argv);
  const target = await locate(flags, task, credentials);
  const stream = await attachOutput(target, (kind, data) => (kind === 'STDOUT' ? process.stdout : process.stderr).write(data), credentials);
  const interrupt = Buffer.from([0x03]);
  // Raw, to see Ctrl-C and Ctrl-P Ctrl-Q; the task's output is plain text and keeps \n -> \r\n.
  const raw = process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  const stopInput = raw ? forwardInput(true, (d) => { if (d.includes(interrupt)) stream.close(); }, () => undefined, () => stream.close()) : () => undefined;
  await stream.ended;
  stopInput();
  if (raw) process.stdin.setRawMode(false);
  return 0;
}
