/**
 * The CronCalendar port over croner (issue 13): five-field patterns, day-of-month and day-of-week
 * combined with OR as Vixie cron does (croner's legacy mode), in an IANA time zone. Across a
 * daylight-saving change croner fires a time that does not exist once, at the first minute after
 * the gap, and a time that exists twice once (test/unit/leader/digest-scheduler.test.ts). Asked from
 * inside the repeated hour, croner 9.1.0 can answer a time before the one it was given (from
 * 2026-11-01 06:00Z, "30 1 * * *" in New York answers 05:30Z): such answers are dropped, or the
 * scheduler would wake for that past time again and again.
 */
import { Cron } from 'croner';
import type { CronCalendar } from '../../core/ports/cron-calendar.ts';

/** croner's own words, without its "CronPattern: " prefix. */
const plain = (error: unknown): Error => new Error((error as Error).message.replace(/^Cron\w*:\s*/, ''));

export const cronerCalendar: CronCalendar = {
  next(cron, timeZone, after, count) {
    let job: Cron;
    try {
      job = new Cron(cron, { timezone: timeZone, legacyMode: true, paused: true });
    } catch (error) {
      throw plain(error);
    }
    return job
      .nextRuns(count + 2, after)
      .filter((at) => at.getTime() > after.getTime())
      .slice(0, count);
  },
};
