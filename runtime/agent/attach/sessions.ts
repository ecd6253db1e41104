// Nested-container sessions (Mesos' LAUNCH_NESTED_CONTAINER_SESSION and its I/O switchboard): a command
// started next to a running task, in its sandbox with its environment, as its user, in the task's
// container (the containerizer runs it and destroys it with that container). The session's output goes
// to whoever attached to it; it lives as long as the connection that launched it; one input stream at
// a time feeds it; its wait status is kept a while after it ended for WAIT_CONTAINER.
import { guarded, type Logger } from '../../common/log';
import { commandArgv, commandEnvironment, SESSION_MARK } from '../../common/process';
import { containerName, type LaunchNestedContainerSession, type ProcessIO } from '../../common/protocol/attach';
import type { ContainerID } from '../../common/protocol/v1';
import { Refusal } from '../../common/refusal';
import type { Containerizer, NestedProcess, OutputStream } from '../containerizer/containerizer';
import { followTaskOutput } from './task-output';

/** The running task whose container a session joins. */
export interface SessionTarget {
  containerId: string;
  /** The task's sandbox: the session's working directory. */
  sandbox: string;
  /** The task's environment (MESOS_SANDBOX, MESOS_TASK_ID, its command's variables...). */
  environment: Record<string, string>;
}

/** Finds the running task of a container on this agent, or refuses naming the container. */
export type ResolveTarget = (containerId: ContainerID) => SessionTarget;

/** Where output records go: an HTTP stream. send() says false while it cannot take more; onDrain says when it can. */
export interface OutputSink {
  send(record: ProcessIO): boolean;
  onDrain(listener: () => void): void;
  close(): void;
}

const DEFAULT_WINDOW = { rows: 24, columns: 80 };
/** WAIT_CONTAINER answers for this many sessions after they ended. */
const ENDED_KEPT = 256;

export class Session {
  readonly name: string;
  readonly sinks = new Set<OutputSink>();
  inputAttached = false;
  /** Sinks that could not take the last record: the command is paused until none is left. */
  private readonly blocking = new Set<OutputSink>();

  constructor(readonly id: ContainerID, readonly parent: string, readonly process: NestedProcess) {
    this.name = containerName(id);
    process.onOutput((stream, data) => this.output(stream, data));
  }

  /** Output to every sink; one that cannot keep up pauses the command until it drained (a slow reader slows it). */
  private output(stream: OutputStream, data: Buffer): void {
    const record: ProcessIO = { type: 'DATA', data: { type: stream, data: data.toString('base64') } };
    for (const sink of this.sinks) {
      if (sink.send(record) || this.blocking.has(sink)) continue;
      this.blocking.add(sink);
      if (this.blocking.size === 1) this.process.pause();
      sink.onDrain(() => this.unblock(sink));
    }
  }

  private unblock(sink: OutputSink): void {
    if (this.blocking.delete(sink) && this.blocking.size === 0) this.process.resume();
  }

  /**
   * A PROCESS_IO record of its input stream; false when the command has not read what came so far (wait
   * for process.onWritable). An empty STDIN is EOF without a TTY, and nothing with one (EOT comes as data).
   */
  input(io: ProcessIO): boolean {
    if (io.type === 'DATA') {
      const data = Buffer.from(io.data.data, 'base64');
      if (data.length) return this.process.write(data);
      if (!this.process.tty) this.process.closeStdin();
    } else if (io.control.type === 'TTY_INFO') {
      if (!this.process.tty) throw new Refusal('invalid', `Unable to set the window size: container ${this.name} has no TTY`);
      this.process.resize(io.control.tty_info.window_size!);
    }
    return true;
  }

  /** Stops writing to a sink (a viewer that went); the command goes on unless the sink was its launcher's. */
  detach(sink: OutputSink): void {
    this.sinks.delete(sink);
    this.unblock(sink);
  }
}

export class NestedContainers {
  private readonly running = new Map<string, Session>();
  private readonly ended = new Map<string, number>();
  /** Viewers of tasks' own output, by container: they go when its task does. */
  private readonly viewers = new Map<string, Set<() => void>>();

  constructor(private readonly containerizer: Containerizer, private readonly resolve: ResolveTarget, private readonly log: Logger) {}

  /**
   * Starts a session whose output goes to `sink` and which ends with it; undefined when the container id
   * is taken (Mesos answers 202 then).
   */
  launch(call: LaunchNestedContainerSession, sink: () => OutputSink): Session | undefined {
    const id = call.container_id;
    const name = containerName(id);
    if (this.running.has(name) || this.ended.has(name)) return undefined;
    if (id.parent!.parent) throw new Refusal('invalid', `Container ${name}: sessions nest in a task's container only, not deeper`);
    const target = this.resolve(id.parent!);
    const tty = call.container?.tty_info ? call.container.tty_info.window_size ?? DEFAULT_WINDOW : undefined;
    const env: Record<string, string> = { ...target.environment, ...commandEnvironment(call.command), [SESSION_MARK]: name };
    if (tty) env.TERM ??= 'xterm';
    const process = this.containerizer.launchNested(target.containerId, {
      argv: commandArgv(call.command), env, cwd: target.sandbox, tty, ...(call.command.user !== undefined ? { user: call.command.user } : {}),
    });
    const session = new Session(id, target.containerId, process);
    this.running.set(name, session);
    const launcher = sink();
    session.sinks.add(launcher);
    this.log.info(`Launched session ${name} (pid ${process.pid}${tty ? ', TTY' : ''}) in the sandbox of container ${target.containerId}`);
    void process.exited.then(guarded(this.log, `Session ${name}'s end`, (status: number) => this.finish(session, status))); // exited never rejects
    return session;
  }

  /** The connection that launched a session is gone: so is the session, with everything it started. */
  launcherGone(session: Session, sink: OutputSink): void {
    session.detach(sink);
    if (this.running.get(session.name) === session) {
      this.log.info(`Session ${session.name}: its connection closed; destroying it`);
      session.process.destroy();
    }
  }

  find(id: ContainerID): Session {
    const session = this.running.get(containerName(id));
    if (!session) throw new Refusal('not_found', `Container ${containerName(id)} cannot be found`);
    return session;
  }

  /** Takes a session's one input stream; release() gives it back. */
  attachInput(id: ContainerID): { session: Session; release: () => void } {
    if (!id.parent) throw new Refusal('invalid', `Container ${id.value} is a task's: tasks run without a TTY here, so their input cannot be attached`);
    const session = this.find(id);
    if (session.inputAttached) throw new Refusal('conflict', 'Multiple input connections are not allowed');
    session.inputAttached = true;
    return { session, release: () => { session.inputAttached = false; } };
  }

  /** The session's wait status, once it ended. */
  async wait(id: ContainerID): Promise<number> {
    const name = containerName(id);
    const status = this.ended.get(name);
    if (status !== undefined) return status;
    return this.find(id).process.exited;
  }

  /** KILL_CONTAINER: SIGKILL (the default) destroys the session; another signal goes to its processes. */
  kill(id: ContainerID, signal = 9): void {
    const session = this.running.get(containerName(id));
    if (!session) throw new Refusal('not_found', `Container '${containerName(id)}' cannot be found (or is already killed)`);
    if (signal === 9) session.process.destroy();
    else session.process.signal(signal);
  }

  /**
   * ATTACH_CONTAINER_OUTPUT of a task's own container: what its task writes from now on, until it ends
   * (then `sink` is closed). Returns what stops it.
   */
  attachTaskOutput(id: ContainerID, open: () => OutputSink): () => void {
    const target = this.resolve(id);
    const sink = open();
    const follower = followTaskOutput(target.sandbox, (stream, data) => {
      if (sink.send({ type: 'DATA', data: { type: stream, data: data.toString('base64') } })) return Promise.resolve();
      return new Promise((drained) => sink.onDrain(drained));
    }, this.log);
    const viewers = this.viewers.get(target.containerId) ?? new Set();
    this.viewers.set(target.containerId, viewers);
    const end = () => {
      follower.close();
      sink.close();
      viewers.delete(end);
      if (viewers.size === 0 && this.viewers.get(target.containerId) === viewers) this.viewers.delete(target.containerId);
    };
    viewers.add(end);
    return end;
  }

  /** The task in this container ended: its sessions and its viewers end too (the container may outlive it, e.g. a task group's). */
  destroyUnder(parent: string): void {
    for (const session of this.running.values()) if (session.parent === parent) session.process.destroy();
    for (const end of [...(this.viewers.get(parent) ?? [])]) end();
  }

  private finish(session: Session, status: number): void {
    this.running.delete(session.name);
    this.ended.set(session.name, status);
    if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.keys().next().value!);
    this.log.info(`Session ${session.name} ended with wait status ${status}`);
    for (const sink of session.sinks) sink.close();
    session.sinks.clear();
  }
}
