/**
 * A private PostgreSQL that checks passwords (scram-sha-256) for every role but the superuser, as a
 * real server does: the sandbox's trusts everyone, so a wrong password would pass there. The
 * superuser stays trusted on loopback for the test's own setup (test/sandbox/postgres.ts psql).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { psql, startPostgres, type Postgres } from '../sandbox/postgres.ts';

export function startPasswordPostgres(root: string, port: number): Postgres {
  const pg = startPostgres(root, port);
  writeFileSync(
    join(pg.dataDir, 'pg_hba.conf'),
    ['local all postgres trust', 'host all postgres 127.0.0.1/32 trust', 'host all all 127.0.0.1/32 scram-sha-256', ''].join('\n'),
  );
  psql(pg, 'SELECT pg_reload_conf()');
  return pg;
}

/** A DSN as the operator's database secret holds it, Mattermost's own parameters included. */
export function dsn(pg: Postgres, user: string, password: string, database: string): string {
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${pg.port}/${database}?sslmode=disable&connect_timeout=10&binary_parameters=yes`;
}
