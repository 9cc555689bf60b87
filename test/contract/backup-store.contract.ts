/**
 * What every BackupStore promises (issue 11, the catalog), run against the S3 adapter on a real
 * SeaweedFS (test/cluster/runner/s3-backup-store.test.ts) and the in-memory fake
 * (test/unit/fake-backup-store.test.ts). Each test uses an installation of its own, so the real run
 * can share one bucket and prefix.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backupKeys, type BackupMetadata, type BackupVerification } from '../../src/core/model/backup.ts';
import type { BackupStore } from '../../src/core/ports/backup-store.ts';

export interface BackupStoreUnderTest {
  store: BackupStore;
  /** The prefix the store was built with. */
  prefix: string;
  /** Writes an object past the store, as the runner (or a hand edit) does. */
  plant: (key: string, body: string | Uint8Array) => Promise<void>;
  /** Whether an object is there, asked past the store. */
  exists: (key: string) => Promise<boolean>;
}

const fresh = (): { namespace: string; name: string } => ({ namespace: 'chat', name: `mm-${randomBytes(4).toString('hex')}` });

export function sampleMetadata(
  installation: { namespace: string; name: string },
  id: string,
  prefix: string,
  over: Partial<BackupMetadata> = {},
): BackupMetadata {
  return {
    format: 'matterops-backup/v1',
    id,
    installation,
    dumpKey: backupKeys(prefix, installation, id).dump,
    startedAt: '2026-12-01T23:18:00.000Z',
    finishedAt: '2026-12-01T23:18:04.000Z',
    sizeBytes: 5,
    sha256: 'a'.repeat(64),
    pgVersion: '15.18',
    rowCounts: { posts: 3, users: 2, channels: 1, teams: 1 },
    requestedBy: 'alice',
    note: 'before upgrade',
    ...over,
  };
}

export function sampleVerification(id: string): BackupVerification {
  return { format: 'matterops-verification/v1', backupId: id, verifiedAt: '2026-12-02T01:00:00.000Z', drillId: 'drill-1', rowCounts: { posts: 3 } };
}

export function backupStoreContract(label: string, make: () => BackupStoreUnderTest): void {
  describe(`BackupStore contract: ${label}`, () => {
    /** A dump, and its metadata unless told otherwise. */
    async function putBackup(t: BackupStoreUnderTest, installation: { namespace: string; name: string }, id: string, parts = { dump: true, metadata: true }) {
      const keys = backupKeys(t.prefix, installation, id);
      if (parts.dump) await t.plant(keys.dump, 'PGDMP');
      if (parts.metadata) await t.plant(keys.metadata, JSON.stringify(sampleMetadata(installation, id, t.prefix)));
      return keys;
    }

    it('names its prefix, and its location ends with it', () => {
      const t = make();
      expect(t.store.prefix).toBe(t.prefix);
      expect(t.store.location.endsWith(t.prefix)).toBe(true);
    });

    it('lists nothing for an installation without backups', async () => {
      expect(await make().store.list(fresh())).toEqual([]);
    });

    it('lists a good backup with its dump size from the store and its metadata', async () => {
      const t = make();
      const installation = fresh();
      const keys = await putBackup(t, installation, '20261201-231800-a1b2');
      expect(await t.store.list(installation)).toEqual([
        {
          id: '20261201-231800-a1b2',
          dump: { key: keys.dump, sizeBytes: 5 },
          metadata: sampleMetadata(installation, '20261201-231800-a1b2', t.prefix),
          verification: undefined,
        },
      ]);
    });

    it('lists a verification a drill wrote', async () => {
      const t = make();
      const installation = fresh();
      const keys = await putBackup(t, installation, '20261201-231800-a1b2');
      await t.plant(keys.verification, JSON.stringify(sampleVerification('20261201-231800-a1b2')));
      const [backup] = await t.store.list(installation);
      expect(backup?.verification).toEqual(sampleVerification('20261201-231800-a1b2'));
    });

    it('shows an interrupted backup (a dump without metadata) as such, and a backup whose dump is gone without a dump', async () => {
      const t = make();
      const installation = fresh();
      await putBackup(t, installation, '20261201-231800-0001', { dump: true, metadata: false });
      await putBackup(t, installation, '20261201-231800-0002', { dump: false, metadata: true });
      const byId = Object.fromEntries((await t.store.list(installation)).map((b) => [b.id, b]));
      expect(byId['20261201-231800-0001']).toMatchObject({ dump: { sizeBytes: 5 }, metadata: undefined });
      expect(byId['20261201-231800-0002']).toMatchObject({ dump: undefined, metadata: { id: '20261201-231800-0002' } });
    });

    it('counts metadata that is not JSON, does not match its schema, or names another backup as absent', async () => {
      const t = make();
      const installation = fresh();
      const ids = ['20261201-231800-0001', '20261201-231800-0002', '20261201-231800-0003'];
      const bodies = [
        '{not json',
        JSON.stringify({ ...sampleMetadata(installation, ids[1]!, t.prefix), sha256: 'short' }),
        JSON.stringify(sampleMetadata(installation, ids[0]!, t.prefix)),
      ];
      for (const [i, id] of ids.entries()) {
        const keys = await putBackup(t, installation, id, { dump: true, metadata: false });
        await t.plant(keys.metadata, bodies[i]!);
        await t.plant(keys.verification, JSON.stringify(sampleVerification(ids[(i + 1) % 3]!)));
      }
      const listed = await t.store.list(installation);
      expect(listed.map((b) => b.id).sort()).toEqual(ids);
      for (const backup of listed) expect(backup).toMatchObject({ dump: { sizeBytes: 5 }, metadata: undefined, verification: undefined });
    });

    it('keeps to the installation: not a sibling whose name starts the same, not another namespace, not objects outside backup folders', async () => {
      const t = make();
      const installation = fresh();
      await putBackup(t, installation, '20261201-231800-a1b2');
      await putBackup(t, { ...installation, name: `${installation.name}-staging` }, '20261201-231800-0003');
      await putBackup(t, { ...installation, namespace: 'staging' }, '20261201-231800-0004');
      await t.plant(`${t.prefix}${installation.namespace}/${installation.name}/README`, 'notes');
      await t.plant(`${t.prefix}${installation.namespace}/${installation.name}/not-a-backup/dump.pgcustom`, 'PGDMP');
      expect((await t.store.list(installation)).map((b) => b.id)).toEqual(['20261201-231800-a1b2']);
    });

    it('names the newest complete backup from the listing alone: a newer one without metadata or without its dump does not count', async () => {
      const t = make();
      const installation = fresh();
      expect(await t.store.newestComplete(installation)).toBeUndefined();
      await putBackup(t, installation, '20261201-231800-0001');
      await putBackup(t, installation, '20261202-231800-0002');
      await putBackup(t, installation, '20261203-231800-0003', { dump: true, metadata: false });
      await putBackup(t, installation, '20261204-231800-0004', { dump: false, metadata: true });
      expect(await t.store.newestComplete(installation)).toBe('20261202-231800-0002');
    });

    it('lists every one of many backups', async () => {
      const t = make();
      const installation = fresh();
      const ids = Array.from({ length: 25 }, (_, i) => `20261201-2318${String(i).padStart(2, '0')}-beef`);
      await Promise.all(ids.map((id) => putBackup(t, installation, id)));
      const listed = await t.store.list(installation);
      expect(listed.map((b) => b.id).sort()).toEqual(ids);
      expect(listed.every((b) => b.metadata?.id === b.id && b.dump?.sizeBytes === 5)).toBe(true);
    });

    it('removes every object of a backup and nothing of another; removing what is gone is fine', async () => {
      const t = make();
      const installation = fresh();
      const gone = await putBackup(t, installation, '20261201-231800-0001');
      await t.plant(gone.verification, JSON.stringify(sampleVerification('20261201-231800-0001')));
      await t.plant(`${gone.dir}dump.pgcustom.part`, 'left by hand');
      const kept = await putBackup(t, installation, '20261201-231800-0002');
      await t.store.remove(installation, '20261201-231800-0001');
      expect((await t.store.list(installation)).map((b) => b.id)).toEqual(['20261201-231800-0002']);
      for (const key of [gone.dump, gone.metadata, gone.verification, `${gone.dir}dump.pgcustom.part`]) expect(await t.exists(key)).toBe(false);
      for (const key of [kept.dump, kept.metadata]) expect(await t.exists(key)).toBe(true);
      await t.store.remove(installation, '20261201-231800-0001');
      await t.store.remove(fresh(), '20261201-231800-0009');
    });
  });
}
