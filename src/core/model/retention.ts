/**
 * Which backups retention keeps (issue 11, Retention): keep-last, keep-daily, keep-weekly and
 * keep-monthly, with borg `prune`'s semantics, which is what the issue asks for ("each rule covers
 * only backups not already kept"):
 *
 * - Backups are taken newest first. The rules run in the order last, daily, weekly, monthly, and each
 *   one looks only at backups no earlier rule kept.
 * - keep-last N keeps the N newest backups.
 * - keep-daily N walks the UTC days that have a backup, newest first; a day whose newest backup is
 *   already kept is passed over without counting, otherwise its newest backup is kept; it stops
 *   after keeping N. keep-weekly (ISO weeks, Monday to Sunday, UTC) and keep-monthly (UTC months)
 *   do the same with their periods (utc-periods.ts).
 * - A rule that found fewer than its N keeps the oldest backup too (when nothing kept it yet), so
 *   the first backup keeps ageing until real ones fill the slots: borg 1.2 to 1.4 do this for every
 *   rule, and restic too. (borg 2 does it for the coarsest rule only; we keep more, as a removed
 *   backup cannot come back.)
 *
 * restic `forget` differs: there every rule counts every period, whether an earlier rule kept the
 * backup or not, so rules overlap. Worked example (borg's docs/misc/prune-example.txt, without its
 * yearly rule): a backup every day of 2015 but 2015-12-19, `keepDaily: 14, keepMonthly: 6`. Daily
 * keeps 12-31 ... 12-20 and 12-18, 12-17 (12-19 has none, so the 14th day is 12-17). Monthly then
 * passes over December (12-31 is already kept) and keeps 11-30, 10-31, 09-30, 08-31, 07-31 and
 * 06-30: 20 backups. restic would count December as its first month and stop at 07-31: 19.
 *
 * Only good backups (a metadata object beside the dump) belong here; what is not one is a
 * leftover, dealt with in backup-prune-plan.ts.
 */
import { z } from 'zod';
import { isoWeek, utcDay, utcMonth } from './utc-periods.ts';

const count = z.coerce.number().int().min(0, { error: 'a retention count is 0 or more' }).optional();

/** Retention from config; every count 0 or absent means retention is off (nothing is pruned). */
export const RetentionRulesSchema = z.strictObject({ keepLast: count, keepDaily: count, keepWeekly: count, keepMonthly: count });
export type RetentionRules = z.infer<typeof RetentionRulesSchema>;

interface Rule {
  key: keyof RetentionRules;
  name: string;
  /** Backups in the same period compete for one slot; keep-last gives each backup its own. */
  period: (backup: RetentionCandidate) => string;
}

/** The order the rules run in, finest first. */
const ruleOrder: Rule[] = [
  { key: 'keepLast', name: 'last', period: (b) => b.id },
  { key: 'keepDaily', name: 'daily', period: (b) => utcDay(b.time) },
  { key: 'keepWeekly', name: 'weekly', period: (b) => isoWeek(b.time) },
  { key: 'keepMonthly', name: 'monthly', period: (b) => utcMonth(b.time) },
];

/** A good backup as retention sees it. Ids are unique. */
export interface RetentionCandidate {
  id: string;
  time: Date;
}

export interface RetentionPlan {
  /** Newest first, each with the rule that kept it (`daily 3 of 7`). */
  keep: { id: string; reasons: string[] }[];
  /** Ids, newest first. */
  remove: string[];
}

export const isRetentionOn = (rules: RetentionRules): boolean => ruleOrder.some((r) => (rules[r.key] ?? 0) > 0);

const newestFirst = (a: RetentionCandidate, b: RetentionCandidate): number => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Keeps, for one rule, the newest backup of each period not already kept, until it has kept `n`. */
function applyRule(sorted: RetentionCandidate[], rule: Rule, n: number, kept: Map<string, string>): number {
  let taken = 0;
  let previous: string | undefined;
  for (const backup of sorted) {
    if (taken === n) break;
    const period = rule.period(backup);
    if (period === previous) continue;
    previous = period;
    if (kept.has(backup.id)) continue;
    taken += 1;
    kept.set(backup.id, `${rule.name} ${taken} of ${n}`);
  }
  return taken;
}

/** What the rules keep and what they remove; with retention off, everything is kept. */
export function planRetention(backups: RetentionCandidate[], rules: RetentionRules): RetentionPlan {
  const sorted = [...backups].sort(newestFirst);
  const kept = new Map<string, string>();
  const active = ruleOrder.filter((r) => (rules[r.key] ?? 0) > 0);
  if (!active.length) sorted.forEach((b) => kept.set(b.id, 'retention off'));
  const oldest = sorted.at(-1);
  for (const rule of active) {
    const n = rules[rule.key] ?? 0;
    const taken = applyRule(sorted, rule, n, kept);
    if (taken < n && oldest && !kept.has(oldest.id)) kept.set(oldest.id, `oldest (${rule.name} ${taken} of ${n})`);
  }
  return {
    keep: sorted.filter((b) => kept.has(b.id)).map((b) => ({ id: b.id, reasons: [kept.get(b.id) ?? ''] })),
    remove: sorted.filter((b) => !kept.has(b.id)).map((b) => b.id),
  };
}
