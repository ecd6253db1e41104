// The executor host's connection to its agent, shared by the logical executors it runs: the host's own
// subscription carries the agent's events for them (EXECUTOR_EVENT, routed by executor id), and their
// v1 Executor API calls go out in order, those queued while a request is in flight together in the next
// EXECUTOR_CALLS request. Hundreds of executors share one stream and a few requests.
import { BatchingPoster, HttpError, openStream, type OpenStream } from '../common/http';
import { EXECUTOR_HOST_API_PATH, type ExecutorCallResult, type ExecutorHostCall, type ExecutorHostEvent } from '../common/protocol/internal';
import type { ExecutorCall, ExecutorEvent } from '../common/protocol/v1';

const OPEN_WAIT_MS = 500;

interface Route { onEvent(event: ExecutorEvent): void; end(): void }

/** An executor's subscription through the host: `ended` resolves when the host's stream ends or it is closed. */
export interface HostedStream { ended: Promise<void>; close(): void }

export class HostConnection {
  readonly url: string;
  private stream?: OpenStream;
  private readonly routes = new Map<string, Route>();
  private readonly waiting = new Set<() => void>();
  private readonly poster: BatchingPoster<ExecutorCall, ExecutorCallResult>;

  constructor(agentEndpoint: string, frameworkId: string) {
    this.url = `http://${agentEndpoint}${EXECUTOR_HOST_API_PATH}`;
    this.poster = new BatchingPoster(
      () => this.url,
      (calls) => ({ type: 'EXECUTOR_CALLS', framework_id: { value: frameworkId }, executor_calls: { calls } } satisfies ExecutorHostCall),
      (calls, r) => {
        if (!(r instanceof Error) && r.status === 200) return (JSON.parse(r.body) as { results: ExecutorCallResult[] }).results;
        const message = r instanceof Error ? `Could not reach the agent: ${r.message}` : `${r.status} ${r.body}`;
        return calls.map(() => ({ status: r instanceof Error ? 503 : r.status, message }));
      },
    );
  }

  /** Opens the host's own subscription; the host's events go to onEvent, its executors' to their routes. */
  async open(call: ExecutorHostCall, onEvent: (event: ExecutorHostEvent) => void): Promise<OpenStream> {
    const stream = await openStream(this.url, call, (e) => {
      const event = e as unknown as ExecutorHostEvent;
      if (event.type === 'EXECUTOR_EVENT') this.routes.get(event.executor_event.executor_id.value)?.onEvent(event.executor_event.event);
      else onEvent(event);
    });
    this.stream = stream;
    for (const done of [...this.waiting]) done();
    void stream.ended.then(() => {
      if (this.stream === stream) this.stream = undefined;
      for (const route of [...this.routes.values()]) route.end();
    });
    return stream;
  }

  /**
   * Subscribes an executor: its events arrive from now on (onOpen runs before the first). Rejects while the
   * host is not connected, and with the agent's status when it refuses the SUBSCRIBE.
   */
  async subscribe(call: ExecutorCall, onEvent: (event: ExecutorEvent) => void, onOpen: () => void): Promise<HostedStream> {
    // Reconnecting after an agent restart: subscribe the moment the host's stream is back, as the
    // agent gives executors only --executor_reregistration_timeout (2 s) to come back.
    if (!this.stream) await this.opened(OPEN_WAIT_MS);
    if (!this.stream) throw new Error('the executor host is not connected to its agent');
    const executorId = call.executor_id.value;
    let endedResolve!: () => void;
    const ended = new Promise<void>((resolve) => (endedResolve = resolve));
    const route: Route = {
      onEvent,
      end: () => {
        if (this.routes.get(executorId) === route) this.routes.delete(executorId);
        endedResolve();
      },
    };
    this.routes.get(executorId)?.end();
    this.routes.set(executorId, route);
    onOpen();
    const result = await this.send(call);
    if (result.status !== 202) {
      route.end();
      throw new HttpError(result.status, result.message ?? '');
    }
    return { ended, close: route.end };
  }

  /** Resolves once the host's stream opens, or after `ms`. */
  private opened(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); this.waiting.delete(done); resolve(); };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }

  /** Sends a call after every call sent before it; resolves with what the agent answered it. */
  send(call: ExecutorCall): Promise<ExecutorCallResult> {
    return this.poster.post(call);
  }
}
