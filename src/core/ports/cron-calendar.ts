/**
 * Cron expressions in a time zone, as a port: the core judges and lists firings without importing
 * a cron library (src/core imports only zod). `src/adapters/cron/croner-calendar.ts` puts croner
 * behind it; unit tests use that same adapter, as it is pure (no clock, no network).
 */
export interface CronCalendar {
  /**
   * The next `count` firings of `cron` in `timeZone`, strictly after `after`, in time order (fewer
   * when the pattern never fires again). Throws an Error whose message says what is wrong with the
   * pattern (a field out of range, an unknown name).
   */
  next(cron: string, timeZone: string, after: Date, count: number): Date[];
}
