// A nested container's lead process on this machine (what the posix containerizer runs for
// LAUNCH_NESTED_CONTAINER_SESSION): in a pseudo-terminal (node-pty: a session of its own with the PTY as
// its controlling terminal, so shells get job control), or with pipes (stdout and stderr apart). Either
// way it leads a new session, and ending it kills everything that session started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { IPty } from 'node-pty';
import { killSession, SESSION_MARK, sessionProcesses } from '../../common/process';
import { Refusal } from '../../common/refusal';
import type { WindowSize } from '../../common/protocol/attach';
import { waitStatus, type NestedConfig, type NestedProcess, type OutputStream } from '../containerizer/containerizer';

export interface Credentials { uid: number; gid: number }

type Listener = (stream: OutputStream, data: Buffer) => void;

/** What both kinds share: listeners, the end once and for all, and the tree killed with it. */
abstract class LocalProcess implements NestedProcess {
  abstract readonly pid: number;
  abstract readonly tty: boolean;
  private readonly listeners: Listener[] = [];
  protected ended = false;
  private resolveExit!: (status: number) => void;
  readonly exited = new Promise<number>((resolve) => { this.resolveExit = resolve; });
  /** What its processes carry in their environment (SESSION_MARK): found by it when they left its session. */
  protected readonly mark: string | undefined;

  constructor(config: NestedConfig) {
    this.mark = config.env[SESSION_MARK];
  }

  onOutput(listener: Listener): void {
    this.listeners.push(listener);
  }

  protected emit(stream: OutputStream, data: Buffer): void {
    if (!this.ended && data.length) for (const l of this.listeners) l(stream, data);
  }

  /** The lead process ended and its output is all out: the rest of its tree goes (as Mesos destroys the container). */
  protected end(status: number): void {
    if (this.ended) return;
    this.ended = true;
    killSession(this.pid, this.mark);
    this.resolveExit(status);
  }

  destroy(): void {
    killSession(this.pid, this.mark);
  }

  /** To every process of the container: with a TTY its lead is the shell that outlives the command. */
  signal(signal: number): void {
    for (const pid of sessionProcesses(this.pid, this.mark)) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already: its end is on its way
      }
    }
  }

  abstract write(data: Buffer): boolean;
  abstract onWritable(listener: () => void): void;
  abstract closeStdin(): void;
  abstract resize(size: WindowSize): void;
  abstract pause(): void;
  abstract resume(): void;
}

class PipeProcess extends LocalProcess {
  readonly tty = false;
  readonly pid: number;
  private readonly child;

  constructor(config: NestedConfig, credentials?: Credentials) {
    super(config);
    this.child = spawn(config.argv[0], config.argv.slice(1), { cwd: config.cwd, env: config.env, detached: true, stdio: 'pipe', ...credentials });
    this.pid = this.child.pid ?? -1;
    const { stdout, stderr, stdin } = this.child;
    stdout.on('data', (d: Buffer) => this.emit('STDOUT', d));
    stderr.on('data', (d: Buffer) => this.emit('STDERR', d));
    // A reader that went away (EPIPE) is the command's business, as with any pipe.
    stdin.on('error', () => undefined);
    let status: number | undefined;
    this.child.on('exit', (code, signal) => {
      status = waitStatus(code, signal);
      // What the lead left behind may hold the pipes open: it goes, and the pipes drain and close.
      killSession(this.pid, this.mark);
    });
    this.child.on('close', () => this.end(status ?? waitStatus(null, 'SIGKILL')));
    this.child.on('error', (e) => {
      this.emit('STDERR', Buffer.from(`Failed to execute '${config.argv[0]}': ${e.message}\n`));
      this.end(waitStatus(127, null));
    });
  }

  write(data: Buffer): boolean {
    return !this.child.stdin.writable || this.child.stdin.write(data);
  }

  onWritable(listener: () => void): void {
    if (this.child.stdin.writable) this.child.stdin.once('drain', listener).once('close', listener);
    else listener();
  }

  closeStdin(): void {
    this.child.stdin.end();
  }

  resize(): void {
    throw new Refusal('invalid', 'The container has no TTY to resize');
  }

  pause(): void {
    this.child.stdout.pause();
    this.child.stderr.pause();
  }

  resume(): void {
    this.child.stdout.resume();
    this.child.stderr.resume();
  }
}

// The PTY's session is led by a small shell that runs the command and then prints a marker with its
// exit status: once the reader sees it, every byte the command wrote has been read. Without it the
// last bytes can be lost, as the PTY's slave side closing races the agent's reading of the master side
// (seen on Linux 6.x: about one exit in five of a command that writes until its end). The shell
// ignores the terminal's signals (they are its command's) and waits to be killed once the marker is read.
const PTY_LEADER = [
  'nonce=$1; shift',
  "trap ':' INT QUIT TSTP",
  '"$@"',
  'code=$?',
  "trap '' TTOU",
  "printf '\\033]5379;mesolite-exit;%s;%s\\007' \"$nonce\" \"$code\"",
  'sleep 5',
  'exit $code',
].join('\n');
const HOLD_MS = 30;
/** Writes node-pty may hold for the PTY before the input stream is paused (each is one input record). */
const PTY_QUEUE_LIMIT = 64;

class PtyProcess extends LocalProcess {
  readonly tty = true;
  readonly pid: number;
  private readonly pty: IPty;
  private readonly marker: Buffer;
  private held = Buffer.alloc(0);
  private holdTimer?: NodeJS.Timeout;

  constructor(config: NestedConfig, size: WindowSize, credentials?: Credentials) {
    super(config);
    const nonce = randomBytes(12).toString('hex');
    this.marker = Buffer.from(`\x1b]5379;mesolite-exit;${nonce};`);
    this.pty = nodePty().spawn('/bin/sh', ['-c', PTY_LEADER, 'sh', nonce, ...config.argv], {
      name: config.env.TERM ?? 'xterm', cols: size.columns || 80, rows: size.rows || 24, cwd: config.cwd, env: config.env, encoding: null, ...credentials,
    });
    this.pid = this.pty.pid;
    this.pty.onData((d) => this.read(Buffer.isBuffer(d) ? d : Buffer.from(d)));
    // Only if the marker never came (the shell was killed): what was read is all there is.
    this.pty.onExit(({ exitCode, signal }) => this.end(signal ? signal : waitStatus(exitCode, null)));
  }

  /** Passes output on, up to the marker; a tail that may be the marker's start waits for the next chunk (HOLD_MS at most). */
  private read(chunk: Buffer): void {
    clearTimeout(this.holdTimer);
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      const rest = data.subarray(at + this.marker.length);
      const bell = rest.indexOf(0x07);
      if (bell > 0) {
        this.emit('STDOUT', data.subarray(0, at));
        return this.end(Number(rest.subarray(0, bell).toString('ascii')) << 8);
      }
      if (rest.length <= 4) return this.hold(data, at);
    }
    for (let n = Math.min(this.marker.length - 1, data.length); n > 0; n--) {
      if (data.subarray(data.length - n).equals(this.marker.subarray(0, n))) return this.hold(data, data.length - n);
    }
    this.emit('STDOUT', data);
  }

  private hold(data: Buffer, from: number): void {
    this.emit('STDOUT', data.subarray(0, from));
    this.held = Buffer.from(data.subarray(from));
    this.holdTimer = setTimeout(() => {
      const held = this.held;
      this.held = Buffer.alloc(0);
      this.emit('STDOUT', held);
    }, HOLD_MS);
  }

  write(data: Buffer): boolean {
    this.pty.write(data);
    return this.queued() < PTY_QUEUE_LIMIT;
  }

  /** node-pty queues what the PTY does not take yet and says nothing when it took it: looked at until it did. */
  onWritable(listener: () => void): void {
    const check = () => (this.ended || this.queued() < PTY_QUEUE_LIMIT ? listener() : setTimeout(check, HOLD_MS));
    check();
  }

  private queued(): number {
    return (this.pty as unknown as { _writeStream?: { _writeQueue?: unknown[] } })._writeStream?._writeQueue?.length ?? 0;
  }

  /** A TTY reads EOF as EOT (Ctrl-D), which clients send as data; closing the PTY would end the session. */
  closeStdin(): void {}

  resize(size: WindowSize): void {
    this.pty.resize(Math.max(size.columns, 1), Math.max(size.rows, 1));
  }

  pause(): void {
    this.pty.pause();
  }

  resume(): void {
    this.pty.resume();
  }

  protected override end(status: number): void {
    clearTimeout(this.holdTimer);
    super.end(status);
  }
}

let ptyModule: typeof import('node-pty') | undefined;

/** Loaded on the first TTY session only: daemons start without it, and a machine without it still runs pipes. */
function nodePty(): typeof import('node-pty') {
  try {
    return (ptyModule ??= require('node-pty') as typeof import('node-pty'));
  } catch (e) {
    throw new Refusal('unavailable', `This agent cannot give sessions a TTY: node-pty does not load here (${(e as Error).message})`);
  }
}

/** Starts a nested container's command, as the given user when that is not the agent's own. */
export function spawnNested(config: NestedConfig, credentials?: Credentials): NestedProcess {
  return config.tty ? new PtyProcess(config, config.tty, credentials) : new PipeProcess(config, credentials);
}
