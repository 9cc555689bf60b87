/**
 * Retention with borg prune's semantics (src/core/model/retention.ts, issue 11): each rule looks
 * only at backups no earlier rule kept; the worked example of borg's docs; and the properties a
 * prune must never break.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRetention, RetentionRulesSchema, type RetentionCandidate, type RetentionRules } from '../../../../src/core/model/retention.ts';

const at = (iso: string, id = iso): RetentionCandidate => ({ id, time: new Date(iso) });
const ids = (plan: { keep: { id: string }[] }) => plan.keep.map((k) => k.id);

/** One backup at 03:00 UTC each day from `from` to `to`, both included, skipping `missing`. */
function daily(from: string, to: string, missing: string[] = []): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  for (let t = new Date(`${from}T03:00:00Z`); t <= new Date(`${to}T03:00:00Z`); t = new Date(t.getTime() + 86_400_000)) {
    const day = t.toISOString().slice(0, 10);
    if (!missing.includes(day)) out.push({ id: day, time: t });
  }
  return out;
}

describe('the worked example of borg prune (docs/misc/prune-example.txt, without its yearly rule)', () => {
  const backups = daily('2015-01-01', '2015-12-31', ['2015-12-19']);
  const plan = planRetention(backups, { keepDaily: 14, keepMonthly: 6 });

  it('keeps 14 days (skipping the day without a backup) and the 6 months before December', () => {
    const days = ['31', '30', '29', '28', '27', '26', '25', '24', '23', '22', '21', '20', '18', '17'].map((d) => `2015-12-${d}`);
    const months = ['2015-11-30', '2015-10-31', '2015-09-30', '2015-08-31', '2015-07-31', '2015-06-30'];
    expect(ids(plan)).toEqual([...days, ...months]);
    expect(plan.keep[0]?.reasons).toEqual(['daily 1 of 14']);
    expect(plan.keep[13]?.reasons).toEqual(['daily 14 of 14']);
    expect(plan.keep[14]?.reasons).toEqual(['monthly 1 of 6']);
    expect(plan.remove).toHaveLength(backups.length - 20);
    expect(plan.remove).not.toContain('2015-12-19');
  });

  it('keeps the oldest backup while the last rule is short: with 12 months wanted, 2015-01-01 ages in the slot', () => {
    const short = planRetention(backups, { keepDaily: 14, keepMonthly: 12 });
    expect(short.keep.at(-2)).toEqual({ id: '2015-01-31', reasons: ['monthly 11 of 12'] });
    expect(short.keep.at(-1)).toEqual({ id: '2015-01-01', reasons: ['oldest (monthly 11 of 12)'] });
  });
});

describe('the oldest backup ages in the slot of any rule that came up short (borg 1.2 to 1.4, restic)', () => {
  it('weekly finds 2 of 5 weeks and keeps the oldest too, although monthly is full', () => {
    // 2026-01-31 and 02-01 share an ISO week, and 01-09 and 01-10 another one.
    const backups = ['2026-02-01', '2026-01-31', '2026-01-10', '2026-01-09'].map((d) => at(`${d}T03:00:00Z`, d));
    expect(planRetention(backups, { keepWeekly: 5, keepMonthly: 1 })).toEqual({
      keep: [
        { id: '2026-02-01', reasons: ['weekly 1 of 5'] },
        { id: '2026-01-31', reasons: ['monthly 1 of 1'] },
        { id: '2026-01-10', reasons: ['weekly 2 of 5'] },
        { id: '2026-01-09', reasons: ['oldest (weekly 2 of 5)'] },
      ],
      remove: [],
    });
  });
});

describe('each rule covers only backups not already kept (the issue, and borg; not restic)', () => {
  it('keep-last 1 and keep-daily 2 over one backup a day keep three: today by last, then two more days', () => {
    const plan = planRetention(daily('2026-03-01', '2026-03-10'), { keepLast: 1, keepDaily: 2 });
    // restic would keep two: today counts as its first daily too.
    expect(plan.keep).toEqual([
      { id: '2026-03-10', reasons: ['last 1 of 1'] },
      { id: '2026-03-09', reasons: ['daily 1 of 2'] },
      { id: '2026-03-08', reasons: ['daily 2 of 2'] },
    ]);
  });

  it('a day whose newest backup another rule kept is passed over whole, not kept again with an older backup', () => {
    const backups = [
      at('2026-03-10T22:00:00Z'),
      at('2026-03-10T10:00:00Z'),
      at('2026-03-09T22:00:00Z'),
      at('2026-03-09T10:00:00Z'),
      at('2026-03-08T10:00:00Z'),
    ];
    expect(ids(planRetention(backups, { keepLast: 1, keepDaily: 1 }))).toEqual(['2026-03-10T22:00:00Z', '2026-03-09T22:00:00Z']);
  });

  it('keep-daily keeps the newest backup of a UTC day, whatever the input order', () => {
    const backups = [at('2026-03-09T10:00:00Z'), at('2026-03-09T23:59:59Z'), at('2026-03-10T00:00:00Z')];
    expect(ids(planRetention(backups, { keepDaily: 2 }))).toEqual(['2026-03-10T00:00:00Z', '2026-03-09T23:59:59Z']);
  });

  it('keep-weekly keeps the newest of each ISO week (Monday to Sunday, UTC)', () => {
    // 2026-03-01 is a Sunday, 03-02 a Monday: two weeks.
    const backups = daily('2026-02-23', '2026-03-03');
    expect(planRetention(backups, { keepWeekly: 2 }).keep).toEqual([
      { id: '2026-03-03', reasons: ['weekly 1 of 2'] },
      { id: '2026-03-01', reasons: ['weekly 2 of 2'] },
    ]);
  });

  it('keep-last counts backups, not seconds: two in the same second are two', () => {
    const backups = [at('2026-03-10T10:00:00Z', '20260310-100000-aaaa'), at('2026-03-10T10:00:00Z', '20260310-100000-bbbb')];
    expect(ids(planRetention(backups, { keepLast: 2 }))).toEqual(['20260310-100000-bbbb', '20260310-100000-aaaa']);
  });
});

describe('retention off', () => {
  it('no rule above 0 keeps everything', () => {
    const backups = daily('2026-03-01', '2026-03-05');
    for (const rules of [{}, { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 }]) {
      const plan = planRetention(backups, rules);
      expect(plan.remove).toEqual([]);
      expect(plan.keep.map((k) => k.reasons)).toEqual(backups.map(() => ['retention off']));
    }
  });

  it('the schema takes counts from YAML or the environment and refuses negative, fractional and unknown ones', () => {
    expect(RetentionRulesSchema.parse({ keepLast: '3', keepDaily: 7 })).toEqual({ keepLast: 3, keepDaily: 7 });
    expect(RetentionRulesSchema.safeParse({ keepDaily: -1 }).success).toBe(false);
    expect(RetentionRulesSchema.safeParse({ keepDaily: 1.5 }).success).toBe(false);
    expect(RetentionRulesSchema.safeParse({ keepYearly: 1 }).success).toBe(false);
  });
});

const start = Date.UTC(2025, 0, 1);
/** Backups over about 14 months, several a day at times, ids in the shape the store uses. */
const backupsArb = fc.uniqueArray(fc.integer({ min: 0, max: 420 * 24 * 60 }), { maxLength: 80 }).map((minutes) =>
  minutes.map((m): RetentionCandidate => {
    const time = new Date(start + m * 60_000);
    return { id: `${time.toISOString()}-${m}`, time };
  }),
);
const rulesArb: fc.Arbitrary<RetentionRules> = fc.record(
  { keepLast: fc.nat(6), keepDaily: fc.nat(10), keepWeekly: fc.nat(6), keepMonthly: fc.nat(8) },
  { requiredKeys: [] },
);
const on = (rules: RetentionRules) => Object.values(rules).some((n) => (n ?? 0) > 0);

describe('properties of a prune', () => {
  it('kept and removed partition the backups', () => {
    fc.assert(
      fc.property(backupsArb, rulesArb, (backups, rules) => {
        const plan = planRetention(backups, rules);
        const all = [...ids(plan), ...plan.remove];
        expect(all.toSorted()).toEqual(backups.map((b) => b.id).toSorted());
      }),
    );
  });

  it('the newest backup is never removed while any rule is above 0', () => {
    fc.assert(
      fc.property(backupsArb, rulesArb, (backups, rules) => {
        fc.pre(backups.length > 0 && on(rules));
        const newest = backups.reduce((a, b) => (b.time > a.time ? b : a));
        expect(planRetention(backups, rules).remove).not.toContain(newest.id);
      }),
    );
  });

  it('pruning what a prune kept removes nothing (idempotent)', () => {
    fc.assert(
      fc.property(backupsArb, rulesArb, (backups, rules) => {
        const first = planRetention(backups, rules);
        const kept = new Set(ids(first));
        const again = planRetention(
          backups.filter((b) => kept.has(b.id)),
          rules,
        );
        expect(again.remove).toEqual([]);
        expect(again.keep).toEqual(first.keep);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps no more than the counts add up to, plus the oldest', () => {
    fc.assert(
      fc.property(backupsArb, rulesArb, (backups, rules) => {
        fc.pre(on(rules));
        const total = (rules.keepLast ?? 0) + (rules.keepDaily ?? 0) + (rules.keepWeekly ?? 0) + (rules.keepMonthly ?? 0);
        expect(planRetention(backups, rules).keep.length).toBeLessThanOrEqual(total + 1);
      }),
    );
  });

  it('keeps exactly min(keep-last, backups) with keep-last alone, the newest ones', () => {
    fc.assert(
      fc.property(backupsArb, fc.integer({ min: 1, max: 10 }), (backups, n) => {
        const newest = backups
          .toSorted((a, b) => b.time.getTime() - a.time.getTime())
          .slice(0, n)
          .map((b) => b.id);
        expect(ids(planRetention(backups, { keepLast: n }))).toEqual(newest);
      }),
    );
  });
});
