// The Debug Adapter Protocol side of the offer-cycle debugger: a thin translation of DAP requests into
// OfferDebugger calls and of its events into DAP events. Runs inline in VS Code and on stdio alone
// (dist/mesolite-debug.js); it imports no vscode.
import { DebugSession, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent, ThreadEvent, ContinuedEvent, Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS, parseFunctionBreakpoint, type FunctionBreakpoint } from './runtime/breakpoints';
import { evaluateLine, why } from './runtime/console';
import { formatValue, type Value } from './runtime/evaluate';
import { cycleDocument, cycleFrames } from './runtime/frames';
import { OfferDebugger, type Stop } from './runtime/runtime';
import { scopeNodes, type VarNode } from './runtime/variables';

export interface AttachArguments extends DebugProtocol.AttachRequestArguments {
  /** HOST:PORT, http://HOST:PORT or zk://host:port,.../mesos */
  master?: string;
  /** Pause allocation and stop on the last cycle (default true). */
  stopOnEntry?: boolean;
  /** Take control of allocation from another debugger that holds it (it is told and stops). */
  takeOver?: boolean;
}

export interface SessionOptions {
  /** The master when the attach arguments name none (the standalone adapter's --master). */
  master?: string;
  /** Frames point into documents of this URI scheme (the extension serves them) instead of DAP sources. */
  documentScheme?: string;
  /** A name for this session in document URIs, so one scheme serves several sessions. */
  key?: string;
}

const ALLOCATOR_THREAD = 1;

function valueNode(name: string, v: Value): VarNode {
  if (Array.isArray(v)) return { name, value: `[${v.length}]`, count: v.length, page: (start, count) => v.slice(start, start + count).map((x, i) => valueNode(`[${start + i}]`, x)) };
  if (v !== null && typeof v === 'object') return { name, value: formatValue(v), children: () => Object.entries(v).map(([k, x]) => valueNode(k, x)) };
  return { name, value: formatValue(v) };
}

export class OfferDebugSession extends DebugSession {
  readonly debugger = new OfferDebugger();
  private readonly nodes = new Handles<{ node: VarNode; kids?: VarNode[] }>();
  private readonly frames = new Handles<string>();
  private readonly threadIds = new Map<string, number>();
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((r) => (this.configured = r));
  private held?: Array<() => void>;
  private lastException?: string;
  private detached?: Promise<void>;
  private clientName?: string;

  constructor(private readonly options: SessionOptions = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    const send = (fn: () => void) => (this.held ? this.held.push(fn) : fn());
    this.debugger.on('stopped', (stop) => send(() => this.stopped(stop)));
    this.debugger.on('continued', () => send(() => { this.forget(); this.sendEvent(new ContinuedEvent(ALLOCATOR_THREAD, true)); }));
    this.debugger.on('output', (text, category) => this.sendEvent(new OutputEvent(`${text}\n`, category)));
    this.debugger.on('threads', () => this.sendEvent(new ThreadEvent('started', ALLOCATOR_THREAD)));
    // Another debugger took allocation over: this session has nothing left to drive.
    this.debugger.on('ended', () => this.sendEvent(new TerminatedEvent()));
  }

  private forget(): void {
    this.nodes.reset();
    this.frames.reset();
  }

  private stopped(stop: Stop): void {
    this.forget();
    if (stop.reason === 'exception') this.lastException = stop.text;
    const thread = stop.frameworkId ? this.threadOf(stop.frameworkId) : ALLOCATOR_THREAD;
    const event = new StoppedEvent(stop.reason, thread, stop.text) as DebugProtocol.StoppedEvent;
    event.body.allThreadsStopped = true;
    if (stop.description) event.body.description = stop.description;
    if (stop.breakpoints) event.body.hitBreakpointIds = stop.breakpoints;
    this.sendEvent(event);
  }

  private threadOf(frameworkId: string): number {
    if (!this.threadIds.has(frameworkId)) this.threadIds.set(frameworkId, this.threadIds.size + ALLOCATOR_THREAD + 1);
    return this.threadIds.get(frameworkId)!;
  }

  private frameworkOf(threadId: number): string | undefined {
    return [...this.threadIds.entries()].find(([, t]) => t === threadId)?.[0];
  }

  /** Answers with the error text shown to the user; the debugger itself keeps going. */
  private async guarded<R extends DebugProtocol.Response>(response: R, work: () => Promise<void> | void): Promise<void> {
    try {
      await work();
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1, format: (e as Error).message.replace(/[{}]/g, ''), showUser: true });
    }
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientName = args.clientName ?? args.clientID;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsStepBack: true,
      supportsEvaluateForHovers: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsDelayedStackTraceLoading: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ ...f })),
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: AttachArguments): Promise<void> {
    const master = args.master ?? this.options.master;
    if (!master) return this.sendErrorResponse(response, { id: 2, format: 'No master to attach to: set "master" (HOST:PORT or zk://...) in the configuration', showUser: true });
    // Breakpoints come between initialize and configurationDone; a client that never sends it still attaches.
    await Promise.race([this.configurationDone, new Promise((r) => setTimeout(r, 2000))]);
    this.held = [];
    try {
      await this.debugger.attach({ master, stopOnEntry: args.stopOnEntry, takeOver: args.takeOver, clientName: this.clientName });
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 3, format: `Cannot attach to ${master}: ${(e as Error).message}`.replace(/[{}]/g, ''), showUser: true });
    } finally {
      for (const fn of this.held.splice(0)) fn();
      this.held = undefined;
    }
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const old = this.debugger.breakpoints;
    let next = Math.max(0, ...old.map((b) => b.id)) + 1;
    // An unchanged breakpoint keeps its id and hit count.
    const kept = (b: DebugProtocol.FunctionBreakpoint) => old.find((o) => o.text === b.name && o.conditionText === b.condition && o.hitText === b.hitCondition);
    const list: FunctionBreakpoint[] = args.breakpoints.map((b) => kept(b) ?? parseFunctionBreakpoint(next++, b.name, b.condition, b.hitCondition));
    this.debugger.breakpoints = list;
    response.body = { breakpoints: list.map((b) => ({ id: b.id, verified: !b.error, ...(b.error ? { message: `${b.error}` } : {}) })) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.debugger.exceptionFilters = new Set(args.filters);
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    response.body = { exceptionId: 'mesolite', description: this.lastException ?? '', breakMode: 'always' };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const frameworks = [...this.debugger.mirror.frameworks.entries()].filter(([, f]) => !f.removed);
    response.body = { threads: [{ id: ALLOCATOR_THREAD, name: 'Allocator' }, ...frameworks.map(([id, f]) => ({ id: this.threadOf(id), name: `${f.info.name} (${id})` }))] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const dbg = this.debugger;
    const cycle = dbg.currentCycle;
    const all = cycleFrames(dbg.story, cycle, dbg.shownUpTo, dbg.names, args.threadId === ALLOCATOR_THREAD ? undefined : this.frameworkOf(args.threadId) ?? '-');
    const start = args.startFrame ?? 0;
    const page = all.slice(start, args.levels ? start + args.levels : undefined);
    const source: DebugProtocol.Source = this.options.documentScheme
      ? { name: `cycle-${cycle}.json`, path: `${this.options.documentScheme}:/${this.options.key ?? 'mesolite'}/cycle-${cycle}.json` }
      : { name: `cycle-${cycle}.json`, sourceReference: cycle + 1 };
    response.body = { totalFrames: all.length, stackFrames: page.map((f) => ({ id: this.frames.create(`${cycle}:${f.key}`), name: f.label(), source, line: f.line, column: 1 })) };
    this.sendResponse(response);
  }

  /** The JSON document of a cycle, as frames point into it (also served to the extension's scheme). */
  document(cycle: number): string {
    return cycleDocument(this.debugger.story, cycle, cycle === this.debugger.currentCycle ? this.debugger.shownUpTo : Infinity);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    response.body = { content: this.document((args.source?.sourceReference ?? args.sourceReference) - 1), mimeType: 'application/json' };
    this.sendResponse(response);
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse): Promise<void> {
    await this.guarded(response, async () => {
      const m = await this.debugger.moment();
      const whyOf = (fw: string) => {
        try { return why(this.debugger, m, fw).join(' '); } catch (e) { return (e as Error).message; }
      };
      response.body = {
        scopes: scopeNodes(m, whyOf).map((node) => ({ name: node.name, variablesReference: this.nodes.create({ node }), expensive: false, ...(node.count !== undefined ? { indexedVariables: node.count } : {}) })),
      };
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const entry = this.nodes.get(args.variablesReference);
    if (!entry) { response.body = { variables: [] }; return this.sendResponse(response); }
    const { node } = entry;
    const start = args.start ?? 0;
    const end = args.count ? start + args.count : undefined;
    // Indexed children (a cycle's 10,000 decisions) are built a page at a time.
    const page = node.count !== undefined && args.filter === 'named' ? []
      : node.page ? node.page(start, (end ?? node.count ?? 0) - start)
      : (entry.kids ??= node.children?.() ?? []).slice(start, end);
    response.body = {
      variables: page.map((k) => ({
        name: k.name,
        value: k.value,
        variablesReference: k.children || k.page ? this.nodes.create({ node: k }) : 0,
        ...(k.count !== undefined ? { indexedVariables: k.count } : {}),
        ...(k.evaluateName ? { evaluateName: k.evaluateName } : {}),
      })),
    };
    this.sendResponse(response);
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    await this.guarded(response, async () => {
      if (args.context === 'hover' && !/^\w+$|^\w+\(.*\)(\.\w+)?$/.test(args.expression)) throw new Error('not an expression');
      const { text, value } = await evaluateLine(this.debugger, args.expression);
      const node = value !== undefined && value !== null && typeof value === 'object' ? valueNode(args.expression, value) : undefined;
      response.body = { result: text, variablesReference: node ? this.nodes.create({ node }) : 0, ...(node?.count !== undefined ? { indexedVariables: node.count } : {}) };
    });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.debugger.stepOver();
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.sendResponse(response);
    this.debugger.stepIn(args.threadId === ALLOCATOR_THREAD ? undefined : this.frameworkOf(args.threadId));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    this.debugger.stepOut();
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.debugger.continue();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.debugger.pause();
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.sendResponse(response);
    this.debugger.stepBack();
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    this.debugger.reverseContinue();
  }

  /** Resumes allocation once, however the session ends (disconnect, terminate, closed stream). */
  private detach(): Promise<void> {
    this.detached ??= Promise.race([this.debugger.detach(), new Promise<void>((r) => setTimeout(r, 5000))]).catch((e) => {
      this.sendEvent(new OutputEvent(`Could not resume allocation: ${(e as Error).message}\n`, 'important'));
    });
    return this.detached;
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.detach();
    this.sendResponse(response);
    this.shutdown();
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.detach();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  override shutdown(): void {
    void this.detach().finally(() => super.shutdown());
  }

  override dispose(): void {
    void this.detach();
    super.dispose();
  }
}
