import { CHRONOS_FLAGS, startChronos } from '../frameworks/chronos/daemon';
import { exitOnSignals, wantsHelp } from './daemon';

export async function run(argv: string[]): Promise<number | void> {
  if (wantsHelp(argv, 'chronos', CHRONOS_FLAGS)) return 0;
  const running = await startChronos(argv);
  exitOnSignals(() => running.stop());
}
