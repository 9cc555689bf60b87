/**
 * The rows of `backups <name>` (src/core/model/backup-catalog.ts, issue 11): the store's objects
 * joined with the runner Jobs, newest first, each in the state a user would want to know.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogRows, installationJobs } from '../../../../src/core/model/backup-catalog.ts';
import { backupLabels, newBackupId } from '../../../../src/core/model/backup.ts';
import { dumpGone, dumpOnly, failedJob, good, runnerJob, succeededJob } from './backup-fixtures.ts';

const now = new Date('2026-12-03T12:00:00Z');

describe('catalog rows', () => {
  it('shows every state, newest first, with size, who asked, the note and why a backup failed', () => {
    const stored = [
      good('20261201-020000-0001'),
      good('20261202-020000-0002', { verifiedAt: '2026-12-02T04:00:00Z', note: 'weekly drill' }),
      dumpGone('20261130-020000-0003'),
      dumpOnly('20261129-020000-0004', 777),
    ];
    const jobs = [runnerJob('20261203-113000-0005'), failedJob('20261203-020000-0006', 'DeadlineExceeded')];
    const rows = catalogRows(stored, jobs, now);
    expect(rows.map((r) => [r.id, r.state, r.sizeBytes, r.requestedBy, r.note, r.reason])).toEqual([
      ['20261203-113000-0005', 'running', undefined, 'bob', 'before upgrade', undefined],
      ['20261203-020000-0006', 'failed', undefined, 'bob', 'before upgrade', 'DeadlineExceeded'],
      ['20261202-020000-0002', 'verified', 1_048_576, 'alice', 'weekly drill', undefined],
      ['20261201-020000-0001', 'ok', 1_048_576, 'alice', undefined, undefined],
      ['20261130-020000-0003', 'dump missing', 1_048_576, 'alice', undefined, undefined],
      ['20261129-020000-0004', 'incomplete', 777, undefined, undefined, undefined],
    ]);
    expect(rows[0]?.time).toEqual(new Date('2026-12-03T11:30:00Z'));
    expect(rows[2]?.verifiedAt).toEqual(new Date('2026-12-02T04:00:00Z'));
  });

  it('trusts the store for a finished backup: metadata beside its dump is ok whatever its Job says', () => {
    const id = '20261202-020000-00aa';
    expect(catalogRows([good(id)], [failedJob(id)], now)[0]).toMatchObject({ state: 'ok', requestedBy: 'alice', reason: undefined });
  });

  it('a Job whose failed pod is still being retried (no Failed condition yet) is running, not failed', () => {
    const id = '20261203-110000-00bb';
    expect(catalogRows([], [runnerJob(id, { active: 0, failed: 1 })], now)[0]?.state).toBe('running');
  });

  it('a dump without metadata whose Job is still running is running; once the Job is gone, incomplete', () => {
    const id = '20261203-110000-00cc';
    expect(catalogRows([dumpOnly(id)], [runnerJob(id)], now)[0]?.state).toBe('running');
    expect(catalogRows([dumpOnly(id)], [], now)[0]?.state).toBe('incomplete');
    expect(catalogRows([dumpOnly(id)], [succeededJob(id)], now)[0]?.state).toBe('incomplete');
  });

  it('leaves out what is no backup of ours: a succeeded Job whose backup was pruned, drill and other Jobs, foreign ids', () => {
    const pruned = '20261101-020000-0001';
    const rows = catalogRows(
      [good('20261201-020000-0002'), { ...dumpOnly('20261201-020000-0002'), id: 'not-a-backup' }],
      [
        succeededJob(pruned),
        runnerJob('20261201-020000-0002', {}, 'drill'),
        runnerJob('20261203-020000-0003', { labels: { app: 'other' } }),
        runnerJob('20261203-020000-0004', { labels: { [backupLabels.operation]: 'backup', [backupLabels.backupId]: 'latest' } }),
      ],
      now,
    );
    expect(rows.map((r) => r.id)).toEqual(['20261201-020000-0002']);
  });

  it('installationJobs keeps the runner Jobs of one installation when two share a namespace', () => {
    const ours = runnerJob('20261203-020000-0001');
    const theirs = runnerJob('20261203-020000-0002', { labels: { ...ours.labels, [backupLabels.installation]: 'mattermost-staging' } });
    const rows = catalogRows([], installationJobs([ours, theirs, failedJob('20261203-020000-0003')], 'mattermost'), now);
    expect(rows.map((r) => r.id)).toEqual(['20261203-020000-0003', '20261203-020000-0001']);
  });

  it('takes the newest Job when a backup id has two', () => {
    const id = '20261203-100000-00dd';
    const older = failedJob(id);
    const newer = runnerJob(id, { createdAt: new Date('2026-12-03T10:05:00Z') });
    expect(catalogRows([], [older, newer], now)[0]?.state).toBe('running');
    expect(catalogRows([], [newer, older], now)[0]?.state).toBe('running');
  });

  it('marks as leftover what is in the store, not good, not running and over a day old', () => {
    const rows = catalogRows(
      [
        dumpOnly('20261201-020000-0001'),
        dumpOnly('20261203-020000-0002'),
        dumpGone('20261130-020000-0003'),
        good('20261101-020000-0004'),
        dumpOnly('20261125-020000-0005'),
      ],
      [failedJob('20261120-020000-0006'), runnerJob('20261125-020000-0005')],
      now,
    );
    expect(rows.map((r) => [r.id, r.state, r.stored, r.leftover])).toEqual([
      ['20261203-020000-0002', 'incomplete', true, false], // 10 h old: may still be uploading
      ['20261201-020000-0001', 'incomplete', true, true],
      ['20261130-020000-0003', 'dump missing', true, true],
      ['20261125-020000-0005', 'running', true, false], // its Job runs: never garbage, whatever its age
      ['20261120-020000-0006', 'failed', false, false], // nothing in the store to remove
      ['20261101-020000-0004', 'ok', true, false],
    ]);
  });

  it('gives one row per backup id, newest first (property)', () => {
    const id = fc
      .integer({ min: 0, max: 400 * 24 * 3600 })
      .chain((s) => fc.constant(newBackupId(new Date(Date.UTC(2026, 0, 1) + s * 1000), () => (s % 7) / 7)));
    const kind = fc.constantFrom(good, dumpOnly, dumpGone);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(id, kind), { selector: ([i]) => i, maxLength: 30 }), fc.uniqueArray(id, { maxLength: 10 }), (stored, jobIds) => {
        const rows = catalogRows(
          stored.map(([i, make]) => make(i)),
          jobIds.map((i) => runnerJob(i)),
          now,
        );
        const ids = rows.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toEqual(ids.toSorted().reverse());
        expect(ids.toSorted()).toEqual([...new Set([...stored.map(([i]) => i), ...jobIds])].sort());
        expect(rows.every((r, k) => k === 0 || rows[k - 1]!.time >= r.time)).toBe(true);
      }),
    );
  });
});
