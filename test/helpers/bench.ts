// What the launch benches share: percentiles, ACCEPT -> TASK_RUNNING one task at a time, and what
// processes cost in memory (PSS, shared pages shared out, and RSS from /proc).
import * as fs from 'node:fs';
import { processesUnder } from '../../runtime/cluster/process';
import type { Offer, TaskInfo } from '../../runtime/common/protocol/v1';
import { TestScheduler } from './cluster';

/** The p-th percentile of ascending `sorted` values. */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** ACCEPT -> TASK_RUNNING of `count` tasks launched one at a time by a framework of its own (torn down after), ascending, in ms. */
export async function acceptToRunning(master: string, count: number, task: (offer: Offer, id: string) => TaskInfo, timeoutMs = 30_000): Promise<number[]> {
  const s = new TestScheduler(master, { name: 'bench-latency' });
  const latencies: number[] = [];
  const available: Offer[] = [];
  s.on('offers', (offers) => available.push(...offers));
  await s.subscribe();
  for (let i = 0; i < count; i++) {
    while (available.length === 0) await new Promise((r) => setTimeout(r, 1));
    const offer = available.shift()!;
    const id = `lat-${i}`;
    const mark = s.events.length;
    const started = performance.now();
    await s.accept([offer.id.value], [{ type: 'LAUNCH', launch: { task_infos: [task(offer, id)] } }], { refuse_seconds: 0 });
    await s.next('UPDATE', (e) => e.update.status.task_id.value === id && e.update.status.state === 'TASK_RUNNING', timeoutMs, mark);
    latencies.push(performance.now() - started);
  }
  await s.teardown();
  return latencies.sort((a, b) => a - b);
}

/** PSS and RSS of the given processes, in MB (those that exited meanwhile are left out). */
export function memoryOf(pids: number[]): { processes: number; rssMb: number; pssMb: number } {
  let processes = 0;
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      processes++;
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return { processes, rssMb: rss / 1024, pssMb: pss / 1024 };
}

/**
 * Memory of every process whose working directory lies under dir (executor hosts and tasks): RSS counts
 * shared pages once per process, PSS shares them out, so the PSS sum is what the machine really pays.
 */
export function memoryUnder(dir: string): { processes: number; rssMb: number; pssMb: number } {
  return memoryOf(processesUnder(dir));
}
