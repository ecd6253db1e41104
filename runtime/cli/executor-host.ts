import { runExecutorHost } from '../executor/host';

export async function run(): Promise<number | void> {
  runExecutorHost();
}
