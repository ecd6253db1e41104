// Chronos' repeating ISO 8601 schedules, `R[n]/<start>/<period>` (empty start: now; `R`: forever; `R0`:
// never), read and written with Luxon. As in Chronos, taking an occurrence (run or skipped) moves the
// start past now and uses up one repetition, however many periods were missed meanwhile.
import { DateTime, Duration, IANAZone } from 'luxon';

export interface Schedule {
  /** Repetitions left; -1: forever. */
  recurrences: number;
  start: DateTime;
  period: Duration;
}

/** A schedule or duration that cannot be read; the message says why, the caller names the field. */
export class ScheduleError extends Error {}

export function parseDuration(text: string): Duration {
  const d = Duration.fromISO(text);
  if (!d.isValid) throw new ScheduleError(`'${text}' is not an ISO 8601 duration such as PT1H or P1DT30M`);
  return d;
}

/** Reads a schedule; `timeZone` (a tz database name) overrides the start's own zone, keeping its wall-clock time. */
export function parseSchedule(text: string, timeZone = '', now: DateTime = DateTime.utc()): Schedule {
  const parts = text.split('/');
  if (parts.length !== 3) throw new ScheduleError(`'${text}' is not R[n]/<ISO 8601 start>/<ISO 8601 duration>`);
  const [repeat, startText, periodText] = parts;
  const r = /^R(\d*)$/.exec(repeat);
  if (!r) throw new ScheduleError(`the repetition '${repeat}' is not R (forever) or Rn`);
  const recurrences = r[1] === '' ? -1 : Number(r[1]);
  let start = startText === '' ? now : DateTime.fromISO(startText, { setZone: true });
  if (!start.isValid) throw new ScheduleError(`the start '${startText}' is not an ISO 8601 date and time (${start.invalidExplanation ?? start.invalidReason})`);
  if (timeZone) start = start.setZone(timeZone, { keepLocalTime: true });
  const period = parseDuration(periodText);
  if (recurrences !== 0 && recurrences !== 1 && millis(period) <= 0) throw new ScheduleError(`the period '${periodText}' must be longer than zero to repeat`);
  return { recurrences, start, period };
}

export function isValidTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

export function formatSchedule(s: Schedule): string {
  return `R${s.recurrences < 0 ? '' : s.recurrences}/${s.start.toISO()}/${s.period.toISO()}`;
}

/** A duration's length; months and years as Luxon's casual conversion counts them (for comparisons only). */
export const millis = (d: Duration): number => d.as('milliseconds');

/** Whether the schedule has an occurrence due at `now`. */
export function isDue(s: Schedule, now: DateTime): boolean {
  return s.recurrences !== 0 && s.start <= now;
}

/** The schedule after its current occurrence is taken at `now`: one repetition fewer, the start moved past now. */
export function advance(s: Schedule, now: DateTime): Schedule {
  const recurrences = s.recurrences > 0 ? s.recurrences - 1 : s.recurrences;
  if (millis(s.period) <= 0) return { ...s, recurrences };
  // A first guess from the length, then exact steps: calendar periods (months) vary in length.
  let n = Math.max(1, Math.floor(now.diff(s.start).as('milliseconds') / millis(s.period)));
  const at = (k: number) => s.start.plus(s.period.mapUnits((x) => x * k));
  while (n > 1 && at(n - 1) > now) n--;
  while (at(n) <= now) n++;
  return { recurrences, start: at(n), period: s.period };
}
