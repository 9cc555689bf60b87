/**
 * The last good backup time per installation on the metrics (core/last-good-backups.ts): set at
 * once when a backup succeeds through the pipeline, never by a failed one; only forward while its
 * installation exists; gone with its installation; kept when the store does not answer; and the
 * leader's slow refresh on the fake clock, which withdraws the series when leading ends.
 */
import { describe, expect, it } from 'vitest';
import { LastGoodBackups } from '../../../src/core/last-good-backups.ts';
import { backupLastSuccessTimestampSeconds } from '../../../src/core/metrics-catalog.ts';
import type { BackupMetadata } from '../../../src/core/model/backup.ts';
import type { BackupSettings } from '../../../src/core/model/backup-settings.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { lastGoodBackupsRefresh } from '../../../src/leader/last-good-backups-refresh.ts';
import { FakeBackupStore } from '../../fakes/fake-backup-store.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeMetrics } from '../../fakes/fake-metrics.ts';
import { alice, createHarness } from '../../support/core-harness.ts';

const settings: BackupSettings = {
  store: { endpoint: 'http://127.0.0.1:8333', bucket: 'matterops-backups', region: 'us-east-1', prefix: '' },
  storeSecret: 'matterops-backup-store',
  adminSecret: 'matterops-db-admin',
  runnerImage: 'matterops:0.1.0',
  serviceAccount: 'matterops-runner',
  retention: {},
  jobTtlSeconds: 3600,
};

const chat = { namespace: 'chat', name: 'mattermost' };
const staging = { namespace: 'staging', name: 'mattermost-staging' };
const metadata = (installation: { namespace: string; name: string }, id: string): BackupMetadata => ({
  format: 'matterops-backup/v1',
  id,
  installation,
  dumpKey: `${installation.namespace}/${installation.name}/${id}/dump.pgcustom`,
  startedAt: '2026-11-27T08:00:00.000Z',
  finishedAt: '2026-11-27T08:00:05.000Z',
  sizeBytes: 64,
  sha256: 'cd'.repeat(32),
  pgVersion: '15.14',
  rowCounts: { posts: 3 },
  requestedBy: 'alice',
});
const seriesOf = (metrics: FakeMetrics, i: { namespace: string; name: string }) =>
  metrics.series(backupLastSuccessTimestampSeconds, { namespace: i.namespace, installation: i.name });
/** Lets the store read a finished change started run to its end. */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Unix seconds of a backup id's time. */
const secondsOf = (id: string): number =>
  Date.parse(`${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}Z`) / 1000;

describe('the last good backup time, as a backup succeeds', () => {
  it('is set at once for the installation a backup succeeded on, from the store; a failed backup sets nothing', async () => {
    const store = new FakeBackupStore('');
    const h = createHarness({ backups: { settings, store } });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    let succeed = false;
    // The fake kubelet: the runner writes the backup to the store when it succeeds, as the real one does.
    h.gateway.jobRunner = (job) => {
      const id = (job.metadata as unknown as { labels: Record<string, string> }).labels['matterops.io/backup-id']!;
      if (!succeed) return { succeeded: false, message: JSON.stringify({ ok: false, operation: 'backup', stage: 'dump', error: 'pg_dump: no route' }) };
      store.putBackup(metadata(chat, id));
      const result = { ok: true, operation: 'backup', backupId: id, sizeBytes: 64, sha256: 'cd'.repeat(32), durationMs: 10, location: 's3://x', rowCounts: {} };
      return { succeeded: true, message: JSON.stringify(result) };
    };
    expect((await h.run('backup mattermost --yes', alice)).reply.tone).toBe('danger');
    await settled();
    expect(seriesOf(h.metrics, chat)).toBeUndefined();

    succeed = true;
    h.clock.advance(2_000); // a new backup id (ids have seconds)
    expect((await h.run('backup mattermost --yes', alice)).reply.tone).toBe('good');
    await settled(); // the refresh after the outcome is not awaited by the reply
    const newest = await store.newestComplete(chat);
    expect(newest).toBeDefined();
    expect(seriesOf(h.metrics, chat)).toBe(secondsOf(newest!));
  });
});

describe('LastGoodBackups', () => {
  it('moves only forward while the installation exists, and drops an installation that is gone', async () => {
    const store = new FakeBackupStore('');
    const metrics = new FakeMetrics();
    const last = new LastGoodBackups(metrics, store);
    store.putBackup(metadata(chat, '20261127-080000-aaaa'));
    expect(await last.refreshAll([chat, staging])).toEqual([]);
    expect(seriesOf(metrics, chat)).toBe(secondsOf('20261127-080000-aaaa'));
    expect(seriesOf(metrics, staging)).toBeUndefined(); // no complete backup: no series

    // Pruned, and an older one is the newest now: the last success does not go back in time.
    store.putBackup(metadata(chat, '20261126-080000-bbbb'));
    await store.remove(chat, '20261127-080000-aaaa');
    await last.refresh(chat);
    expect(seriesOf(metrics, chat)).toBe(secondsOf('20261127-080000-aaaa'));

    store.putBackup(metadata(staging, '20261127-090000-cccc'));
    await last.refreshAll([chat, staging]);
    expect(seriesOf(metrics, staging)).toBe(secondsOf('20261127-090000-cccc'));
    // chat is deleted: its series goes.
    await last.refreshAll([staging]);
    expect(seriesOf(metrics, chat)).toBeUndefined();
    last.withdraw();
    expect(seriesOf(metrics, staging)).toBeUndefined();
  });

  it('keeps what an installation showed when the store does not answer for it, and says which', async () => {
    const store = new FakeBackupStore('');
    const metrics = new FakeMetrics();
    store.putBackup(metadata(chat, '20261127-080000-aaaa'));
    store.putBackup(metadata(staging, '20261127-090000-cccc'));
    let down = false;
    const flaky: FakeBackupStore = Object.assign(Object.create(store) as FakeBackupStore, {
      newestComplete: (i: { namespace: string; name: string }) => (down && i.name === chat.name ? Promise.reject(new Error('503')) : store.newestComplete(i)),
    });
    const last = new LastGoodBackups(metrics, flaky);
    await last.refreshAll([chat, staging]);
    down = true;
    store.putBackup(metadata(staging, '20261127-100000-dddd'));
    expect(await last.refreshAll([chat, staging])).toEqual([chat]);
    expect(seriesOf(metrics, chat)).toBe(secondsOf('20261127-080000-aaaa'));
    expect(seriesOf(metrics, staging)).toBe(secondsOf('20261127-100000-dddd'));
  });
});

describe('LastGoodBackups for the backup-too-old rule', () => {
  it('answers the newest good backup (null: none in the store, undefined: not read) and tells each read', async () => {
    const store = new FakeBackupStore('');
    const last = new LastGoodBackups(new FakeMetrics(), store);
    const reads: string[] = [];
    const stop = last.onRead((i) => reads.push(`${i.namespace}/${i.name}`));
    store.putBackup(metadata(chat, '20261127-080000-aaaa'));
    expect(last.newestGood(chat)).toBeUndefined();
    await last.refreshAll([chat, staging]);
    expect([last.newestGood(chat), last.newestGood(staging)]).toEqual([new Date('2026-11-27T08:00:00Z'), null]);
    expect(reads).toEqual(['chat/mattermost', 'staging/mattermost-staging']);
    store.putBackup(metadata(staging, '20261127-090000-cccc'));
    stop();
    await last.refresh(staging);
    expect(last.newestGood(staging)).toEqual(new Date('2026-11-27T09:00:00Z'));
    expect(reads).toHaveLength(2);
    // Gone from the cluster, or leading ended: nothing known.
    await last.refreshAll([staging]);
    expect(last.newestGood(chat)).toBeUndefined();
    last.withdraw();
    expect(last.newestGood(staging)).toBeUndefined();
  });
});

describe("the leader's refresh", () => {
  it('reads every installation when it starts leading and every few minutes, and withdraws the series when leading ends', async () => {
    const clock = new FakeClock(new Date('2026-11-27T09:00:00Z'));
    const store = new FakeBackupStore('');
    const metrics = new FakeMetrics();
    store.putBackup(metadata(chat, '20261127-080000-aaaa'));
    let installations = [chat];
    const runnable = lastGoodBackupsRefresh({
      lastGood: new LastGoodBackups(metrics, store),
      installations: () => Promise.resolve(installations),
      clock,
      logger: silentLogger,
      everyMs: 5 * 60_000,
    });
    const abort = new AbortController();
    const running = runnable.start(abort.signal);
    await clock.advance(0);
    expect(seriesOf(metrics, chat)).toBe(secondsOf('20261127-080000-aaaa'));

    // A backup another replica ran, and a new installation with one: both at the next refresh, not before.
    store.putBackup(metadata(chat, '20261127-085500-dddd'));
    store.putBackup(metadata(staging, '20261127-085600-eeee'));
    installations = [chat, staging];
    await clock.advance(4 * 60_000);
    expect(seriesOf(metrics, chat)).toBe(secondsOf('20261127-080000-aaaa'));
    await clock.advance(60_000);
    expect([seriesOf(metrics, chat), seriesOf(metrics, staging)]).toEqual([secondsOf('20261127-085500-dddd'), secondsOf('20261127-085600-eeee')]);

    abort.abort();
    await running;
    expect([seriesOf(metrics, chat), seriesOf(metrics, staging)]).toEqual([undefined, undefined]);
    expect(clock.pending).toBe(0);
  });
});
