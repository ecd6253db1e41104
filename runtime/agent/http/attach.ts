// The agent API's session calls over HTTP (POST /api/v1, as Mesos' slave/http.cpp serves them):
// LAUNCH_NESTED_CONTAINER_SESSION and ATTACH_CONTAINER_OUTPUT answer with a RecordIO stream of ProcessIO
// records (with heartbeats), ATTACH_CONTAINER_INPUT's request body is such a stream, WAIT_ and KILL_
// answer plain messages. Media types (JSON or protobuf, common/media.ts) and refusals as Mesos answers them.
import type * as http from 'node:http';
import { HttpError, sendEmpty, streamBody } from '../../common/http';
import { accepts, answerFor, JSON_TYPE, mediaType, PROTOBUF, readMessage, RECORDIO, streamFormat, type Answer, type Wire } from '../../common/media';
import { parseInputRecord, parseSessionCall, type ProcessIO, type SessionCall } from '../../common/protocol/attach';
import { RecordIODecoder, type StreamFormat } from '../../common/recordio';
import { asHttpError } from '../../common/refusal-status';
import * as v from '../../common/validate';
import type { NestedContainers, OutputSink, Session } from '../attach/sessions';

/** An input record carries a keystroke or a chunk of what is pasted or piped; clients send 1 KiB or so. */
const MAX_INPUT_RECORD_BYTES = 1024 * 1024;

/** A ProcessIO stream over a 200 response, with a HEARTBEAT every `heartbeatMs` while it is open. */
class ProcessIOStream implements OutputSink {
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(private readonly res: http.ServerResponse, private readonly format: StreamFormat, heartbeatMs: number) {
    // Mesos answers a client that accepts JSON (or protobuf) with the same records under that older Content-Type.
    res.writeHead(200, { ...format.headers, 'Cache-Control': 'no-cache' });
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true, 10_000);
    const heartbeat: ProcessIO = { type: 'CONTROL', control: { type: 'HEARTBEAT', heartbeat: { interval: { nanoseconds: heartbeatMs * 1e6 } } } };
    const timer = setInterval(() => this.send(heartbeat), heartbeatMs).unref();
    res.on('close', () => {
      clearInterval(timer);
      this.closed = true;
      for (const handler of this.closeHandlers.splice(0)) handler();
    });
  }

  send(record: ProcessIO): boolean {
    return this.closed || this.res.write(this.format.record(record));
  }

  onDrain(listener: () => void): void {
    this.res.once('drain', listener);
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  close(): void {
    this.res.end();
  }
}

/** LAUNCH_NESTED_CONTAINER_SESSION, ATTACH_CONTAINER_OUTPUT, WAIT_ and KILL_ calls (a JSON body). */
export async function sessionCall(
  req: http.IncomingMessage, res: http.ServerResponse, body: Record<string, unknown>, nested: NestedContainers, heartbeatMs: number,
): Promise<void> {
  if (body.type === 'ATTACH_CONTAINER_INPUT') throw new HttpError(415, `Expecting 'Content-Type' to be ${RECORDIO} for ATTACH_CONTAINER_INPUT call`);
  let call: SessionCall;
  try {
    call = parseSessionCall(body);
  } catch (e) {
    if (e instanceof v.ValidationError) throw new HttpError(400, `Failed to validate agent::Call: ${e.message}`);
    throw e;
  }
  const streaming = call.type === 'LAUNCH_NESTED_CONTAINER_SESSION' || call.type === 'ATTACH_CONTAINER_OUTPUT';
  if (!streaming && !accepts(req, JSON_TYPE) && !accepts(req, PROTOBUF)) throw new HttpError(406, `Streaming response is not supported for ${call.type} call`);
  const format = streaming ? streamFormat(req, 'mesos.v1.agent.ProcessIO') : undefined;
  const answer: Answer | undefined = streaming ? undefined : answerFor(req, 'mesos.v1.agent.Response');
  try {
    switch (call.type) {
      case 'LAUNCH_NESTED_CONTAINER_SESSION': {
        let stream!: ProcessIOStream;
        const session = nested.launch(call.launch_nested_container_session, () => (stream = new ProcessIOStream(res, format!, heartbeatMs)));
        // As Mesos: a container id in use is accepted, and nothing launched.
        if (!session) return sendEmpty(res, 202);
        return stream.onClose(() => nested.launcherGone(session, stream));
      }
      case 'ATTACH_CONTAINER_OUTPUT': {
        const id = call.attach_container_output.container_id;
        if (!id.parent) {
          let stream!: ProcessIOStream;
          const stop = nested.attachTaskOutput(id, () => (stream = new ProcessIOStream(res, format!, heartbeatMs)));
          return stream.onClose(stop);
        }
        const session = nested.find(id);
        const stream = new ProcessIOStream(res, format!, heartbeatMs);
        session.sinks.add(stream);
        return stream.onClose(() => session.detach(stream));
      }
      case 'WAIT_NESTED_CONTAINER':
      case 'WAIT_CONTAINER': {
        const field = call.type === 'WAIT_CONTAINER' ? 'wait_container' : 'wait_nested_container';
        const id = call.type === 'WAIT_CONTAINER' ? call.wait_container.container_id : call.wait_nested_container.container_id;
        const status = await nested.wait(id);
        if (!res.destroyed) answer!(res, 200, { type: call.type, [field]: { exit_status: status } });
        return;
      }
      case 'KILL_NESTED_CONTAINER':
      case 'KILL_CONTAINER': {
        const { container_id: id, signal } = call.type === 'KILL_CONTAINER' ? call.kill_container : call.kill_nested_container;
        nested.kill(id, signal);
        return sendEmpty(res, 200);
      }
    }
  } catch (e) {
    throw asHttpError(e);
  }
}

/** Whether a request's body is a RecordIO stream (only ATTACH_CONTAINER_INPUT's may be). */
export const isStreamingRequest = (req: http.IncomingMessage) => mediaType(req.headers['content-type']) === RECORDIO;

/**
 * ATTACH_CONTAINER_INPUT: the first record names the session, the rest feed it. Answers 200 when the
 * stream ends or the session does; 409 while another input stream is attached. The request may stream
 * for as long as the session lives once the first record took its input.
 */
export function attachInput(req: http.IncomingMessage, res: http.ServerResponse, nested: NestedContainers): Promise<void> {
  const messageType = req.headers['message-content-type'];
  if (messageType === undefined) throw new HttpError(400, "Expecting 'Message-Content-Type' to be set for streaming requests");
  const type = mediaType(String(messageType));
  if (type !== JSON_TYPE && type !== PROTOBUF) throw new HttpError(415, `Expecting 'Message-Content-Type' of ${JSON_TYPE} or ${PROTOBUF}`);
  const wire: Wire = type === JSON_TYPE ? 'json' : 'protobuf';
  const decoder = new RecordIODecoder(MAX_INPUT_RECORD_BYTES);
  return new Promise((resolve, reject) => {
    let attached: { session: Session; release: () => void } | undefined;
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      attached?.release();
      if (error) return reject(error instanceof HttpError ? new HttpError(error.status, error.message, { ...error.headers, Connection: 'close' }) : error);
      // The session may end while its client still streams: what it sends after is read and dropped.
      if (!res.headersSent) res.writeHead(200, { 'Content-Length': 0, ...(req.complete ? {} : { Connection: 'close' }) }).end();
      req.resume();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      let records: Buffer[];
      try {
        records = decoder.decode(chunk);
      } catch (e) {
        return finish(new HttpError(400, `Failed to decode the ATTACH_CONTAINER_INPUT stream: ${(e as Error).message}`));
      }
      for (const record of records) {
        try {
          const input = parseInputRecord(readMessage('mesos.v1.agent.Call', wire, record), !attached);
          if (input.type === 'CONTAINER_ID') {
            attached = nested.attachInput(input.container_id);
            streamBody(req);
            // The session ended: its input stream is answered (exited never rejects).
            void attached.session.process.exited.then(() => finish());
          } else if (!attached!.session.input(input.process_io)) {
            req.pause();
            attached!.session.process.onWritable(() => req.resume());
          }
        } catch (e) {
          return finish(e instanceof v.ValidationError ? new HttpError(400, `Failed to validate agent::Call: ${(e as Error).message}`) : asHttpError(e));
        }
      }
    };
    req.on('data', onData);
    req.on('end', () => finish(attached ? undefined : new HttpError(400, 'Received EOF while reading request body')));
    req.on('close', () => finish());
  });
}
