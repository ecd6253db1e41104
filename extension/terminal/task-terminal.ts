// A terminal whose process runs next to a task: a Pseudoterminal over a nested-container session in a
// PTY (runtime/client/attach.ts), so keystrokes, Ctrl+C, paste and resizes reach the remote command as
// they would a local one. It prints how the command ended and closes (a one-shot command's terminal
// waits for a key first, so its output can be read); a task that ends takes its terminals with it.
import * as vscode from 'vscode';
import { ExecSession, type ExitStatus, type TaskTarget } from '../../runtime/client/attach';
import type { Credentials } from '../../runtime/common/authentication';
import type { Task } from '../../runtime/common/protocol/v1';

export interface TaskTerminalOptions {
  target: TaskTarget;
  command: string[];
  credentials?: Credentials;
  /** Keep the terminal until a key is pressed once the command ended (Run Command in Task). */
  keepOpen?: boolean;
  log: vscode.LogOutputChannel;
  /** Asked when the command was killed: the task's state if the task ended (then that is what ended it). */
  taskEnded(): Promise<string | undefined>;
  /** Told when the task's end closes this terminal. */
  onTaskEnded(state: string): void;
}

const DIM = '\x1b[2m', RED = '\x1b[31m', RESET = '\x1b[0m';

export function describeExit({ code, signal }: ExitStatus): string {
  return signal ? `killed by signal ${signal} (exit code ${code})` : `exited with code ${code}`;
}

export class TaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidClose = this.closeEmitter.event;
  private session?: ExecSession;
  private readonly decoder = new TextDecoder();
  /** Set once the command ended or the terminal is closing: input then only closes a kept terminal. */
  private ended = false;
  private closed = false;

  constructor(private readonly options: TaskTerminalOptions) {}

  get task(): Task {
    return this.options.target.task;
  }

  private get taskId(): string {
    return this.task.task_id.value;
  }

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    const { target, command, credentials, log } = this.options;
    ExecSession.start({
      agentUrl: target.agentUrl, container: target.container, command, interactive: true, credentials,
      tty: { rows: dimensions?.rows ?? 24, columns: dimensions?.columns ?? 80 },
      environment: { TERM: 'xterm-256color', COLORTERM: 'truecolor' },
      onOutput: (_stream, data) => this.writeEmitter.fire(this.decoder.decode(data, { stream: true })),
    }).then((session) => {
      if (this.closed) return session.close();
      this.session = session;
      log.info(`Terminal of ${this.taskId}: session ${session.containerId.value} on ${target.agentUrl}`);
      session.exited.then((status) => this.exited(status), (e: Error) => this.finish(e.message, 1, true));
    }, (e: Error) => this.finish(`Cannot attach to ${this.taskId}: ${e.message}`, 1, true));
  }

  handleInput(data: string): void {
    if (!this.ended) this.session?.write(data);
    else if (this.options.keepOpen) this.dispose(0);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.session?.resize({ rows: dimensions.rows, columns: dimensions.columns });
  }

  /** The user closed the terminal: the connection goes, and with it the remote command. */
  close(): void {
    this.closed = true;
    this.ended = true;
    this.session?.close();
  }

  /** A command killed by the agent may have gone with its task: then that is what the terminal says. */
  private async exited(status: ExitStatus): Promise<void> {
    const state = status.signal ? await this.options.taskEnded() : undefined;
    if (state) this.taskEnded(state);
    else this.finish(`${this.taskId}: ${describeExit(status)}`, status.code);
  }

  /** Its task ended: says so and closes. */
  taskEnded(state: string): void {
    if (this.ended) return;
    this.options.onTaskEnded(state);
    this.finish(`${this.taskId} is ${state}: its terminal closes`, 0, true);
  }

  private finish(message: string, code: number, error = false): void {
    if (this.ended) return;
    this.ended = true;
    this.session?.close();
    this.writeEmitter.fire(`\r\n${error ? RED : DIM}[${message}]${RESET}\r\n`);
    if (this.options.keepOpen) this.writeEmitter.fire(`${DIM}[press any key to close]${RESET}`);
    else this.dispose(code);
  }

  private dispose(code: number): void {
    this.closed = true;
    this.closeEmitter.fire(code);
  }
}
