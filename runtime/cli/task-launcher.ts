import { runTaskLauncher } from '../executor/launcher';

export async function run(): Promise<number | void> {
  runTaskLauncher();
}
