import { startAgent } from '../agent/daemon';
import { AGENT_FLAGS } from '../agent/flags';
import { exitOnSignals, wantsHelp } from './daemon';

export async function run(argv: string[]): Promise<number | void> {
  if (wantsHelp(argv, 'agent', AGENT_FLAGS)) return 0;
  const { agent, listening } = await startAgent(argv);
  // Executors keep running when the agent stops, so a restarted agent can recover them (as in Mesos).
  const stop = async () => {
    agent.stop();
    await listening.close();
  };
  exitOnSignals(stop);
  // Shut down by the master (maintenance): its executors are gone already.
  void agent.terminated.then(stop).then(() => process.exit(0));
}
