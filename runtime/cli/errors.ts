// How the CLI reports a failure: one line naming the problem and what to do, and the stack only with
// --verbose. Commands throw CliError for what a person can fix; anything else is reported the same way.
import { FlagError } from '../common/flags';
import { portHolder } from '../cluster/ports';

/** A failure whose message already says what went wrong and what to do (`cause`: the details --verbose shows). */
export class CliError extends Error {}

/** The flag that moves a daemon's listening port. */
const PORT_FLAG: Record<string, string> = { master: '--port', agent: '--port', marathon: '--http_port', chronos: '--http_port', dns: '--port (or --httpport)' };

export function describeError(e: unknown, command: string, verbose: boolean): string {
  if (!(e instanceof Error)) return String(e);
  if (verbose && e.cause instanceof Error) return `${e.message}\n${e.cause.stack ?? e.cause.message}`;
  if (verbose && !(e instanceof CliError || e instanceof FlagError)) return e.stack ?? e.message;
  if (e instanceof FlagError) return `${e.message} (mesolite ${command} --help lists its flags)`;
  if (e instanceof CliError) return e.message;
  const { code, port, address } = e as NodeJS.ErrnoException & { port?: number; address?: string };
  if (code === 'EADDRINUSE' && port) {
    const holder = portHolder(port);
    return `port ${port} on ${address} is in use${holder ? ` by ${holder}` : ''}; choose another with ${PORT_FLAG[command] ?? '--port'}=`;
  }
  return `${e.message.split('\n')[0]} (mesolite ${command} --verbose shows where it failed)`;
}
