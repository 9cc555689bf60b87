/** The DSN as Mattermost writes it, read as libpq reads it, and rewritten with only the database replaced. */
import { describe, expect, it } from 'vitest';
import { InvalidPostgresUrl, parsePostgresUrl, withDatabase } from '../../../src/runner/postgres-url.ts';

describe('parsePostgresUrl', () => {
  it('reads user, password, host, port, database and parameters', () => {
    expect(parsePostgresUrl('postgres://mmuser:s3cret@db.chat:5432/mattermost?sslmode=disable&connect_timeout=10&binary_parameters=yes').params).toEqual({
      user: 'mmuser',
      password: 's3cret',
      host: 'db.chat',
      port: '5432',
      dbname: 'mattermost',
      sslmode: 'disable',
      connect_timeout: '10',
      binary_parameters: 'yes',
    });
  });

  it('decodes percent-encoding; an unencoded @ belongs to the password, as Go (Mattermost) reads it', () => {
    expect(parsePostgresUrl('postgresql://mm%40corp:p%40ss%3Aw%2Frd@db/mm%20db').params).toEqual({
      user: 'mm@corp',
      password: 'p@ss:w/rd',
      host: 'db',
      dbname: 'mm db',
    });
    expect(parsePostgresUrl('postgresql://mm:p@ss:w@db/mm').params).toMatchObject({ user: 'mm', password: 'p@ss:w', host: 'db' });
  });

  it('reads several hosts, IPv6 and a socket directory as libpq lists them', () => {
    expect(parsePostgresUrl('postgres://u@h1:5432,[::1]:5433,h3/db').params).toMatchObject({ host: 'h1,::1,h3', port: '5432,5433,' });
    expect(parsePostgresUrl('postgres://%2Fvar%2Frun%2Fpostgresql/db').params).toEqual({ host: '/var/run/postgresql', dbname: 'db' });
    expect(parsePostgresUrl('postgres:///db?host=/tmp').params).toEqual({ dbname: 'db', host: '/tmp' });
  });

  it('refuses what is not a postgres URL, without repeating it', () => {
    for (const bad of ['mmuser:s3cret@tcp(db:3306)/mattermost', 'host=db password=s3cret', 'postgres://u:s3cret@db/db?novalue', 'postgres://u:%zz@db/db']) {
      expect(() => parsePostgresUrl(bad)).toThrow(InvalidPostgresUrl);
      try {
        parsePostgresUrl(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain('s3cret');
      }
    }
  });
});

describe('withDatabase', () => {
  it('replaces only the database, every other byte kept', () => {
    expect(withDatabase('postgres://mmuser:p%40ss@db:5432/mattermost?sslmode=disable&binary_parameters=yes', 'mattermost_r_20261201')).toBe(
      'postgres://mmuser:p%40ss@db:5432/mattermost_r_20261201?sslmode=disable&binary_parameters=yes',
    );
    expect(withDatabase('postgres://mmuser:pw@db', 'restored')).toBe('postgres://mmuser:pw@db/restored');
    expect(withDatabase('postgres://mmuser:pw@db/old?dbname=old', 'restored')).toBe('postgres://mmuser:pw@db/old?dbname=restored');
  });

  it('reads back as the same connection with the new database', () => {
    const url = 'postgres://mmuser:s3cret@h1:5432,h2:5433/mattermost?sslmode=require&connect_timeout=10';
    expect(parsePostgresUrl(withDatabase(url, 'restored')).params).toEqual({ ...parsePostgresUrl(url).params, dbname: 'restored' });
  });
});
