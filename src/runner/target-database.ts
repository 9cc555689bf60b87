/**
 * The database a restore or drill creates, through the admin DSN: dropped first if an earlier try
 * left it (it cannot be in use: a restore writes the secret pointing at it last), created from
 * template0 (nothing of template1's local additions to clash with the dump) and owned by the
 * installation's role, so Mattermost owns what it restores into.
 */
import { libpqConnection } from './libpq-environment.ts';
import { PsqlSession } from './psql-session.ts';
import type { DatabaseSettings } from './runner-config.ts';

const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function asAdmin(admin: DatabaseSettings, statements: string[]): Promise<void> {
  const session = await PsqlSession.open(libpqConnection(admin.params, 'matterops-restore'));
  try {
    // Each on its own: CREATE and DROP DATABASE cannot run inside a transaction block.
    for (const statement of statements) await session.query(statement);
    await session.close();
  } finally {
    session.stop();
  }
}

export async function recreateDatabase(admin: DatabaseSettings, name: string, owner: string): Promise<void> {
  await asAdmin(admin, [`DROP DATABASE IF EXISTS ${identifier(name)}`, `CREATE DATABASE ${identifier(name)} OWNER ${identifier(owner)} TEMPLATE template0`]);
}

export async function dropDatabase(admin: DatabaseSettings, name: string): Promise<void> {
  await asAdmin(admin, [`DROP DATABASE IF EXISTS ${identifier(name)}`]);
}
