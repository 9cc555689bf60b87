/**
 * A private PostgreSQL 15 cluster (never the system service). initdb refuses root, so when we are
 * root the cluster runs as the `postgres` user (../shared/reference/real-peers.md, section 6).
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { postgresBin } from './paths.ts';

export interface Postgres {
  port: number;
  dataDir: string;
  socketDir: string;
  /** The unix user that owns the cluster; `pg_ctl stop` must run as it. */
  uid?: number;
  gid?: number;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) };
  } catch {
    throw new Error('running as root but there is no postgres user: install postgresql-15 (make peers)');
  }
}

export function startPostgres(root: string, port: number): Postgres {
  const owner = postgresUser();
  const pg: Postgres = { port, dataDir: join(root, 'data'), socketDir: root, ...owner };
  mkdirSync(root, { recursive: true });
  if (owner) chownSync(root, owner.uid, owner.gid);
  const asOwner: ExecFileSyncOptions = { uid: owner?.uid, gid: owner?.gid, stdio: ['ignore', 'pipe', 'pipe'] };
  execFileSync(postgresBin('initdb'), ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], asOwner);
  execFileSync(
    postgresBin('pg_ctl'),
    [
      '-D',
      pg.dataDir,
      '-l',
      join(root, 'postgres.log'),
      '-w',
      'start',
      '-o',
      // max_connections above Mattermost's MaxOpenConns (300 by default) and the rest (runners, tests):
      // at PostgreSQL's default 100, the load test's 100 commands at once on a loaded machine made
      // Mattermost answer 500 ("error finding the team") when it could open no more connections.
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`,
    ],
    asOwner,
  );
  return pg;
}

/** Runs SQL as the superuser; one statement per call (CREATE DATABASE cannot share a transaction). */
export function psql(pg: Postgres, sql: string, database = 'postgres'): string {
  return execFileSync('psql', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .toString()
    .trim();
}

export function createDatabase(pg: Postgres, name: string, owner: string): void {
  psql(pg, `CREATE DATABASE "${name}" OWNER "${owner}"`);
}

export function stopPostgres(pg: Postgres): void {
  execFileSync(postgresBin('pg_ctl'), ['-D', pg.dataDir, '-m', 'fast', '-w', 'stop'], { uid: pg.uid, gid: pg.gid, stdio: 'ignore' });
}
