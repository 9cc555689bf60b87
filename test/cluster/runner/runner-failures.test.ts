/**
 * How the runner fails, against a private PostgreSQL that checks passwords and a private SeaweedFS
 * the tests may stop: wrong credentials said clearly with the password in no output; a dump whose
 * sha256 does not match refused before any database exists; a restore that does not verify leaves
 * no database; pg_dump dying half-way or the store going away mid-upload leave nothing the catalog
 * would show as good.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BackupStore } from '../../../src/adapters/s3/s3-backup-store.ts';
import { createS3Client } from '../../../src/adapters/s3/s3-client.ts';
import { backupKeys, newBackupId } from '../../../src/core/model/backup.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { freePort } from '../../sandbox/ports.ts';
import { psql, stopPostgres, type Postgres } from '../../sandbox/postgres.ts';
import { stopProcess } from '../../sandbox/processes.ts';
import { waitFor } from '../../sandbox/wait.ts';
import { createBucket, startSeaweedfs, stopSeaweedfs, type StartedSeaweedfs } from '../../sandbox/seaweedfs.ts';
import { dsn, startPasswordPostgres } from '../../support/password-postgres.ts';
import { allOutput, runRunner, startRunner } from '../../support/runner-process.ts';

const bucket = 'backups';
const prefix = '';
const mmPassword = `mm-${randomBytes(8).toString('hex')}`;
const adminPassword = `adm-${randomBytes(8).toString('hex')}`;
const installation = { namespace: 'chat', name: 'mattermost' };

let dir = '';
let pg: Postgres;
let store: StartedSeaweedfs;
let s3: S3Client;

function connectStore(): void {
  s3?.destroy();
  s3 = createS3Client({ ...store, bucket, prefix });
}

const catalog = () => createS3BackupStore(s3, { bucket, prefix }, silentLogger).list(installation);
const databaseExists = (name: string): boolean => psql(pg, `SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '1';

function runnerEnv(id: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    DB_CONNECTION_STRING: dsn(pg, 'mmuser', mmPassword, 'mm'),
    DB_ADMIN_CONNECTION_STRING: dsn(pg, 'matterops_admin', adminPassword, 'postgres'),
    AWS_ACCESS_KEY_ID: store.accessKeyId,
    AWS_SECRET_ACCESS_KEY: store.secretAccessKey,
    MATTEROPS_S3_ENDPOINT: store.endpoint,
    MATTEROPS_S3_BUCKET: bucket,
    MATTEROPS_BACKUP_ID: id,
    MATTEROPS_INSTALLATION: `${installation.namespace}/${installation.name}`,
    MATTEROPS_REQUESTED_BY: 'alice',
    ...over,
  };
}

/** A good backup of the small database, for the restore cases. */
async function goodBackup(): Promise<string> {
  const id = newBackupId(new Date());
  const run = await runRunner('backup', runnerEnv(id));
  expect(run.result).toMatchObject({ ok: true });
  return id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-failures-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  pg = startPasswordPostgres(join(dir, 'pg'), await freePort());
  psql(pg, `CREATE ROLE mmuser LOGIN PASSWORD '${mmPassword}'`);
  // The least a restore needs: create databases, and own them as the installation's role.
  psql(pg, `CREATE ROLE matterops_admin LOGIN CREATEDB PASSWORD '${adminPassword}'`);
  psql(pg, 'GRANT mmuser TO matterops_admin');
  for (const db of ['mm', 'big']) psql(pg, `CREATE DATABASE ${db} OWNER mmuser`);
  psql(
    pg,
    'SET ROLE mmuser; CREATE TABLE posts (id text PRIMARY KEY, message text); CREATE TABLE users (id text); CREATE TABLE channels (id text); CREATE TABLE teams (id text)',
    'mm',
  );
  psql(
    pg,
    "SET ROLE mmuser; CREATE TABLE db_migrations (version bigint, name text); INSERT INTO db_migrations VALUES (121, 'latest'); CREATE TABLE systems (name text, value text)",
    'mm',
  );
  psql(pg, "SET ROLE mmuser; INSERT INTO posts VALUES ('p1', 'hello'), ('p2', 'again'); INSERT INTO users VALUES ('u1')", 'mm');
  // ~50 MB of incompressible rows: a dump that takes several parts and a few seconds to upload.
  psql(pg, 'SET ROLE mmuser; CREATE TABLE filler (id int, data bytea)', 'big');
  psql(
    pg,
    "SET ROLE mmuser; INSERT INTO filler SELECT g, decode(string_agg(md5(g::text || ':' || i::text || random()::text), ''), 'hex') FROM generate_series(1, 50000) g, generate_series(1, 64) i GROUP BY g",
    'big',
  );
  store = await startSeaweedfs({ dir: join(dir, 'store'), logDir: dir, name: 'seaweedfs-runner-failures' });
  await createBucket(store, bucket);
  connectStore();
}, 180_000);

afterAll(async () => {
  s3?.destroy();
  if (store) await stopSeaweedfs(store);
  if (pg) stopPostgres(pg);
  rmSync(dir, { recursive: true, force: true });
});

describe('the runner failing', () => {
  it('says which variable is missing, at stage config', async () => {
    const env = runnerEnv(newBackupId(new Date()));
    delete env.MATTEROPS_S3_BUCKET;
    const run = await runRunner('backup', env);
    expect(run.code).toBe(1);
    expect(run.result).toEqual({ ok: false, operation: 'backup', stage: 'config', error: 'MATTEROPS_S3_BUCKET is not set' });
    expect(run.stdout).toBe('backup failed at config: MATTEROPS_S3_BUCKET is not set\n');
  });

  it('says wrong database credentials clearly, with the password in no output, and stores nothing', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const id = newBackupId(new Date());
    const run = await runRunner('backup', runnerEnv(id, { DB_CONNECTION_STRING: dsn(pg, 'mmuser', wrong, 'mm') }));
    expect(run.code).toBe(1);
    expect(run.result).toEqual({
      ok: false,
      operation: 'backup',
      stage: 'connect',
      error: 'cannot connect to the database: password authentication failed for user "mmuser"',
    });
    for (const secret of [wrong, mmPassword, adminPassword, store.secretAccessKey]) expect(allOutput(run)).not.toContain(secret);
    expect((await catalog()).find((b) => b.id === id)).toBeUndefined();
  });

  it('refuses a restore whose dump does not match its sha256, before any database exists', async () => {
    const id = await goodBackup();
    const keys = backupKeys(prefix, installation, id);
    const dump = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys.dump }))).Body!.transformToByteArray();
    const at = dump.length - 10;
    dump[at] = (dump[at] ?? 0) ^ 0xff; // one flipped byte, same size
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.dump, Body: dump }));
    const target = `restore_${randomBytes(3).toString('hex')}`;
    const run = await runRunner(
      'restore',
      runnerEnv(id, { MATTEROPS_TARGET_DATABASE: target, MATTEROPS_TARGET_SECRET: 'mm-restored', KUBECONFIG: '/nonexistent' }),
    );
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ ok: false, operation: 'restore', stage: 'checksum' });
    expect(run.result?.ok === false && run.result.error).toContain('does not match its metadata');
    expect(databaseExists(target)).toBe(false);
  });

  it('drops the database of a restore or drill that does not verify, and marks nothing verified', async () => {
    const id = await goodBackup();
    const keys = backupKeys(prefix, installation, id);
    const metadata = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys.metadata }))).Body!.transformToString());
    metadata.rowCounts.posts += 1; // the dump no longer holds what its metadata says
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.metadata, Body: JSON.stringify(metadata) }));
    for (const operation of ['restore', 'drill'] as const) {
      const target = `${operation}_${randomBytes(3).toString('hex')}`;
      const run = await runRunner(
        operation,
        runnerEnv(id, { MATTEROPS_TARGET_DATABASE: target, MATTEROPS_TARGET_SECRET: 'mm-restored', KUBECONFIG: '/nonexistent' }),
      );
      expect(run.result).toEqual({
        ok: false,
        operation,
        stage: 'verify',
        error: 'the restored database differs from the backup: posts 2 restored, 3 in the backup',
      });
      expect(databaseExists(target)).toBe(false);
    }
    expect((await catalog()).find((b) => b.id === id)?.verification).toBeUndefined();
  });

  it('restores as the least-privileged admin into a database the installation role owns', async () => {
    const id = await goodBackup();
    const target = `drill_${randomBytes(3).toString('hex')}`;
    const run = await runRunner('drill', runnerEnv(id, { MATTEROPS_TARGET_DATABASE: target }));
    expect(run.result).toMatchObject({ ok: true, operation: 'drill', database: target, rowCounts: { posts: 2, users: 1, channels: 0, teams: 0 } });
    expect(databaseExists(target)).toBe(false);
    expect((await catalog()).find((b) => b.id === id)?.verification?.backupId).toBe(id);
  });

  it('aborts the upload when pg_dump dies half-way: no dump object, no metadata', async () => {
    const id = newBackupId(new Date());
    const running = startRunner('backup', runnerEnv(id, { DB_CONNECTION_STRING: dsn(pg, 'mmuser', mmPassword, 'big') }));
    // pg_dump's connection, once it copies rows: end it from the server, as a failover would.
    let killed = '';
    for (let i = 0; i < 400 && !killed; i++) {
      killed = psql(pg, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'matterops-backup' AND query LIKE 'COPY%'");
      if (!killed) await sleep(25);
    }
    expect(killed).toBe('t');
    const run = await running.done;
    expect(run.result).toMatchObject({ ok: false, operation: 'backup', stage: 'dump' });
    const [backup] = (await catalog()).filter((b) => b.id === id);
    expect(backup).toBeUndefined();
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: backupKeys(prefix, installation, id).dir }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it('fails cleanly when the store goes away mid-upload, and the store shows nothing good once it is back', async () => {
    const id = newBackupId(new Date());
    const keys = backupKeys(prefix, installation, id);
    const running = startRunner('backup', runnerEnv(id, { DB_CONNECTION_STRING: dsn(pg, 'mmuser', mmPassword, 'big') }));
    let uploading = false;
    for (let i = 0; i < 600 && !uploading; i++) {
      uploading = ((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: keys.dump }))).Uploads ?? []).length > 0;
      if (!uploading) await sleep(20);
    }
    expect(uploading).toBe(true);
    await stopProcess(store.process.pid, 'SIGKILL');
    const run = await running.done;
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ ok: false, operation: 'backup', stage: 'upload' });
    expect(run.result?.ok === false && run.result.error).toContain(`could not store the dump at s3://${bucket}/${keys.dump}`);
    expect(allOutput(run)).not.toContain(store.secretAccessKey);

    store = await startSeaweedfs({ dir: join(dir, 'store'), logDir: dir, name: 'seaweedfs-runner-failures' });
    connectStore();
    // The restarted store answers S3 before its volume server has registered again: list once it serves.
    const listed = await waitFor(() => catalog(), { what: 'the restarted store serving the catalog', log: store.process.log });
    const backup = listed.find((b) => b.id === id);
    expect(backup?.metadata).toBeUndefined();
    expect(backup?.dump).toBeUndefined();
  });
});
