// How the UIs print Mesos values: resources, sizes, times.
import type { Resource } from '../../runtime/common/protocol/v1';

export function scalar(resources: Resource[] | undefined, name: string): number {
  return (resources ?? []).filter((r) => r.name === name).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

/** Mesos' memory and disk are in MB. */
export const megabytes = (mb: number) => bytes(mb * 1024 * 1024);
export const cpus = (n: number) => String(Math.round(n * 100) / 100);

export function resources(list: Resource[] | undefined): string {
  return `${cpus(scalar(list, 'cpus'))} CPUs, ${megabytes(scalar(list, 'mem'))} Mem, ${megabytes(scalar(list, 'disk'))} Disk`;
}

/** Seconds since the epoch (or {nanoseconds}) as a local date and time. */
export function time(t: number | { nanoseconds: number } | undefined): string {
  if (t === undefined) return '';
  const seconds = typeof t === 'number' ? t : t.nanoseconds / 1e9;
  return seconds ? new Date(seconds * 1000).toLocaleString() : '';
}
