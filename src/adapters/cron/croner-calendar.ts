/**
 * The CronCalendar port over croner (issue 13): five-field patterns, day-of-month and day-of-week
 * combined with OR as Vixie cron does (croner's legacy mode), in an IANA time zone. Across a
 * daylight-saving change croner fires a time that does not exist once, at the first minute after
 * the gap, and a time that exists twice once, at its first occurrence (test/unit/schedule/dst.test.ts).
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
    return job.nextRuns(count, after);
  },
};
