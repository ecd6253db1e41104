// Mesos duration syntax: a number followed by ns, us, ms, secs, mins, hrs, days or weeks.
const UNIT_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, ms: 1, secs: 1000, mins: 60_000, hrs: 3_600_000, days: 86_400_000, weeks: 604_800_000,
};

/** Parses a Mesos duration into milliseconds; throws naming the bad text. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|secs|mins|hrs|days|weeks)\s*$/.exec(text);
  if (!match) throw new Error(`Invalid duration '${text}' (expected e.g. 500ms, 10secs, 2mins)`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

export function formatDuration(ms: number): string {
  for (const unit of ['weeks', 'days', 'hrs', 'mins', 'secs'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** An age the way kubectl shows one: its largest whole unit (42s, 5m, 3h, 2d); never negative. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}
