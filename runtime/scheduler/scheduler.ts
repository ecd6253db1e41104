// The scheduler SDK: a typed client of the v1 Scheduler HTTP API. It subscribes, keeps the stream id,
// sends calls, and (optionally) re-subscribes with its framework id when the stream breaks.
import { EventEmitter } from 'node:events';
import { HttpError, openStream, postJson, type OpenStream, type Response } from '../common/http';
import { LeaderSource } from '../zk/leader';
import type {
  AgentID, Filters, FrameworkInfo, InverseOffer, KillPolicy, MasterInfo, Offer, Operation, SchedulerCall, SchedulerEvent, TaskInfo, TaskStatus,
} from '../common/protocol/v1';

// A master just elected may not serve yet: try again soon (local clusters fail over in ~2 s).
const RETRY_MS = 250;

export interface SchedulerOptions {
  /** HOST:PORT or http://HOST:PORT of a master, or zk://host:port/path to follow the elected leader. */
  master: string;
  framework: FrameworkInfo;
  /** Re-subscribe (failover) when the event stream breaks. Default true. */
  reconnect?: boolean;
}

export interface SchedulerEvents {
  subscribed: [{ framework_id: { value: string }; heartbeat_interval_seconds?: number; master_info?: MasterInfo }];
  offers: [Offer[]];
  rescind: [string];
  inverseOffers: [InverseOffer[]];
  rescindInverseOffer: [string];
  update: [TaskStatus];
  message: [{ agent_id: AgentID; executor_id: { value: string }; data: string }];
  failure: [{ agent_id?: AgentID; executor_id?: { value: string }; status?: number }];
  error: [string];
  heartbeat: [];
  disconnected: [];
  event: [SchedulerEvent];
}

export class Scheduler extends EventEmitter<SchedulerEvents> {
  frameworkId?: string;
  streamId?: string;
  private stream?: OpenStream;
  private connecting?: AbortController;
  private closed = false;
  private readonly leader: LeaderSource;
  private url = '';

  constructor(private readonly options: SchedulerOptions) {
    super();
    this.leader = new LeaderSource(options.master);
    // A new leader: drop the stream to the old one, or the attempt to reach it (a dead host in another
    // network namespace leaves a connect hanging for minutes); re-subscription goes to the new one.
    this.leader.on('change', (url) => { if (url && `${url}/api/v1/scheduler` !== this.url) this.connecting?.abort(); });
    if (options.framework.id) this.frameworkId = options.framework.id.value;
  }

  /** Subscribes (to the leading master, once one is known) and resolves with the SUBSCRIBED event. */
  async subscribe(): Promise<SchedulerEvents['subscribed'][0]> {
    this.url = `${await this.leader.next()}/api/v1/scheduler`;
    return new Promise((resolve, reject) => {
      const framework = { ...this.options.framework, ...(this.frameworkId ? { id: { value: this.frameworkId } } : {}) };
      const call: SchedulerCall = {
        type: 'SUBSCRIBE', subscribe: { framework_info: framework }, ...(this.frameworkId ? { framework_id: { value: this.frameworkId } } : {}),
      };
      let subscribed = false;
      const attempt = new AbortController();
      this.connecting = attempt;
      openStream(this.url, call, (raw) => {
        const event = raw as unknown as SchedulerEvent;
        if (event.type === 'SUBSCRIBED') {
          this.frameworkId = event.subscribed.framework_id.value;
          subscribed = true;
          resolve(event.subscribed);
        } else if (event.type === 'ERROR' && !subscribed) {
          reject(new Error(event.error.message));
        }
        this.dispatch(event);
      }, {}, (headers) => { this.streamId = String(headers['mesos-stream-id']); }, attempt.signal).then((stream) => {
        this.stream = stream;
        return stream.ended;
      }).then(() => this.onStreamEnd(), (e: Error) => {
        if (!subscribed) reject(e);
        this.onStreamEnd();
      });
    });
  }

  private onStreamEnd(): void {
    this.stream = undefined;
    this.streamId = undefined;
    if (this.closed) return;
    this.emit('disconnected');
    if (this.options.reconnect === false || !this.frameworkId) return;
    // A failed attempt ends in onStreamEnd() itself, which schedules the next one: one chain only.
    // The next attempt comes after RETRY_MS, or at once when a new leader is detected.
    const retry = () => {
      clearTimeout(timer);
      this.leader.off('change', onLeader);
      // A failed attempt ends the stream again, which brings the next attempt: nothing is lost.
      if (!this.closed) this.subscribe().catch(() => undefined);
    };
    const onLeader = (url: string | undefined) => { if (url) retry(); };
    const timer = setTimeout(retry, RETRY_MS);
    timer.unref();
    this.leader.on('change', onLeader);
  }

  private dispatch(event: SchedulerEvent): void {
    this.emit('event', event);
    switch (event.type) {
      case 'SUBSCRIBED': this.emit('subscribed', event.subscribed); break;
      case 'OFFERS': this.emit('offers', event.offers.offers); break;
      case 'RESCIND': this.emit('rescind', event.rescind.offer_id.value); break;
      case 'INVERSE_OFFERS': this.emit('inverseOffers', event.inverse_offers.inverse_offers); break;
      case 'RESCIND_INVERSE_OFFER': this.emit('rescindInverseOffer', event.rescind_inverse_offer.inverse_offer_id.value); break;
      case 'UPDATE': this.emit('update', event.update.status); break;
      case 'MESSAGE': this.emit('message', event.message); break;
      case 'FAILURE': this.emit('failure', event.failure); break;
      case 'ERROR': if (this.listenerCount('error') > 0) this.emit('error', event.error.message); break;
      case 'HEARTBEAT': this.emit('heartbeat'); break;
    }
  }

  /** Sends a call on behalf of the subscribed framework; rejects with the master's message on 4xx/5xx. */
  async call(call: Omit<SchedulerCall, 'framework_id'>): Promise<Response> {
    if (!this.frameworkId || !this.streamId) throw new Error('Not subscribed');
    const res = await postJson(this.url, { framework_id: { value: this.frameworkId }, ...call }, { 'Mesos-Stream-Id': this.streamId });
    if (res.status >= 300) throw new HttpError(res.status, res.body);
    return res;
  }

  accept(offerIds: string[], operations: Operation[], filters?: Filters) {
    return this.call({ type: 'ACCEPT', accept: { offer_ids: offerIds.map((value) => ({ value })), operations, ...(filters ? { filters } : {}) } });
  }

  launch(offer: Offer, tasks: TaskInfo[], filters?: Filters) {
    return this.accept([offer.id.value], [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters);
  }

  decline(offerIds: string[], filters?: Filters) {
    return this.call({ type: 'DECLINE', decline: { offer_ids: offerIds.map((value) => ({ value })), ...(filters ? { filters } : {}) } });
  }

  /** Tells the operator the framework can (accept) or cannot (decline) vacate the machines before their maintenance. */
  answerInverseOffers(accept: boolean, inverseOfferIds: string[], filters?: Filters) {
    const answer = { inverse_offer_ids: inverseOfferIds.map((value) => ({ value })), ...(filters ? { filters } : {}) };
    return this.call(accept ? { type: 'ACCEPT_INVERSE_OFFERS', accept_inverse_offers: answer } : { type: 'DECLINE_INVERSE_OFFERS', decline_inverse_offers: answer });
  }

  acknowledge(status: TaskStatus) {
    if (!status.uuid || !status.agent_id) return Promise.resolve(undefined);
    return this.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
  }

  kill(taskId: string, agentId?: string, killPolicy?: KillPolicy) {
    return this.call({ type: 'KILL', kill: { task_id: { value: taskId }, ...(agentId ? { agent_id: { value: agentId } } : {}), ...(killPolicy ? { kill_policy: killPolicy } : {}) } });
  }

  reconcile(tasks: Array<{ taskId: string; agentId?: string }> = []) {
    return this.call({ type: 'RECONCILE', reconcile: { tasks: tasks.map((t) => ({ task_id: { value: t.taskId }, ...(t.agentId ? { agent_id: { value: t.agentId } } : {}) })) } });
  }

  revive(roles?: string[]) {
    return this.call({ type: 'REVIVE', ...(roles ? { revive: { roles } } : {}) });
  }

  suppress(roles?: string[]) {
    return this.call({ type: 'SUPPRESS', ...(roles ? { suppress: { roles } } : {}) });
  }

  shutdownExecutor(executorId: string, agentId: string) {
    return this.call({ type: 'SHUTDOWN', shutdown: { executor_id: { value: executorId }, agent_id: { value: agentId } } });
  }

  message(agentId: string, executorId: string, data: Buffer | string) {
    return this.call({ type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data: Buffer.from(data).toString('base64') } });
  }

  updateFramework(framework: FrameworkInfo) {
    return this.call({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { ...framework, id: { value: this.frameworkId! } } } });
  }

  async teardown(): Promise<void> {
    await this.call({ type: 'TEARDOWN' });
    this.close();
  }

  /** Closes the stream without tearing the framework down (it may fail over later). */
  close(): void {
    this.closed = true;
    this.stream?.close();
    this.leader.close();
  }
}
