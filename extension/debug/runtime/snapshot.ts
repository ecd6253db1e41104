// The live state read when the debugger stops: GET_STATE, weights, quota and the waiting work of
// Marathon-compatible frameworks (GET /v2/queue at their webui_url).
import { marathonQueue, type AllocationClient, type QueueEntry } from '../../../runtime/client/allocation';
import type { OperatorClient } from '../../../runtime/client/operator';
import type { Snapshot } from './scope';

export class SnapshotReader {
  /** Frameworks whose webui_url serves no Marathon queue are not asked again. */
  private readonly noQueue = new Set<string>();

  constructor(private readonly operator: OperatorClient, private readonly allocation: AllocationClient) {}

  async read(): Promise<Snapshot> {
    const [state, weights, quota] = await Promise.all([this.operator.getState(), this.allocation.weights(), this.allocation.quota()]);
    const queues = new Map<string, QueueEntry[]>();
    await Promise.all(state.get_frameworks.frameworks.map(async (f) => {
      const id = f.framework_info.id!.value;
      const url = f.framework_info.webui_url;
      if (!url || this.noQueue.has(url)) return;
      try {
        queues.set(id, await marathonQueue(url));
      } catch {
        this.noQueue.add(url);
      }
    }));
    return { state, weights, quota, queues, at: Date.now() };
  }
}
