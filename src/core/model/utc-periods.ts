/**
 * The calendar periods retention counts in (retention.ts): a UTC day, an ISO 8601 week (Monday to
 * Sunday, numbered in its week-based year, as borg's `%G-%V`) and a UTC month. UTC, not the
 * machine's zone: two bot replicas in different zones must prune the same backups.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-12-01`. */
export const utcDay = (t: Date): string => t.toISOString().slice(0, 10);

/** `2026-12`. */
export const utcMonth = (t: Date): string => t.toISOString().slice(0, 7);

const dayMs = 86_400_000;

/**
 * `2026-W49`. An ISO week belongs to the year of its Thursday, so 2021-01-03 (a Sunday) is in
 * 2020-W53 and 2024-12-30 (a Monday) in 2025-W01.
 */
export function isoWeek(t: Date): string {
  const midnight = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  const mondayBased = (t.getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const thursday = new Date(midnight + (3 - mondayBased) * dayMs);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * dayMs));
  return `${year}-W${pad(week)}`;
}
