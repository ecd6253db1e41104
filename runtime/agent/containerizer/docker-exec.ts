// A nested container in a Docker task's container (a session next to the task: `mesolite task exec`,
// Attach Terminal): the command runs in the task's container through the engine's exec API, in a TTY of
// the asked size or with stdout and stderr apart, in the mounted sandbox with the container's own
// environment plus the session's variables. Started asynchronously: input written meanwhile waits.
import { Writable } from 'node:stream';
import type { Duplex } from 'node:stream';
import type { Dockerode } from '../../common/docker-client';
import { SESSION_MARK } from '../../common/process';
import type { WindowSize } from '../../common/protocol/attach';
import { Refusal } from '../../common/refusal';
import { waitStatus, type NestedConfig, type NestedProcess, type OutputStream } from './containerizer';

type Listener = (stream: OutputStream, data: Buffer) => void;

export class DockerExecProcess implements NestedProcess {
  pid = 0;
  readonly tty: boolean;
  private readonly listeners: Listener[] = [];
  private readonly pending: Buffer[] = [];
  private stream?: Duplex;
  private exec?: Dockerode.Exec;
  private stdinClosed = false;
  private ended = false;
  private resolveExit!: (status: number) => void;
  readonly exited = new Promise<number>((resolve) => { this.resolveExit = resolve; });

  constructor(socket: string, containerName: string, config: NestedConfig, workingDir: string) {
    this.tty = config.tty !== undefined;
    void this.start(socket, containerName, config, workingDir).catch((e: Error) => {
      this.emit('STDERR', Buffer.from(`Failed to execute '${config.argv[0]}' in container ${containerName}: ${e.message}\n`));
      this.end(waitStatus(127, null));
    });
  }

  private async start(socket: string, containerName: string, config: NestedConfig, workingDir: string): Promise<void> {
    const { dockerClient, engineMessage } = await import('../../common/docker-client');
    try {
      // The container has its task's environment already: a session adds only its own variables.
      const env = Object.entries(config.env).filter(([k]) => k === SESSION_MARK || k === 'TERM' || !(k in process.env) && !k.startsWith('MESOS_'));
      // The TTY has its size from the start (ConsoleSize), not only after a resize the command may run before.
      const size: { ConsoleSize?: [number, number] } = config.tty ? { ConsoleSize: [config.tty.rows || 24, config.tty.columns || 80] } : {};
      this.exec = await dockerClient(socket).getContainer(containerName).exec({
        Cmd: config.argv, Env: env.map(([k, v]) => `${k}=${v}`), WorkingDir: workingDir, Tty: this.tty, ...size,
        AttachStdin: true, AttachStdout: true, AttachStderr: true, ...(config.user ? { User: config.user } : {}),
      });
      this.stream = await this.exec.start({ hijack: true, stdin: true, Tty: this.tty, ...size }) as Duplex;
    } catch (e) {
      throw new Error(engineMessage(e));
    }
    const stream = this.stream;
    if (this.tty) {
      stream.on('data', (d: Buffer) => this.emit('STDOUT', d));
      // Engines before API 1.42 ignore ConsoleSize: the size follows at once (a command reading it first sees 0 0).
      this.resize(config.tty!);
    } else {
      const sink = (kind: OutputStream) => new Writable({ write: (chunk: Buffer, _e, done) => { this.emit(kind, chunk); done(); } });
      this.exec.modem.demuxStream(stream, sink('STDOUT'), sink('STDERR'));
    }
    stream.on('error', () => undefined); // the end below tells how it ended
    stream.once('end', () => void this.finish());
    stream.once('close', () => void this.finish());
    this.pid = ((await this.exec.inspect()) as { Pid?: number }).Pid ?? 0;
    for (const data of this.pending.splice(0)) stream.write(data);
    if (this.stdinClosed) this.closeStdin();
  }

  private async finish(): Promise<void> {
    if (this.ended) return;
    const code = await this.exec!.inspect().then((i: { ExitCode?: number | null }) => i.ExitCode ?? 137, () => 137);
    this.end(waitStatus(code, null));
  }

  private end(status: number): void {
    if (this.ended) return;
    this.ended = true;
    this.resolveExit(status);
  }

  private emit(stream: OutputStream, data: Buffer): void {
    if (!this.ended && data.length) for (const l of this.listeners) l(stream, data);
  }

  onOutput(listener: Listener): void {
    this.listeners.push(listener);
  }

  write(data: Buffer): boolean {
    if (!this.stream) { this.pending.push(data); return true; }
    return this.stream.write(data);
  }

  onWritable(listener: () => void): void {
    if (this.stream?.writable) this.stream.once('drain', listener).once('close', listener);
    else listener();
  }

  closeStdin(): void {
    this.stdinClosed = true;
    // A TTY reads EOT from write() instead; a pipe gets EOF as the connection's write side closes.
    if (!this.tty && this.stream) this.stream.end();
  }

  resize(size: WindowSize): void {
    if (!this.tty) throw new Refusal('invalid', 'The container has no TTY to resize');
    void this.exec?.resize({ h: size.rows || 24, w: size.columns || 80 }).catch(() => undefined); // ended meanwhile
  }

  pause(): void {
    this.stream?.pause();
  }

  resume(): void {
    this.stream?.resume();
  }

  /** To the command's process (the engine's exec API signals nothing: its pid on this machine). */
  signal(signal: number): void {
    try {
      if (this.pid) process.kill(this.pid, signal);
    } catch {
      // gone already, or in another pid namespace (an agent in a container): its end is on its way
    }
  }

  destroy(): void {
    this.signal(9);
    this.stream?.destroy();
    void this.finish();
  }
}
