// What processes cost in memory, for the benches: PSS (shared pages shared out) and RSS from /proc.
import * as fs from 'node:fs';
import { processesUnder } from '../../runtime/cluster/process';

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
