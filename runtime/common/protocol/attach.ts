// The agent API's nested-container session calls (include/mesos/v1/agent/agent.proto: Call's
// LAUNCH_NESTED_CONTAINER_SESSION, ATTACH_CONTAINER_INPUT/OUTPUT, WAIT_/KILL_(NESTED_)CONTAINER, and
// ProcessIO), shared by the agent that serves them and the attach client (runtime/client/attach.ts).
// The checks and their messages follow Mesos' slave/validation.cpp and its I/O switchboard.
import * as v from '../validate';
import type { CommandInfo, ContainerID } from './v1';

export interface WindowSize { rows: number; columns: number }
export interface TTYInfo { window_size?: WindowSize }

export type ProcessIOData = { type: 'STDIN' | 'STDOUT' | 'STDERR'; data: string };
export type ProcessIOControl =
  | { type: 'TTY_INFO'; tty_info: TTYInfo }
  | { type: 'HEARTBEAT'; heartbeat: { interval?: { nanoseconds: number } } };

/** One record of a session's output stream or of an input stream. */
export type ProcessIO = { type: 'DATA'; data: ProcessIOData } | { type: 'CONTROL'; control: ProcessIOControl };

export type AttachContainerInput =
  | { type: 'CONTAINER_ID'; container_id: ContainerID }
  | { type: 'PROCESS_IO'; process_io: ProcessIO };

export interface LaunchNestedContainerSession {
  container_id: ContainerID;
  command: CommandInfo;
  container?: { type?: 'MESOS' | 'DOCKER'; tty_info?: TTYInfo };
}

/** The calls whose answers are not a plain JSON reply; ATTACH_CONTAINER_INPUT's body is a RecordIO stream. */
export type SessionCall =
  | { type: 'LAUNCH_NESTED_CONTAINER_SESSION'; launch_nested_container_session: LaunchNestedContainerSession }
  | { type: 'ATTACH_CONTAINER_OUTPUT'; attach_container_output: { container_id: ContainerID } }
  | { type: 'WAIT_NESTED_CONTAINER'; wait_nested_container: { container_id: ContainerID } }
  | { type: 'WAIT_CONTAINER'; wait_container: { container_id: ContainerID } }
  | { type: 'KILL_NESTED_CONTAINER'; kill_nested_container: { container_id: ContainerID; signal?: number } }
  | { type: 'KILL_CONTAINER'; kill_container: { container_id: ContainerID; signal?: number } };

export const SESSION_CALLS = [
  'LAUNCH_NESTED_CONTAINER_SESSION', 'ATTACH_CONTAINER_OUTPUT', 'WAIT_NESTED_CONTAINER', 'WAIT_CONTAINER', 'KILL_NESTED_CONTAINER', 'KILL_CONTAINER',
] as const satisfies ReadonlyArray<SessionCall['type']>;

export type AttachInputCall = { type: 'ATTACH_CONTAINER_INPUT'; attach_container_input: AttachContainerInput };

// ---- records (the client writes them; the agent reads them)

const inputRecord = (input: AttachContainerInput): AttachInputCall => ({ type: 'ATTACH_CONTAINER_INPUT', attach_container_input: input });
export const containerIdRecord = (container_id: ContainerID) => inputRecord({ type: 'CONTAINER_ID', container_id });
/** An empty one is EOF (without a TTY; with one, clients send EOT, Ctrl-D). */
export const stdinRecord = (data: Uint8Array) =>
  inputRecord({ type: 'PROCESS_IO', process_io: { type: 'DATA', data: { type: 'STDIN', data: Buffer.from(data).toString('base64') } } });
export const resizeRecord = (window_size: WindowSize) =>
  inputRecord({ type: 'PROCESS_IO', process_io: { type: 'CONTROL', control: { type: 'TTY_INFO', tty_info: { window_size } } } });
export const heartbeatRecord = (intervalMs: number) =>
  inputRecord({ type: 'PROCESS_IO', process_io: { type: 'CONTROL', control: { type: 'HEARTBEAT', heartbeat: { interval: { nanoseconds: intervalMs * 1e6 } } } } });

/** ContainerID as Mesos prints it: <parent>.<child>. */
export function containerName(id: ContainerID): string {
  return id.parent ? `${containerName(id.parent)}.${id.value}` : id.value;
}

// ---- validation (agent side): ValidationError messages name the field

const MAX_CONTAINER_ID_LENGTH = 242;
const MAX_NESTING = 8;

export function parseContainerId(value: unknown, path: string, depth = 0): ContainerID {
  const id = v.object(value, path);
  const text = v.string(id.value, `${path}.value`);
  if (text.length === 0) throw new v.ValidationError(`'${path}.value' must not be empty`);
  if (text.length > MAX_CONTAINER_ID_LENGTH) throw new v.ValidationError(`'${path}.value' exceeds the maximum length (${MAX_CONTAINER_ID_LENGTH})`);
  if (/[\x00-\x1f\x7f/\\. ]/.test(text)) throw new v.ValidationError(`'${path}.value' '${text}' contains invalid characters`);
  if (id.parent === undefined) return { value: text };
  if (depth >= MAX_NESTING) throw new v.ValidationError(`'${path}' nests deeper than ${MAX_NESTING} containers`);
  return { value: text, parent: parseContainerId(id.parent, `${path}.parent`, depth + 1) };
}

function nestedId(value: unknown, path: string): ContainerID {
  const id = parseContainerId(value, path);
  if (!id.parent) throw new v.ValidationError(`Expecting '${path}.parent' to be present`);
  return id;
}

function windowSize(value: unknown, path: string): WindowSize {
  const size = v.object(value, path);
  const dimension = (n: unknown, name: string) => {
    const d = v.number(n, `${path}.${name}`);
    if (!Number.isInteger(d) || d < 0 || d > 0xffff) throw new v.ValidationError(`'${path}.${name}' must be an integer from 0 to 65535`);
    return d;
  };
  return { rows: dimension(size.rows, 'rows'), columns: dimension(size.columns, 'columns') };
}

function command(value: unknown, path: string): CommandInfo {
  const c = v.object(value, path);
  const shell = v.boolean(c.shell, `${path}.shell`) ?? true;
  const text = v.optionalString(c.value, `${path}.value`);
  if (!text) throw new v.ValidationError(`'${path}.value' is required: the command to run`);
  const args = v.optionalArray(c.arguments, `${path}.arguments`).map((a, i) => v.string(a, `${path}.arguments[${i}]`));
  const variables = v.optionalArray(v.optionalObject(c.environment, `${path}.environment`)?.variables, `${path}.environment.variables`).map((item, i) => {
    const at = `${path}.environment.variables[${i}]`;
    const variable = v.object(item, at);
    const type = variable.type === undefined ? 'VALUE' : v.oneOf(variable.type, ['VALUE'] as const, `${at}.type`);
    return { name: v.string(variable.name, `${at}.name`), type, value: v.string(variable.value, `${at}.value`) };
  });
  const user = v.optionalString(c.user, `${path}.user`);
  if (c.uris !== undefined && v.array(c.uris, `${path}.uris`).length) throw new v.ValidationError(`'${path}.uris' is not supported for nested containers`);
  return { shell, value: text, arguments: args, environment: { variables }, ...(user !== undefined ? { user } : {}) };
}

function signal(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  const n = v.number(value, path);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new v.ValidationError(`'${path}' must be a signal number from 1 to 64`);
  return n;
}

/** A session call's body (already a JSON object), checked before anything acts on it. */
export function parseSessionCall(body: Record<string, unknown>): SessionCall {
  const type = v.oneOf(body.type, SESSION_CALLS, 'type');
  const field = type.toLowerCase();
  const call = v.object(body[field], field);
  switch (type) {
    case 'LAUNCH_NESTED_CONTAINER_SESSION': {
      const container = v.optionalObject(call.container, `${field}.container`);
      const containerType = container?.type === undefined ? undefined : v.oneOf(container.type, ['MESOS'] as const, `${field}.container.type`);
      const tty = v.optionalObject(container?.tty_info, `${field}.container.tty_info`);
      const size = tty?.window_size === undefined ? undefined : windowSize(tty.window_size, `${field}.container.tty_info.window_size`);
      return {
        type, launch_nested_container_session: {
          container_id: nestedId(call.container_id, `${field}.container_id`),
          command: command(call.command, `${field}.command`),
          ...(container ? { container: { ...(containerType ? { type: containerType } : {}), ...(tty ? { tty_info: size ? { window_size: size } : {} } : {}) } } : {}),
        },
      };
    }
    case 'ATTACH_CONTAINER_OUTPUT':
      return { type, attach_container_output: { container_id: parseContainerId(call.container_id, `${field}.container_id`) } };
    case 'WAIT_NESTED_CONTAINER':
      return { type, wait_nested_container: { container_id: nestedId(call.container_id, `${field}.container_id`) } };
    case 'WAIT_CONTAINER':
      return { type, wait_container: { container_id: parseContainerId(call.container_id, `${field}.container_id`) } };
    case 'KILL_NESTED_CONTAINER':
      return { type, kill_nested_container: { container_id: nestedId(call.container_id, `${field}.container_id`), signal: signal(call.signal, `${field}.signal`) } };
    case 'KILL_CONTAINER':
      return { type, kill_container: { container_id: parseContainerId(call.container_id, `${field}.container_id`), signal: signal(call.signal, `${field}.signal`) } };
  }
}

/** One record of an ATTACH_CONTAINER_INPUT stream: the first names the container, the rest carry PROCESS_IO. */
export function parseInputRecord(body: unknown, first: boolean): AttachContainerInput {
  const call = v.object(body, 'record');
  v.oneOf(call.type, ['ATTACH_CONTAINER_INPUT'] as const, 'type');
  const input = v.object(call.attach_container_input, 'attach_container_input');
  const type = v.oneOf(input.type, [first ? 'CONTAINER_ID' : 'PROCESS_IO'] as const, 'attach_container_input.type');
  if (type === 'CONTAINER_ID') return { type, container_id: parseContainerId(input.container_id, 'attach_container_input.container_id') };
  const io = v.object(input.process_io, 'attach_container_input.process_io');
  const ioType = v.oneOf(io.type, ['DATA', 'CONTROL'] as const, 'process_io.type');
  if (ioType === 'DATA') {
    const data = v.object(io.data, 'process_io.data');
    v.oneOf(data.type, ['STDIN'] as const, 'process_io.data.type');
    return { type, process_io: { type: ioType, data: { type: 'STDIN', data: v.base64(data.data, 'process_io.data.data') } } };
  }
  const control = v.object(io.control, 'process_io.control');
  const controlType = v.oneOf(control.type, ['TTY_INFO', 'HEARTBEAT'] as const, 'process_io.control.type');
  if (controlType === 'HEARTBEAT') {
    v.object(control.heartbeat, 'process_io.control.heartbeat');
    return { type, process_io: { type: ioType, control: { type: controlType, heartbeat: {} } } };
  }
  const tty = v.object(control.tty_info, 'process_io.control.tty_info');
  if (tty.window_size === undefined) throw new v.ValidationError("Expecting 'tty_info.window_size' to be present");
  return { type, process_io: { type: ioType, control: { type: controlType, tty_info: { window_size: windowSize(tty.window_size, 'tty_info.window_size') } } } };
}
