// The agent as a client of the master's agent API (AGENT_API_PATH): REGISTER or REREGISTER opens the
// master's event stream; every other call is POSTed in order (calls queued behind one in flight go
// together as one BATCH) and answered 202 Accepted, or refused with the reason.
import { BatchingPoster, openStream, type OpenStream } from '../../common/http';
import { AGENT_API_PATH, type AgentCall, type AgentEvent } from '../../common/protocol/internal';

export class MasterApi {
  private url?: string;
  private readonly poster = new BatchingPoster<AgentCall>(
    () => this.url + AGENT_API_PATH,
    (calls) => (calls.length === 1 ? calls[0] : { type: 'BATCH', agent_id: { value: this.agentId()! }, batch: { calls } } satisfies AgentCall),
    (calls, r) => {
      const refusal = r instanceof Error ? r.message : r.status !== 202 ? `${r.status} ${r.body}` : undefined;
      if (refusal) this.refused(calls, refusal);
      return [];
    },
  );

  constructor(private readonly agentId: () => string | undefined, private readonly refused: (calls: AgentCall[], reason: string) => void) {}

  /** http://host:port of the master last subscribed to. */
  get master(): string | undefined {
    return this.url;
  }

  /** Registers with `master` (http://host:port); its events follow on the stream until it ends. */
  subscribe(master: string, call: AgentCall, onEvent: (event: AgentEvent) => void, signal: AbortSignal): Promise<OpenStream> {
    this.url = master;
    return openStream(master + AGENT_API_PATH, call, (event) => onEvent(event as unknown as AgentEvent), {}, undefined, signal);
  }

  /** Posts a call to the master last subscribed to (nothing before the first subscription); a refusal goes to `refused`. */
  send(call: AgentCall): void {
    if (this.url) void this.poster.post(call); // settles once answered; the answer went to `refused`
  }
}
