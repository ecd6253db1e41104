// The attach client (what Mesos' CLI does in TaskIO): runs a command next to a running task through its
// agent's nested-container session API and streams its input and output. One output connection
// (LAUNCH_NESTED_CONTAINER_SESSION: the session lives as long as it), one input connection
// (ATTACH_CONTAINER_INPUT) with heartbeats, and WAIT_CONTAINER for the wait status once the output ended.
// Used by `mesolite task exec` and the VS Code terminal.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { HttpError, openStream, request } from '../common/http';
import { containerIdRecord, heartbeatRecord, resizeRecord, stdinRecord, type ProcessIO, type WindowSize } from '../common/protocol/attach';
import { isTerminalState, type CommandInfo, type ContainerID, type Task } from '../common/protocol/v1';
import { encodeRecord, RecordIODecoder } from '../common/recordio';
import { authorization, type Credentials } from '../common/authentication';
import type { GetState } from './operator';
import { matchTasks } from './tasks';

export interface ExecOptions {
  /** The agent's base URL, http://host:port. */
  agentUrl: string;
  /** The task's container (its status' container_status.container_id). */
  container: ContainerID;
  /** argv: the program and its arguments (no shell), as `mesos task exec` sends them. */
  command: string[];
  /** A pseudo-terminal of this size; pipes (stdout and stderr apart) without. */
  tty?: WindowSize;
  /** Send input (-i). Without it, stdin is at EOF at once (pipes) or never written (TTY). */
  interactive: boolean;
  /** Variables set for the command on top of the task's (e.g. TERM). */
  environment?: Record<string, string>;
  credentials?: Credentials;
  /** Heartbeats on the input stream (Mesos' CLI: every 30 s). */
  heartbeatMs?: number;
  /** The command's output as it comes (with a TTY, all of it is STDOUT). */
  onOutput(stream: 'STDOUT' | 'STDERR', data: Buffer): void;
}

/** How the command ended: its raw wait status, and the exit code a shell would show (128+n for signal n). */
export interface ExitStatus { status: number; code: number; signal?: number }

function exitStatus(status: number): ExitStatus {
  const signal = status & 0x7f;
  return signal && signal !== 0x7f ? { status, code: 128 + signal, signal } : { status, code: (status >> 8) & 0xff };
}

const EOT = Buffer.from([0x04]);
const INPUT_HEADERS = { 'Content-Type': 'application/recordio', 'Message-Content-Type': 'application/json', Accept: 'application/json' };

/**
 * A running session. `exited` settles once the output ended, with the wait status (rejects when the
 * agent could not say, e.g. the connection broke, or when close() ended it).
 */
export class ExecSession {
  readonly containerId: ContainerID;
  readonly exited: Promise<ExitStatus>;
  private input?: http.ClientRequest;
  private output?: http.ClientRequest;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;
  private settle!: { resolve: (s: ExitStatus) => void; reject: (e: Error) => void };

  private constructor(private readonly options: ExecOptions) {
    this.containerId = { parent: options.container, value: randomUUID() };
    this.exited = new Promise((resolve, reject) => { this.settle = { resolve, reject }; });
    this.exited.catch(() => undefined); // a caller that never looks at it must not crash the process
  }

  /** Launches the command and attaches its input; resolves once both connections are up. */
  static async start(options: ExecOptions): Promise<ExecSession> {
    const session = new ExecSession(options);
    try {
      await session.launch();
      await session.attachInput();
    } catch (e) {
      session.close();
      throw e;
    }
    return session;
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return { ...extra, ...(this.options.credentials ? { Authorization: authorization(this.options.credentials) } : {}) };
  }

  private launch(): Promise<void> {
    const { command: [program, ...args], tty, environment } = this.options;
    const command: CommandInfo = {
      shell: false, value: program, arguments: [program, ...args],
      ...(environment ? { environment: { variables: Object.entries(environment).map(([name, value]) => ({ name, type: 'VALUE' as const, value })) } } : {}),
    };
    const body = JSON.stringify({
      type: 'LAUNCH_NESTED_CONTAINER_SESSION',
      launch_nested_container_session: { container_id: this.containerId, command, ...(tty ? { container: { type: 'MESOS', tty_info: { window_size: tty } } } : {}) },
    });
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.options.agentUrl}/api/v1`, {
        method: 'POST', agent: false,
        headers: this.headers({ 'Content-Type': 'application/json', Accept: 'application/recordio', 'Message-Accept': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }),
      }, (res) => {
        if (res.statusCode !== 200) return readAll(res).then((text) => reject(new HttpError(res.statusCode ?? 0, text || `LAUNCH_NESTED_CONTAINER_SESSION: ${res.statusCode}`)));
        res.socket.setNoDelay(true);
        const decoder = new RecordIODecoder();
        res.on('data', (chunk: Buffer) => {
          try {
            for (const record of decoder.decode(chunk)) this.record(JSON.parse(record.toString('utf8')) as ProcessIO);
          } catch (e) {
            res.destroy(e as Error);
          }
        });
        res.on('end', () => void this.wait()); // wait() settles `exited` either way: it never rejects
        res.on('error', (e) => this.fail(e));
        res.on('close', () => { if (!res.complete) this.fail(new Error('The session\'s output stream broke off')); });
        resolve();
      });
      req.on('error', (e) => { reject(e); this.fail(e); });
      req.end(body);
      this.output = req;
    });
  }

  private record(io: ProcessIO): void {
    if (io.type === 'DATA' && io.data.type !== 'STDIN') this.options.onOutput(io.data.type, Buffer.from(io.data.data, 'base64'));
  }

  /**
   * Opens the input stream. As Mesos' CLI does, a first request naming the container only tells whether
   * input can be attached (404, 409...), since a streaming one is answered only when it ends. Without
   * -i, stdin gets EOF at once (pipes) or is left alone (TTY).
   */
  private async attachInput(): Promise<void> {
    const { interactive, tty, heartbeatMs = 30_000 } = this.options;
    if (!interactive && tty) return;
    const probe = await this.inputRequest([containerIdRecord(this.containerId)]);
    // Gone already: a quick command ended before its input was attached (its output and wait status tell).
    if (probe.status === 404) return;
    if (probe.status !== 200) throw new HttpError(probe.status, probe.body);
    if (!interactive) {
      // Answered at once; a failure shows as the session's (its output and wait status), so this one may be lost.
      this.inputRequest([containerIdRecord(this.containerId), stdinRecord(Buffer.alloc(0))]).catch(() => undefined);
      return;
    }
    const input = http.request(`${this.options.agentUrl}/api/v1`, { method: 'POST', agent: false, headers: this.headers(INPUT_HEADERS) }, (res) => {
      // Answered when the session ended; a refusal before that (another client took the input meanwhile) ends this one.
      if (res.statusCode !== 200) void readAll(res).then((text) => { this.fail(new HttpError(res.statusCode ?? 0, `ATTACH_CONTAINER_INPUT: ${text}`)); this.close(); });
      else res.resume();
    });
    input.on('socket', (socket) => socket.setNoDelay(true));
    input.on('error', () => undefined); // the output stream tells how the session ended
    input.write(encodeRecord(containerIdRecord(this.containerId)));
    this.input = input;
    this.heartbeat = setInterval(() => this.send(heartbeatRecord(heartbeatMs)), heartbeatMs).unref();
  }

  private inputRequest(records: unknown[]): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.options.agentUrl}/api/v1`, { method: 'POST', headers: this.headers(INPUT_HEADERS) }, (res) => {
        void readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(Buffer.concat(records.map(encodeRecord)));
    });
  }

  private send(record: unknown): void {
    if (this.input && !this.input.writableEnded && !this.input.destroyed) this.input.write(encodeRecord(record));
  }

  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    if (bytes.length) this.send(stdinRecord(bytes));
  }

  /** End of input: EOT with a TTY (what the terminal's Ctrl-D would send), an empty STDIN record without. */
  endInput(): void {
    if (this.options.tty) this.send(stdinRecord(EOT));
    else {
      this.send(stdinRecord(Buffer.alloc(0)));
      clearInterval(this.heartbeat);
      this.input?.end();
    }
  }

  resize(size: WindowSize): void {
    if (this.options.tty) this.send(resizeRecord(size));
  }

  /** Drops both connections: the agent destroys the session and everything it started. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.input?.destroy();
    this.output?.destroy();
    this.fail(new Error('The session was closed'));
  }

  private async wait(): Promise<void> {
    clearInterval(this.heartbeat);
    this.input?.end();
    try {
      const res = await request('POST', `${this.options.agentUrl}/api/v1`, { type: 'WAIT_CONTAINER', wait_container: { container_id: this.containerId } },
        this.options.credentials ? { Authorization: authorization(this.options.credentials) } : {});
      if (res.status !== 200) throw new HttpError(res.status, `WAIT_CONTAINER: ${res.status} ${res.body}`);
      this.settle.resolve(exitStatus((JSON.parse(res.body) as { wait_container: { exit_status: number } }).wait_container.exit_status));
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private fail(e: Error): void {
    clearInterval(this.heartbeat);
    this.settle.reject(e);
  }
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The task's container, from its statuses (they all carry it once it is known), as Mesos' CLI finds it. */
function taskContainer(task: Task): ContainerID | undefined {
  return task.statuses.find((s) => s.container_status?.container_id)?.container_status!.container_id;
}

/** Where a task runs: the task, its agent's URL and its container. */
export interface TaskTarget { task: Task; agentUrl: string; container: ContainerID }

/**
 * A task of the master's state matched as `task log` matches them (matchTasks: exact id, unique prefix,
 * app id); it must be running. Throws saying which tasks match when several do.
 */
export function findTask(state: GetState, pattern: string): Task {
  const candidates = state.get_tasks.tasks.map((task) => ({ id: task.task_id.value, active: !isTerminalState(task.state), task }));
  const matches = matchTasks(candidates, pattern).map((m) => m.task);
  if (matches.length === 0) throw new Error(`No task matches '${pattern}'`);
  if (matches.length > 1) throw new Error(`Multiple tasks match '${pattern}':\n${matches.map((t) => `  ${t.task_id.value} (${t.state})`).join('\n')}`);
  const [task] = matches;
  if (task.state !== 'TASK_RUNNING') throw new Error(`Task '${task.task_id.value}' is ${task.state}, not running`);
  return task;
}

/** The agent and container of a task from the master's state (agents by id). */
export function taskTarget(task: Task, agents: GetState['get_agents']['agents']): TaskTarget {
  const agent = agents.find((a) => a.agent_info.id?.value === task.agent_id.value)?.agent_info;
  if (!agent) throw new Error(`The agent of task '${task.task_id.value}' (${task.agent_id.value}) is not registered`);
  const container = taskContainer(task);
  if (!container) throw new Error(`Task '${task.task_id.value}' has no container yet: it might still be starting`);
  return { task, agentUrl: `http://${agent.hostname}:${agent.port ?? 5051}`, container };
}

/**
 * ATTACH_CONTAINER_OUTPUT: the output of a container (a task's: what it writes from now on) until it
 * ends or close() is called. `ended` settles when the stream does.
 */
export async function attachOutput(target: Pick<TaskTarget, 'agentUrl' | 'container'>, onOutput: (stream: 'STDOUT' | 'STDERR', data: Buffer) => void, credentials?: Credentials) {
  const stream = await openStream(`${target.agentUrl}/api/v1`, { type: 'ATTACH_CONTAINER_OUTPUT', attach_container_output: { container_id: target.container } }, (record) => {
    const io = record as unknown as ProcessIO;
    if (io.type === 'DATA' && io.data.type !== 'STDIN') onOutput(io.data.type, Buffer.from(io.data.data, 'base64'));
  }, credentials ? { Authorization: authorization(credentials) } : {});
  return { ended: stream.ended, close: () => stream.close() };
}
