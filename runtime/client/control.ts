// The controlling connection (MESOLITE_CONTROL_ALLOCATION) to the leading master, as the offer-cycle
// debugger holds it: while it is open, the master's allocation answers only to this client (its calls
// carry the connection's stream id, AllocationClient.streamId), and when it drops, however it drops,
// the master resumes allocation by itself. It follows the leader: after a failover or a dropped
// connection it takes control again, unless another controller took over.
import { EventEmitter } from 'node:events';
import { HttpError, openStream, type OpenStream } from '../common/http';
import type { AllocationClient } from './allocation';
import type { Leader } from './operator';

export interface ControllerInfo { name: string; hostname: string; pid: number }

const who = (c: ControllerInfo) => `${c.name} on ${c.hostname} (pid ${c.pid})`;

export class AllocationController extends EventEmitter<{
  /** This client controls allocation on the master at `url` (again, after a failover). */
  granted: [{ url: string; takenFrom?: ControllerInfo }];
  /** The connection dropped; it is opened again. */
  disconnected: [string];
  /** Another controller took over, or holds the new leader: this one stops. */
  lost: [string];
}> {
  private stream?: OpenStream;
  private closed = false;
  private lost = false;

  constructor(
    private readonly leader: Leader,
    private readonly allocation: AllocationClient,
    private readonly controller: ControllerInfo,
    private readonly retryMs = 500,
  ) {
    super();
  }

  /** Takes control of the leader; rejects with the master's answer (409 naming the controller) if refused. */
  async open(takeOver: boolean): Promise<void> {
    await this.connect(takeOver);
    void this.keep();
  }

  close(): void {
    this.closed = true;
    this.stream?.close();
  }

  private async connect(takeOver: boolean): Promise<void> {
    const url = await this.leader.next();
    const call = { type: 'MESOLITE_CONTROL_ALLOCATION', mesolite_control_allocation: { controller: this.controller, take_over: takeOver } };
    this.stream = await openStream(`${url}/api/v1`, call, (e) => {
      if (e.type === 'MESOLITE_CONTROL_GRANTED') {
        const granted = e.mesolite_control_granted as { taken_from?: ControllerInfo };
        this.emit('granted', { url, takenFrom: granted.taken_from });
      } else if (e.type === 'MESOLITE_CONTROL_LOST') {
        this.lost = true;
        this.emit('lost', `${who((e.mesolite_control_lost as { controller: ControllerInfo }).controller)} took over allocation control`);
      }
    }, {}, (headers) => { this.allocation.streamId = String(headers['mesos-stream-id']); });
    if (this.closed) this.stream.close();
  }

  /** Opens the connection again whenever it ends, until closed or lost. */
  private async keep(): Promise<void> {
    while (this.stream && !this.closed && !this.lost) {
      await this.stream.ended;
      if (this.closed || this.lost) return;
      this.emit('disconnected', 'the controlling connection ended');
      for (;;) {
        // A leader that just died is still named until the detector notices: back off before retrying.
        await new Promise((r) => setTimeout(r, this.retryMs));
        if (this.closed) return;
        try {
          await this.connect(false);
          break;
        } catch (e) {
          if (e instanceof HttpError && e.status === 409) {
            this.lost = true;
            this.emit('lost', e.message);
            return;
          }
        }
      }
    }
  }
}
