// The one reader of untrusted JSON text, used by every daemon before any handler sees a value: it
// refuses what no API accepts and what would later break (or bloat) the daemon that kept it — bytes
// that are not UTF-8, nesting deeper than any Mesos or Marathon message (JSON.stringify of a
// 10,000-deep array overflows the stack), strings longer than a bound, and numbers that overflow to
// ±Infinity ("1e400"), which JSON.stringify would write back as null.
// Duplicate keys keep the last value, as JSON.parse, Mesos' picojson and Marathon's Jackson all do.

export interface JsonLimits {
  /** Arrays and objects nested inside each other; Mesos' deepest messages need about 12. */
  maxDepth: number;
  /** Characters in one string (keys included). */
  maxStringLength: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 64, maxStringLength: 4 * 1024 * 1024 };

/** Thrown for text that is not JSON or breaks a limit; the message names the place. */
export class JsonError extends Error {
  constructor(message: string, readonly path: string = '') {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as UTF-8, refusing invalid sequences instead of storing replacement characters. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new JsonError('body is not valid UTF-8');
  }
}

export function parseJson(text: string | Uint8Array, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  const source = typeof text === 'string' ? text : decodeUtf8(text);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    throw new JsonError((e as Error).message);
  }
  checkLimits(value, limits);
  return value;
}

/** Refuses a value read otherwise (a decoded protobuf) that breaks the limits JSON text is held to. */
export function checkLimits(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS): void {
  check(value, limits, [], 0);
}

/** The path as the APIs name fields: `framework_info.labels.labels[0].key`. */
export function jsonPath(parts: ReadonlyArray<string | number>): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '/';
}

// Recursion is bounded by maxDepth, so checking cannot overflow the stack either.
function check(value: unknown, limits: JsonLimits, path: Array<string | number>, depth: number): void {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new JsonError(`'${jsonPath(path)}' is a number out of range`, jsonPath(path));
      return;
    case 'string':
      if (value.length > limits.maxStringLength) {
        throw new JsonError(`'${jsonPath(path)}' is longer than ${limits.maxStringLength} characters`, jsonPath(path));
      }
      return;
    case 'object': {
      if (value === null) return;
      if (depth >= limits.maxDepth) throw new JsonError(`'${jsonPath(path)}' nests deeper than ${limits.maxDepth} levels`, jsonPath(path));
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          check(value[i], limits, path, depth + 1);
          path.pop();
        }
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        path.push(key);
        if (key.length > limits.maxStringLength) throw new JsonError(`a key of '${jsonPath(path.slice(0, -1))}' is longer than ${limits.maxStringLength} characters`);
        check(item, limits, path, depth + 1);
        path.pop();
      }
    }
  }
}
