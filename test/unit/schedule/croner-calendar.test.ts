/** The croner adapter of the CronCalendar port. */
import { describe, expect, it } from 'vitest';
import { cronerCalendar } from '../../../src/adapters/cron/croner-calendar.ts';

describe('cronerCalendar', () => {
  it('never answers a firing at or before the time it was asked from, inside a repeated hour either', () => {
    // croner 9.1.0 alone answers 2026-11-01T05:30Z here, half an hour before the time asked from.
    const from = new Date('2026-11-01T06:00:00Z');
    expect(cronerCalendar.next('30 1 * * *', 'America/New_York', from, 2)).toEqual([new Date('2026-11-02T06:30:00Z'), new Date('2026-11-03T06:30:00Z')]);
  });

  it('reads day of month and day of week with OR, as Vixie cron does', () => {
    // The 1st of December 2026 is a Tuesday: "0 9 1 * 5" fires on it and on Friday the 4th.
    expect(cronerCalendar.next('0 9 1 * 5', 'UTC', new Date('2026-11-30T12:00:00Z'), 2)).toEqual([
      new Date('2026-12-01T09:00:00Z'),
      new Date('2026-12-04T09:00:00Z'),
    ]);
  });
});
