// Who controls allocation (MESOLITE_CONTROL_ALLOCATION, the offer-cycle debugger's connection): one
// controller at a time. While it holds control, allocation is paused, or runs holding each cycle until
// the controller releases it, and only the controller may pause, step, resume or release. Control ends
// with the controller's connection, and allocation then runs by itself again, so a debugger that dies
// never leaves the cluster paused. The connection itself is the HTTP layer's (http/control.ts).
import { randomUUID } from 'node:crypto';
import { Refusal } from '../common/refusal';
import type { AllocationDriver } from './allocation';

export interface ControllerInfo { name: string; hostname: string; pid: number }

interface Holder {
  /** The connection's Mesos-Stream-Id: the controller's calls carry it. */
  streamId: string;
  controller: ControllerInfo;
  since: number;
  /** Another controller took over: the connection says so and closes. */
  lost: (by: ControllerInfo) => void;
}

const controlledBy = ({ controller: c, since }: Holder) => `Allocation is controlled by ${c.name} on ${c.hostname} (pid ${c.pid}) since ${new Date(since).toISOString()}`;

export class AllocationControl {
  private holder?: Holder;

  constructor(private readonly driver: AllocationDriver) {}

  /**
   * Takes control for a new connection and returns its stream id; refused while another controller
   * holds it unless `takeOver`, in which case that one loses it. Taking control pauses allocation.
   */
  acquire(controller: ControllerInfo, takeOver: boolean, lost: Holder['lost']): { streamId: string; takenFrom?: ControllerInfo } {
    const previous = this.holder;
    if (previous && !takeOver) throw new Refusal('conflict', `${controlledBy(previous)}; take_over: true takes it over`);
    this.holder = { streamId: randomUUID(), controller, since: Date.now(), lost };
    previous?.lost(controller);
    this.driver.pause();
    this.driver.hold(true);
    return { streamId: this.holder.streamId, takenFrom: previous?.controller };
  }

  /** The connection of `streamId` ended: if it still held control, allocation runs by itself again. */
  end(streamId: string): void {
    if (this.holder?.streamId !== streamId) return;
    this.holder = undefined;
    this.driver.hold(false);
    this.driver.resume();
  }

  /** Refuses a pause, step, resume or release unless nobody controls allocation or `streamId` is the controller's. */
  authorize(streamId: string | undefined): void {
    if (this.holder && this.holder.streamId !== streamId) throw new Refusal('conflict', `${controlledBy(this.holder)}: only it may pause, step, resume or release cycles`);
  }

  /** /master/state's allocation_controller. */
  get state(): Record<string, unknown> | undefined {
    if (!this.holder) return undefined;
    const { controller, since } = this.holder;
    return { ...controller, since: since / 1000, ...(this.driver.held !== undefined ? { held_cycle: this.driver.held } : {}) };
  }
}
