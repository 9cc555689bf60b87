/**
 * Judges a schedule's cron expression and time zone before it is kept (issue 13): five fields,
 * a time zone the runtime knows (with a suggestion when close to one), and no two of the next
 * firings closer than 15 minutes, so a digest cannot flood its channel. The gaps of many firings
 * are checked, not only the first: "0,50 9,10 * * *" fires at 09:50 and 10:00. Every firing day
 * repeats the same minutes and hours, so the firings of three days that have any cover every gap
 * there is, within a day and across midnight.
 */
import { usageError } from '../errors.ts';
import type { CronCalendar } from '../ports/cron-calendar.ts';
import { suggest } from '../text/did-you-mean.ts';

/** The shortest gap allowed between two firings, unless configured lower for tests. */
export const minimumGapMs = 15 * 60_000;
/** At most this many firings are read (three days of a schedule firing every 15 minutes is 288). */
const firingsChecked = 300;
const batch = 12;

const example = 'try "0 9 * * 1-5" for 09:00 on weekdays';

/** Every zone name the runtime knows, UTC included (Intl lists only region names). */
export function knownTimeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}

/** The zone as written when the runtime knows it, else a usage error with the closest names. */
export function checkTimeZone(zone: string): string {
  const zones = knownTimeZones();
  if (zones.includes(zone)) return zone;
  const byCase = zones.find((z) => z.toLowerCase() === zone.toLowerCase());
  if (byCase) return byCase;
  const close = suggest(
    zone.toLowerCase(),
    zones.map((z) => z.toLowerCase()),
    1,
  ).map((c) => zones.find((z) => z.toLowerCase() === c)!);
  throw usageError(
    `unknown time zone "${zone}"`,
    close.length ? `did you mean ${close.join(' or ')}?` : 'use an IANA name like Europe/Berlin, America/New_York or UTC',
  );
}

/** The cron expression with single spaces; throws a usage error that says what to type instead. */
export function checkCron(cron: string, zone: string, judge: { calendar: CronCalendar; from: Date; gapMs?: number }): string {
  const { calendar, from, gapMs = minimumGapMs } = judge;
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5)
    throw usageError(
      `"${cron}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; ${example}`,
      'the fields are minute, hour, day of month, month, day of week',
    );
  const normal = fields.join(' ');
  let firings: Date[];
  try {
    firings = firingsOfThreeDays(normal, zone, calendar, from);
  } catch (error) {
    throw usageError(`"${normal}" is not a cron expression: ${(error as Error).message}; ${example}`);
  }
  if (!firings.length) throw usageError(`"${normal}" never fires (no such date); ${example}`);
  for (let i = 1; i < firings.length; i++) {
    const gap = firings[i]!.getTime() - firings[i - 1]!.getTime();
    if (gap < gapMs) {
      throw usageError(
        `"${normal}" fires ${Math.round(gap / 60_000)} minutes apart (at ${hhmm(firings[i - 1]!, zone)} and ${hhmm(firings[i]!, zone)}); schedules fire at most every ${Math.round(gapMs / 60_000)} minutes`,
        'try "*/15 * * * *" for every 15 minutes, or "0 9 * * 1-5" for 09:00 on weekdays',
      );
    }
  }
  return normal;
}

/** The next firings until three days (UTC) with any are covered; read a few at a time, as each costs croner time. */
function firingsOfThreeDays(cron: string, zone: string, calendar: CronCalendar, from: Date): Date[] {
  const firings: Date[] = [];
  const days = new Set<string>();
  while (firings.length < firingsChecked && days.size <= 3) {
    const more = calendar.next(cron, zone, firings[firings.length - 1] ?? from, batch);
    firings.push(...more);
    for (const f of more) days.add(f.toISOString().slice(0, 10));
    if (more.length < batch) break;
  }
  return firings;
}

/** "09:05" in a zone. */
export function hhmm(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "09:00 Tue" in a zone, as the quiet rule's edit says it. */
export function hhmmDay(at: Date, zone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short' }).format(at);
  return `${hhmm(at, zone)} ${day}`;
}

/** "2026-12-02 09:00 Europe/Berlin". */
export function zonedText(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return `${parts} ${hhmm(at, zone)} ${zone}`;
}
