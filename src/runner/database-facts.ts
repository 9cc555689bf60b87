/**
 * What the runner reads from a database: its server version, the rows of the key tables (recorded
 * by a backup, compared by a restore), and whether Mattermost would start on it.
 */
import { keyTables } from '../core/model/backup.ts';
import type { PsqlSession } from './psql-session.ts';

const quoted = (name: string): string => `'${name.replaceAll("'", "''")}'`;

export async function serverVersion(session: PsqlSession): Promise<string> {
  const [version] = await session.query(`SELECT current_setting('server_version')`);
  return version ?? '';
}

/** The database's size on disk in bytes (indexes included: more than its dump holds). */
export async function databaseSize(session: PsqlSession): Promise<number> {
  const [bytes] = await session.query('SELECT pg_database_size(current_database())');
  return Number(bytes);
}

/**
 * Rows per key table that exists (a database without Mattermost's schema records none; a restore
 * that lost a table then differs from its backup).
 */
export async function rowCounts(session: PsqlSession): Promise<Record<string, number>> {
  const present = await session.query(
    `SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid) AND c.relname IN (${keyTables.map(quoted).join(', ')}) ORDER BY c.relname`,
  );
  if (!present.length) return {};
  const lines = await session.query(present.map((table) => `SELECT ${quoted(table)}, count(*) FROM "${table}"`).join(' UNION ALL '));
  return Object.fromEntries(
    lines.map((line) => {
      const [table, count] = line.split('|');
      return [table ?? '', Number(count)];
    }),
  );
}

/**
 * Why Mattermost would not start on this database, or undefined when it would: it reads its schema
 * version at start (`GetDBSchemaVersion`: the newest row of `db_migrations`) and its server
 * identity and keys from `systems`.
 */
export async function whyMattermostWouldNotStart(session: PsqlSession): Promise<string | undefined> {
  const tables = await session.query(
    `SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind = 'r' AND pg_catalog.pg_table_is_visible(c.oid) AND c.relname IN ('db_migrations', 'systems')`,
  );
  if (!tables.includes('db_migrations')) return 'the restored database has no db_migrations table: it does not hold a Mattermost schema';
  if (!tables.includes('systems')) return 'the restored database has no systems table: it does not hold a Mattermost schema';
  const [version] = await session.query('SELECT version FROM db_migrations ORDER BY version DESC LIMIT 1');
  if (!version) return 'db_migrations in the restored database is empty: Mattermost would migrate it as a new database';
  await session.query('SELECT count(*) FROM systems');
  return undefined;
}
