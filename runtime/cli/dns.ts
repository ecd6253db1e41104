import { ConfigError } from '../dns/config';
import { DNS_FLAGS, startDns } from '../dns/daemon';
import { exitOnSignals, wantsHelp } from './daemon';
import { CliError } from './errors';

export async function run(argv: string[]): Promise<number | void> {
  if (wantsHelp(argv, 'dns', DNS_FLAGS)) return 0;
  const running = await startDns(argv, (e) => {
    process.stderr.write(`${e.message}\n`);
    void Promise.resolve(running?.stop()).finally(() => process.exit(1));
  }).catch((e: unknown) => {
    throw e instanceof ConfigError ? new CliError(`Bad configuration: ${e.message}`) : e;
  });
  exitOnSignals(() => running.stop());
}
