/**
 * Which run of a schedule is due (issue 13): the latest firing after the last one claimed (or
 * after the schedule was added) that is not in the future. Firings missed before it are counted,
 * to be logged as skipped: only the latest missed run may still be posted.
 */
import type { Schedule } from '../model/schedule.ts';
import type { CronCalendar } from '../ports/cron-calendar.ts';

/** How far back firings are walked (a 15-minute schedule missed for over 100 days is read as one miss). */
const walkLimit = 10_000;
const batch = 200;

export interface DueRun {
  at: Date;
  /** Earlier firings missed since the last claimed run, skipped. */
  skipped: number;
}

/** What a run's firing time is compared with: the last run claimed, or when the schedule was added. */
export const floorOf = (s: Pick<Schedule, 'lastRun' | 'createdAt'>): Date => new Date(s.lastRun?.for ?? s.createdAt);

export function dueRun(s: Schedule, calendar: CronCalendar, now: Date): DueRun | undefined {
  let after = floorOf(s);
  // The usual answer, at every poll: the next firing is still to come.
  const [first] = calendar.next(s.cron, s.timeZone, after, 1);
  if (!first || first.getTime() > now.getTime()) return undefined;
  let latest: Date | undefined;
  let count = 0;
  while (count < walkLimit) {
    const firings = calendar.next(s.cron, s.timeZone, after, batch).filter((f) => f.getTime() <= now.getTime());
    if (!firings.length) break;
    count += firings.length;
    latest = firings[firings.length - 1];
    after = latest!;
    if (firings.length < batch) break;
  }
  return latest ? { at: latest, skipped: count - 1 } : undefined;
}

/**
 * The earliest next firing of any schedule, each counted from its last claimed run as `dueRun`
 * counts (not from now: asked from inside the hour an autumn night repeats, croner skips the
 * repeated time to the next day, so a scheduler waking then would miss that night's run). A
 * firing already due is for a second from now, so a wake never spins.
 */
export function nextFiring(schedules: Schedule[], calendar: CronCalendar, now: Date): Date | undefined {
  const next = schedules.flatMap((s) => calendar.next(s.cron, s.timeZone, floorOf(s), 1));
  if (!next.length) return undefined;
  return new Date(Math.max(now.getTime() + 1_000, Math.min(...next.map((d) => d.getTime()))));
}
