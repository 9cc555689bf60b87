/**
 * The S3 BackupStore on a real SeaweedFS: the BackupStore contract, and what it logs about an
 * object it cannot read (its key, never its content).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BackupStore } from '../../../src/adapters/s3/s3-backup-store.ts';
import { createS3Client } from '../../../src/adapters/s3/s3-client.ts';
import { backupKeys } from '../../../src/core/model/backup.ts';
import { silentLogger, type Logger } from '../../../src/core/ports/logger.ts';
import { createBucket, startSeaweedfs, stopSeaweedfs, type StartedSeaweedfs } from '../../sandbox/seaweedfs.ts';
import { backupStoreContract } from '../../contract/backup-store.contract.ts';

const bucket = 'catalog';
const prefix = `p${randomBytes(3).toString('hex')}/`;
let dir = '';
let store: StartedSeaweedfs;
let s3: S3Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3-backup-store-'));
  store = await startSeaweedfs({ dir, logDir: dir, name: 'seaweedfs-backup-store' });
  await createBucket(store, bucket);
  s3 = createS3Client({ ...store, bucket, prefix });
});

afterAll(async () => {
  s3?.destroy();
  if (store) await stopSeaweedfs(store);
  rmSync(dir, { recursive: true, force: true });
});

const plant = async (key: string, body: string | Uint8Array): Promise<void> => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
};

backupStoreContract('S3 on a real SeaweedFS', () => ({
  store: createS3BackupStore(s3, { bucket, prefix }, silentLogger),
  prefix,
  plant,
  exists: async (key) =>
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      () => false,
    ),
}));

describe('the S3 BackupStore', () => {
  it('is at s3://bucket/prefix', () => {
    expect(createS3BackupStore(s3, { bucket, prefix }, silentLogger).location).toBe(`s3://${bucket}/${prefix}`);
  });

  it('logs an unreadable metadata object by key, without its content', async () => {
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const logger: Logger = { info: () => undefined, error: () => undefined, warn: (fields, message) => lines.push({ fields, message }) };
    const installation = { namespace: 'chat', name: `mm-${randomBytes(3).toString('hex')}` };
    const keys = backupKeys(prefix, installation, '20261201-231800-a1b2');
    await plant(keys.metadata, '{"password":"hunter2-in-a-broken-object"');
    expect(await createS3BackupStore(s3, { bucket, prefix }, logger).list(installation)).toEqual([
      { id: '20261201-231800-a1b2', dump: undefined, metadata: undefined, verification: undefined },
    ]);
    expect(lines).toEqual([{ fields: { key: keys.metadata, backupId: '20261201-231800-a1b2' }, message: 'backup object is not valid: counted as absent' }]);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('fails the listing, not silently, when the store refuses its credentials', async () => {
    const wrong = createS3Client({ ...store, secretAccessKey: 'not-the-key', bucket, prefix });
    await expect(createS3BackupStore(wrong, { bucket, prefix }, silentLogger).list({ namespace: 'chat', name: 'mattermost' })).rejects.toThrow();
    wrong.destroy();
  });
});
