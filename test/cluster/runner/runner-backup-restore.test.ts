/**
 * The runner against the real peers, as a Job's pod runs it (`node src/cli.ts backup run` with only
 * the runner's environment): the sandbox Mattermost's own database, with a post written through
 * Mattermost just before; a private SeaweedFS; the sandbox apiserver for the restored database's
 * Secret. A backup, a restore into a new database (over what an earlier failed try left) and a
 * drill, each checked in the database, the store and the cluster.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BackupStore } from '../../../src/adapters/s3/s3-backup-store.ts';
import { createS3Client } from '../../../src/adapters/s3/s3-client.ts';
import { backupKeys, newBackupId, type BackupMetadata } from '../../../src/core/model/backup.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { MattermostRest } from '../../sandbox/mattermost-rest.ts';
import { createBucket, startSeaweedfs, stopSeaweedfs, type StartedSeaweedfs } from '../../sandbox/seaweedfs.ts';
import { allOutput, runRunner } from '../../support/runner-process.ts';
import { env, kubeConfig, testNamespace } from '../../support/sandbox.ts';

const bucket = 'backups';
const prefix = 'matterops/';
const id = newBackupId(new Date());
const restored = `runner_restore_${randomBytes(3).toString('hex')}`;
const scratch = `runner_drill_${randomBytes(3).toString('hex')}`;
const marker = `before the backup ${randomBytes(4).toString('hex')}`;

let dir = '';
let store: StartedSeaweedfs;
let s3: S3Client;
let namespace = '';
let postId = '';

/** One statement as the sandbox's superuser; rows as `|`-separated lines. */
function sql(database: string, statement: string): string {
  return execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-p', env('PORT_POSTGRES'), '-U', 'postgres', '-d', database, '-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', statement],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
    .toString()
    .trim();
}

/** The installation's DSN as the operator's secret holds it, with the parameter Mattermost's driver takes and libpq refuses. */
const dsn = (): string => `${env('PGURL')}&binary_parameters=yes`;
const password = (): string => decodeURIComponent(new URL(env('PGURL')).password);

function runnerEnv(over: Record<string, string> = {}): Record<string, string> {
  return {
    DB_CONNECTION_STRING: dsn(),
    AWS_ACCESS_KEY_ID: store.accessKeyId,
    AWS_SECRET_ACCESS_KEY: store.secretAccessKey,
    MATTEROPS_S3_ENDPOINT: store.endpoint,
    MATTEROPS_S3_BUCKET: bucket,
    MATTEROPS_S3_PREFIX: prefix,
    MATTEROPS_BACKUP_ID: id,
    MATTEROPS_INSTALLATION: `${namespace}/mattermost`,
    MATTEROPS_REQUESTED_BY: 'alice',
    MATTEROPS_NOTE: 'before upgrade',
    ...over,
  };
}

const restoreEnv = (database: string): Record<string, string> =>
  runnerEnv({
    DB_ADMIN_CONNECTION_STRING: `postgres://postgres@127.0.0.1:${env('PORT_POSTGRES')}/postgres?sslmode=disable`,
    MATTEROPS_TARGET_DATABASE: database,
  });

const catalog = () => createS3BackupStore(s3, { bucket, prefix }, silentLogger).list({ namespace, name: 'mattermost' });

async function sha256Of(key: string): Promise<{ sha256: string; size: number }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await object.Body!.transformToByteArray();
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-store-'));
  store = await startSeaweedfs({ dir, logDir: dir, name: 'seaweedfs-runner-backup' });
  await createBucket(store, bucket);
  s3 = createS3Client({ ...store, bucket, prefix });
  namespace = await testNamespace('runner');
  const alice = new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
  postId = (await alice.call<{ id: string }>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: marker })).id;
});

afterAll(async () => {
  for (const database of [restored, scratch]) if (namespace) sql('postgres', `DROP DATABASE IF EXISTS "${database}"`);
  s3?.destroy();
  if (store) await stopSeaweedfs(store);
  rmSync(dir, { recursive: true, force: true });
});

describe('the backup runner on the sandbox Mattermost database', () => {
  let metadata: BackupMetadata;

  it('backs it up: the dump in the store, its metadata beside it, no secret in any output', async () => {
    const run = await runRunner('backup', runnerEnv());
    expect(run.code).toBe(0);
    const keys = backupKeys(prefix, { namespace, name: 'mattermost' }, id);
    expect(run.result).toMatchObject({ ok: true, operation: 'backup', backupId: id, location: `s3://${bucket}/${keys.dump}` });
    expect(run.stdout).toMatch(new RegExp(`^backup ${id} done: .* s3://${bucket}/${keys.dump}\\n$`));
    expect(run.stderr).toContain('left out DSN parameters that pg_dump does not take: binary_parameters');
    expect(allOutput(run)).not.toContain(password());

    const [backup] = await catalog();
    metadata = backup!.metadata!;
    const stored = await sha256Of(keys.dump);
    expect(metadata).toMatchObject({
      id,
      installation: { namespace, name: 'mattermost' },
      dumpKey: keys.dump,
      sizeBytes: stored.size,
      sha256: stored.sha256,
      requestedBy: 'alice',
      note: 'before upgrade',
    });
    expect(backup?.dump?.sizeBytes).toBe(stored.size);
    expect(metadata.pgVersion).toMatch(/^15\.\d+/);
    expect(Object.keys(metadata.rowCounts).sort()).toEqual(['channels', 'posts', 'teams', 'users']);
    expect(metadata.rowCounts.posts).toBeGreaterThan(0);
    expect(run.result).toMatchObject({ sizeBytes: stored.size, sha256: stored.sha256, rowCounts: metadata.rowCounts });
  });

  it('reports a backup that had finished when its Job runs again, and leaves the dump as it was', async () => {
    const key = backupKeys(prefix, { namespace, name: 'mattermost' }, id).dump;
    const before = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const run = await runRunner('backup', runnerEnv());
    expect(run.result).toMatchObject({ ok: true, sha256: metadata.sha256, sizeBytes: metadata.sizeBytes });
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag).toBe(before.ETag);
  });

  it('restores it into a new database owned by the installation role, over what an earlier try left, and writes the Secret', async () => {
    sql('postgres', `CREATE DATABASE "${restored}" OWNER mmuser`);
    sql(restored, 'CREATE TABLE left_by_an_earlier_try (id int)');
    const run = await runRunner('restore', { ...restoreEnv(restored), MATTEROPS_TARGET_SECRET: 'mattermost-restored', KUBECONFIG: env('KUBECONFIG') });
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ ok: true, operation: 'restore', database: restored, secret: 'mattermost-restored', rowCounts: metadata.rowCounts });
    expect(allOutput(run)).not.toContain(password());

    expect(sql(restored, `SELECT message FROM posts WHERE id = '${postId}'`)).toBe(marker);
    expect(Number(sql(restored, 'SELECT count(*) FROM posts'))).toBe(metadata.rowCounts.posts);
    expect(sql(restored, `SELECT to_regclass('left_by_an_earlier_try') IS NULL`)).toBe('t');
    expect(sql('postgres', `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${restored}'`)).toBe('mmuser');
    expect(sql(restored, `SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'`)).toBe('mmuser');

    const secret = await kubeConfig().makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name: 'mattermost-restored' });
    const written = Buffer.from(secret.data?.DB_CONNECTION_STRING ?? '', 'base64').toString();
    expect(written).toBe(dsn().replace('/mattermost?', `/${restored}?`));
    expect(secret.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'matterops', 'matterops.io/backup-id': id });
    // Mattermost reaches the restored post through the Secret (psql takes the URL without Go's own parameter).
    const url = written.replace('&binary_parameters=yes', '');
    expect(
      execFileSync('psql', [url, '-X', '-qAt', '-c', `SELECT message FROM posts WHERE id = '${postId}'`])
        .toString()
        .trim(),
    ).toBe(marker);
  });

  it('drills it: restored into a scratch database, verified, the database dropped, verified.json written', async () => {
    const run = await runRunner('drill', restoreEnv(scratch));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ ok: true, operation: 'drill', database: scratch, rowCounts: metadata.rowCounts });
    expect(sql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${scratch}'`)).toBe('0');
    const [backup] = await catalog();
    expect(backup?.verification).toMatchObject({ backupId: id, drillId: scratch, rowCounts: metadata.rowCounts });
  });
});
