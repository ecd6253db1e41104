// MESOLITE_CONTROL_ALLOCATION: the controlling connection (allocation-control.ts) as a RecordIO stream,
// answered like SUBSCRIBE: MESOLITE_CONTROL_GRANTED first (the Mesos-Stream-Id header names the
// connection; the controller's calls carry it), then HEARTBEATs; MESOLITE_CONTROL_LOST when another
// controller takes over, and the stream closes. However the connection ends, control ends with it.
import type * as http from 'node:http';
import { EventStream } from '../../common/http';
import * as v from '../../common/validate';
import type { ControllerInfo } from '../allocation-control';
import type { Master } from '../master';

export const CONTROL_CALL = 'MESOLITE_CONTROL_ALLOCATION';

function parseControl(body: Record<string, unknown>): { controller: ControllerInfo; takeOver: boolean } {
  const call = v.object(body.mesolite_control_allocation, 'mesolite_control_allocation');
  const c = v.object(call.controller, 'mesolite_control_allocation.controller');
  const name = v.string(c.name, 'mesolite_control_allocation.controller.name');
  if (!name.trim() || name.length > 200) throw new v.ValidationError("'mesolite_control_allocation.controller.name' must be 1 to 200 characters");
  const hostname = v.string(c.hostname, 'mesolite_control_allocation.controller.hostname').slice(0, 255);
  const pid = v.number(c.pid, 'mesolite_control_allocation.controller.pid');
  if (!Number.isInteger(pid) || pid < 0) throw new v.ValidationError("'mesolite_control_allocation.controller.pid' must be a process id");
  return { controller: { name, hostname, pid }, takeOver: v.boolean(call.take_over, 'mesolite_control_allocation.take_over') ?? false };
}

/** Opens the controlling connection; a refused one (another controller, no take_over) throws a Refusal first. */
export function openControl(master: Master, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse): void {
  const { controller, takeOver } = parseControl(body);
  // A client gone while its call was read would never close a stream: it gets no control.
  if (!res.socket || res.socket.destroyed) return;
  let stream: EventStream | undefined;
  const { streamId, takenFrom } = master.allocationControl.acquire(controller, takeOver, (by) => {
    stream?.send({ type: 'MESOLITE_CONTROL_LOST', mesolite_control_lost: { controller: by } });
    stream?.close();
  });
  stream = new EventStream(res, req, { 'Mesos-Stream-Id': streamId });
  stream.onClose(() => master.allocationControl.end(streamId));
  const { heartbeatIntervalMs } = master.options;
  stream.send({ type: 'MESOLITE_CONTROL_GRANTED', mesolite_control_granted: { heartbeat_interval_seconds: heartbeatIntervalMs / 1000, ...(takenFrom ? { taken_from: takenFrom } : {}) } });
  stream.send({ type: 'HEARTBEAT' });
  stream.heartbeat(heartbeatIntervalMs);
}
