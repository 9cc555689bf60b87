/**
 * The backup benchmark's own PostgreSQL and SeaweedFS in a temporary directory, never the shared
 * sandbox's: a gigabyte of generated posts has no place in the database the sandbox Mattermost
 * uses, and other work on the machine must not see its store fill up.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/sandbox/ports.ts';
import { createDatabase, psql, startPostgres, stopPostgres, type Postgres } from '../test/sandbox/postgres.ts';
import { createBucket, startSeaweedfs, stopSeaweedfs, type StartedSeaweedfs } from '../test/sandbox/seaweedfs.ts';

export interface BackupPeers {
  dir: string;
  pg: Postgres;
  store: StartedSeaweedfs;
  bucket: string;
  /** The installation's database and its role, as the operator's database secret names them. */
  database: string;
  role: string;
  /** The DSN as Mattermost's secret holds it (trust auth: no password to keep out of anything). */
  dsn: string;
  stop(): Promise<void>;
}

export async function startBackupPeers(): Promise<BackupPeers> {
  const dir = mkdtempSync(join(tmpdir(), 'backup-bench-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  let pg: Postgres | undefined;
  let store: StartedSeaweedfs | undefined;
  const stop = async (): Promise<void> => {
    if (store) await stopSeaweedfs(store);
    if (pg) stopPostgres(pg);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    pg = startPostgres(join(dir, 'pg'), await freePort());
    psql(pg, 'CREATE ROLE mmuser LOGIN');
    createDatabase(pg, 'mattermost', 'mmuser');
    // Its 100 volumes of 64 MB hold every dump of a run (a deleted dump's space comes back only
    // when weed vacuums): about 15 rounds at 1 GiB.
    store = await startSeaweedfs({ dir: join(dir, 's3'), logDir: dir, name: 'seaweedfs-backup-bench' });
    const bucket = 'bench-backups';
    await createBucket(store, bucket);
    const dsn = `postgres://mmuser@127.0.0.1:${pg.port}/mattermost?sslmode=disable&connect_timeout=10&binary_parameters=yes`;
    return { dir, pg, store, bucket, database: 'mattermost', role: 'mmuser', dsn, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
