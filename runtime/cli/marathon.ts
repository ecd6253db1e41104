import { MARATHON_FLAGS, startMarathon } from '../frameworks/marathon/daemon';
import { exitOnSignals, wantsHelp } from './daemon';

export async function run(argv: string[]): Promise<number | void> {
  if (wantsHelp(argv, 'marathon', MARATHON_FLAGS)) return 0;
  const running = await startMarathon(argv);
  exitOnSignals(() => running.stop());
}
