import { startMaster } from '../master/daemon';
import { MASTER_FLAGS } from '../master/flags';
import { exitOnSignals, wantsHelp } from './daemon';

export async function run(argv: string[]): Promise<number | void> {
  if (wantsHelp(argv, 'master', MASTER_FLAGS)) return 0;
  const running = await startMaster(argv);
  exitOnSignals(() => running.stop());
}
