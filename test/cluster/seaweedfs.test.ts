/**
 * The S3 peer the backups go to: a private SeaweedFS started by test/sandbox/seaweedfs.ts keeps
 * what is put in it, and refuses keys it was not given.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucket, s3Client, startSeaweedfs, stopSeaweedfs, type StartedSeaweedfs } from '../sandbox/seaweedfs.ts';

describe('SeaweedFS (real peer)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matterops-seaweedfs-test-'));
  let store: StartedSeaweedfs;

  beforeAll(async () => {
    store = await startSeaweedfs({ dir, logDir: dir, name: 'seaweedfs-test' });
  });
  afterAll(async () => {
    if (store) await stopSeaweedfs(store);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the identities file to its owner', () => {
    expect(statSync(join(dir, 'identities.json')).mode & 0o777).toBe(0o600);
  });

  it('creates a bucket and gives back the object put in it', async () => {
    await createBucket(store, 'matterops-backups');
    const client = s3Client(store);
    const body = `dump ${Date.now()}\n`.repeat(1000);
    await client.send(new PutObjectCommand({ Bucket: 'matterops-backups', Key: 'chat/mattermost/one.dump', Body: body }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'matterops-backups', Key: 'chat/mattermost/one.dump' }));
    expect(await got.Body?.transformToString()).toBe(body);
    const buckets = await client.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toContain('matterops-backups');
    client.destroy();
  });

  it('refuses keys it was not given', async () => {
    const stranger = s3Client({ ...store, secretAccessKey: 'not-the-secret' });
    await expect(stranger.send(new ListBucketsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    stranger.destroy();
  });
});
