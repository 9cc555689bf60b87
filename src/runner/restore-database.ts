/**
 * The second half of a restore or a drill: a fresh target database, the checked dump restored into
 * it as the installation's role (`--no-owner`: everything belongs to that role, whoever owned it
 * before; one transaction, stopping at the first error), then verified: the key tables' rows equal
 * the backup's, and Mattermost would start on it. Any failure after the database was created drops
 * it again: a half-restored database is never left behind.
 */
import type { BackupMetadata } from '../core/model/backup.ts';
import { rowCounts, whyMattermostWouldNotStart } from './database-facts.ts';
import { dbnameArgument, libpqConnection, type LibpqConnection } from './libpq-environment.ts';
import { startPgTool } from './pg-process.ts';
import { PsqlSession } from './psql-session.ts';
import type { DatabaseSettings } from './runner-config.ts';
import { atStage, errorText, RunnerFailure } from './runner-failure.ts';
import { dropDatabase, recreateDatabase } from './target-database.ts';

export interface RestoreTarget {
  /** The installation's database (its role restores, and owns the result). */
  database: DatabaseSettings;
  admin: DatabaseSettings;
  name: string;
}

/** Differences between two sets of row counts, as `posts 120 restored, 121 in the backup`. */
function countDifferences(restored: Record<string, number>, expected: Record<string, number>): string[] {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(restored)])].sort();
  return tables.filter((t) => restored[t] !== expected[t]).map((t) => `${t} ${restored[t] ?? 'missing'} restored, ${expected[t] ?? 'none'} in the backup`);
}

async function verify(connection: LibpqConnection, metadata: BackupMetadata): Promise<Record<string, number>> {
  const session = await PsqlSession.open(connection);
  try {
    const counts = await rowCounts(session);
    const differences = countDifferences(counts, metadata.rowCounts);
    if (differences.length) throw new RunnerFailure('verify', `the restored database differs from the backup: ${differences.join('; ')}`);
    const wouldNotStart = await whyMattermostWouldNotStart(session);
    if (wouldNotStart) throw new RunnerFailure('verify', wouldNotStart);
    await session.close();
    return counts;
  } finally {
    session.stop();
  }
}

async function pgRestore(connection: LibpqConnection, database: string, dumpPath: string): Promise<void> {
  const args = ['--no-owner', '--exit-on-error', '--single-transaction', '--no-password', ...dbnameArgument(connection, database), dumpPath];
  await startPgTool('pg_restore', args, connection, { stdin: 'ignore', stdout: 'ignore' }).exited;
}

/** Restores the dump into `target.name` and verifies it; returns the restored row counts. */
export async function restoreDatabase(target: RestoreTarget, dumpPath: string, metadata: BackupMetadata): Promise<Record<string, number>> {
  const owner = target.database.params.user ?? '';
  await atStage('restore', () => recreateDatabase(target.admin, target.name, owner), `could not create database ${target.name}: `);
  try {
    const connection = libpqConnection({ ...target.database.params, dbname: target.name }, 'matterops-restore');
    await atStage('restore', () => pgRestore(connection, target.name, dumpPath));
    return await atStage('verify', () => verify(connection, metadata));
  } catch (error) {
    throw await withDropped(target, error);
  }
}

/** The failure, after dropping the target; says so when even the drop failed. */
export async function withDropped(target: RestoreTarget, error: unknown): Promise<unknown> {
  try {
    await dropDatabase(target.admin, target.name);
    return error;
  } catch (dropError) {
    const failure = error instanceof RunnerFailure ? error : new RunnerFailure('restore', errorText(error));
    return new RunnerFailure(failure.stage, `${failure.message}; database ${target.name} could not be dropped (${errorText(dropError)}): drop it by hand`);
  }
}
