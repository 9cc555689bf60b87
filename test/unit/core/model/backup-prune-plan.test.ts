/**
 * What prune removes (src/core/model/backup-prune-plan.ts, issue 11): the rules over good backups
 * only, leftovers once a day old, nothing that is running, nothing at all with retention off.
 */
import { describe, expect, it } from 'vitest';
import { catalogRows } from '../../../../src/core/model/backup-catalog.ts';
import { planPrune } from '../../../../src/core/model/backup-prune-plan.ts';
import { dumpGone, dumpOnly, failedJob, good, runnerJob } from './backup-fixtures.ts';

const now = new Date('2026-12-03T12:00:00Z');

const rows = catalogRows(
  [
    good('20261203-020000-0001'),
    dumpOnly('20261203-080000-0002'), // no metadata, 4 h old: may still be uploading
    good('20261202-020000-0003', { verifiedAt: '2026-12-02T05:00:00Z' }),
    dumpOnly('20261202-030000-0004'), // no metadata, 33 h old, no Job: garbage
    good('20261201-020000-0005'),
    dumpGone('20261201-030000-0006'), // metadata without its dump: garbage
    dumpOnly('20261120-020000-0007'), // its Job still runs: never garbage
    good('20261101-020000-0008'),
  ],
  [runnerJob('20261120-020000-0007'), failedJob('20261203-100000-0009')],
  now,
);

describe('prune', () => {
  it('keeps by the rules over good backups only, and removes leftovers over a day old', () => {
    const plan = planPrune(rows, { keepLast: 2 });
    expect(plan.keep).toEqual([
      { id: '20261203-080000-0002', reasons: ['incomplete, started less than a day ago'] },
      { id: '20261203-020000-0001', reasons: ['last 1 of 2'] },
      // the rules skip the incomplete ones: the second newest good backup is the verified one
      { id: '20261202-020000-0003', reasons: ['last 2 of 2'] },
      { id: '20261120-020000-0007', reasons: ['running'] },
    ]);
    expect(plan.remove).toEqual([
      { id: '20261202-030000-0004', reason: 'leftover: incomplete, started over a day ago' },
      { id: '20261201-030000-0006', reason: 'leftover: dump missing, started over a day ago' },
      { id: '20261201-020000-0005', reason: 'not kept by retention' },
      { id: '20261101-020000-0008', reason: 'not kept by retention' },
    ]);
  });

  it('does not plan anything for a backup with nothing in the store (a failed Job alone)', () => {
    const plan = planPrune(rows, { keepLast: 1 });
    expect([...plan.keep.map((k) => k.id), ...plan.remove.map((r) => r.id)]).not.toContain('20261203-100000-0009');
  });

  it('removes nothing with retention off, leftovers included', () => {
    const plan = planPrune(rows, { keepLast: 0 });
    expect(plan.remove).toEqual([]);
    expect(plan.keep).toHaveLength(8);
    expect(new Set(plan.keep.flatMap((k) => k.reasons))).toEqual(new Set(['retention off']));
  });
});
