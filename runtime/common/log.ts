// Glog-like single-line logging to stderr: "I1121 15:20:01.123 master] message".
type Level = 'I' | 'W' | 'E';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(component: string, quiet = process.env.MESOLITE_QUIET === '1'): Logger {
  const write = (level: Level, message: string) => {
    if (quiet && level === 'I') return;
    const now = new Date();
    const date = `${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
    process.stderr.write(`${level}${date} ${now.toISOString().slice(11, 23)} ${component}] ${message}\n`);
  };
  return {
    info: (m) => write('I', m),
    warn: (m) => write('W', m),
    error: (m) => write('E', m),
  };
}

/**
 * A callback run by a timer or an event, made safe to run there: an exception is logged with `what`
 * (and its stack) instead of ending the daemon, since nothing up the stack could handle it.
 */
export function guarded<A extends unknown[]>(log: Logger, what: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (e) {
      log.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  };
}
