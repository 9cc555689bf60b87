/** The periods retention counts in: UTC days and months, ISO 8601 weeks (src/core/model/utc-periods.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoWeek, utcDay, utcMonth } from '../../../../src/core/model/utc-periods.ts';

const day = 86_400_000;

describe('UTC periods', () => {
  it('a day and a month are UTC ones, whatever the zone the bot runs in', () => {
    expect(utcDay(new Date('2026-03-09T23:59:59.999Z'))).toBe('2026-03-09');
    expect(utcDay(new Date('2026-03-10T00:00:00Z'))).toBe('2026-03-10');
    expect(utcMonth(new Date('2026-02-28T23:59:59Z'))).toBe('2026-02');
  });

  it('an ISO week belongs to the year of its Thursday', () => {
    expect(isoWeek(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53'); // a Sunday
    expect(isoWeek(new Date('2021-01-04T00:00:00Z'))).toBe('2021-W01'); // the next Monday
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeek(new Date('2026-03-01T23:59:59Z'))).toBe('2026-W09');
    expect(isoWeek(new Date('2026-03-02T00:00:00Z'))).toBe('2026-W10');
  });

  it('a week runs Monday to Sunday: the same from any day to its Sunday, the next one on Monday (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 * 366 }), fc.integer({ min: 0, max: day - 1 }), (days, ms) => {
        const t = new Date(Date.UTC(1970, 0, 1) + days * day + ms);
        const toSunday = (7 - t.getUTCDay()) % 7;
        const sunday = new Date(t.getTime() + toSunday * day);
        expect(isoWeek(sunday)).toBe(isoWeek(t));
        expect(isoWeek(new Date(sunday.getTime() + day))).not.toBe(isoWeek(t));
        expect(Number(isoWeek(t).slice(-2))).toBeGreaterThanOrEqual(1);
        expect(Number(isoWeek(t).slice(-2))).toBeLessThanOrEqual(53);
      }),
    );
  });
});
