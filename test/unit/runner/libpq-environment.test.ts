/** The DSN cleaned for pg_dump: PG* variables, never argv; what libpq rejects left out by name. */
import { describe, expect, it } from 'vitest';
import { dbnameArgument, libpqConnection } from '../../../src/runner/libpq-environment.ts';
import { parsePostgresUrl } from '../../../src/runner/postgres-url.ts';

const mattermostDsn = 'postgres://mmuser:s3cret@db.chat:5432/mattermost?sslmode=disable&connect_timeout=10&binary_parameters=yes';

describe('libpqConnection', () => {
  it('passes the connection as PG* variables, the runner naming itself', () => {
    const connection = libpqConnection(parsePostgresUrl(mattermostDsn).params, 'matterops-backup');
    expect(connection.env).toEqual({
      PGUSER: 'mmuser',
      PGPASSWORD: 's3cret',
      PGHOST: 'db.chat',
      PGPORT: '5432',
      PGDATABASE: 'mattermost',
      PGSSLMODE: 'disable',
      PGCONNECT_TIMEOUT: '10',
      PGAPPNAME: 'matterops-backup',
    });
    expect(dbnameArgument(connection)).toEqual([]);
  });

  it('drops binary_parameters and every parameter libpq does not know, naming them', () => {
    const connection = libpqConnection(
      { ...parsePostgresUrl(mattermostDsn).params, search_path: 'x', statement_cache_capacity: '0', replication: 'true' },
      'm',
    );
    expect(connection.dropped).toEqual(['binary_parameters', 'replication', 'search_path', 'statement_cache_capacity']);
    expect(Object.keys(connection.env).join()).not.toMatch(/BINARY|SEARCH|STATEMENT|REPLICATION/);
  });

  it('gives keywords without a variable as a conninfo --dbname, never the password', () => {
    const connection = libpqConnection({ password: 's3cret', keepalives_idle: '30', tcp_user_timeout: "10'0" }, 'm');
    expect(dbnameArgument(connection)).toEqual([String.raw`--dbname=keepalives_idle='30' tcp_user_timeout='10\'0'`]);
    expect(dbnameArgument(connection, 'restored')).toEqual([String.raw`--dbname=keepalives_idle='30' tcp_user_timeout='10\'0' dbname='restored'`]);
    expect(dbnameArgument(libpqConnection({ password: 's3cret' }, 'm'), 'restored')).toEqual([`--dbname=dbname='restored'`]);
  });

  it('keeps a connect timeout of 10 s unless the DSN sets one', () => {
    expect(libpqConnection({}, 'm').env.PGCONNECT_TIMEOUT).toBe('10');
    expect(libpqConnection({ connect_timeout: '3' }, 'm').env.PGCONNECT_TIMEOUT).toBe('3');
  });
});
