// Marathon's /v2/events applied to the apps (apps-state.ts), with GET /v2/apps only when an event asks
// for it (the stream attached, an app not yet known), debounced; events that come while that read is in
// flight are applied again over its answer, as the operator stream's are over GET_STATE's.
import type { MarathonClient, MarathonEvent } from '../runtime/client/marathon';
import { AppsState, type AppPart } from './apps-state';

export class AppsFeed {
  state?: AppsState;
  private readonly stream: { close(): void };
  private timer?: NodeJS.Timeout;
  private wanted = false;
  /** Events received since the read in flight was sent. */
  private inFlight?: MarathonEvent[];
  private closed = false;

  constructor(private readonly marathon: MarathonClient, private readonly onChange: (parts: readonly AppPart[]) => void,
    private readonly warn: (message: string) => void, private readonly debounceMs = 100) {
    this.stream = marathon.events((e) => {
      this.inFlight?.push(e);
      // Until the first read answers, any event is a reason to read.
      const applied = this.state?.apply(e) ?? { changed: e.eventType.startsWith('deployment_') || e.eventType === 'event_stream_attached' ? ['deployments' as const] : [], reread: true };
      if (applied.reread) this.schedule();
      if (applied.changed.length) onChange(applied.changed);
    });
  }

  /** Reads the apps again (Mesolite: Refresh). */
  refresh(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    this.wanted = true;
    this.timer ??= setTimeout(() => { this.timer = undefined; void this.read(); }, this.debounceMs);
  }

  private async read(): Promise<void> {
    if (this.inFlight || !this.wanted || this.closed) return;
    this.wanted = false;
    const replay = (this.inFlight = []);
    try {
      const state = new AppsState(await this.marathon.listApps(['apps.tasks', 'apps.lastTaskFailure']));
      for (const e of replay) state.apply(e);
      this.state = state;
      if (!this.closed) this.onChange(['apps', 'appStatus', 'deployments']);
    } catch (e) {
      // The next event asks again; the stream reattaching (the framework back) is one.
      this.warn(`GET /v2/apps failed: ${(e as Error).message}`);
    } finally {
      this.inFlight = undefined;
      if (this.wanted) this.schedule();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.stream.close();
  }
}
