// Shared by the daemon commands: --help, and a clean exit on SIGTERM / SIGINT.
import { flagsHelp, type FlagSpecs } from '../common/flags';

export function wantsHelp(argv: string[], name: string, specs: FlagSpecs): boolean {
  if (!argv.includes('--help')) return false;
  process.stdout.write(`Usage: mesolite ${name} [flags]\n\n${flagsHelp(specs)}\n`);
  return true;
}

export function exitOnSignals(stop: () => Promise<void> | void): void {
  const onSignal = () => {
    Promise.resolve(stop()).finally(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
