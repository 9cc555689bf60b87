/**
 * `matterops backup run`: the installation's database dumped to the store, and its metadata
 * written last, so a backup that did not finish never looks good (issue 11, the runner).
 *
 * Row counts and the dump come from one snapshot: a transaction exports it, the counts are read in
 * it, and pg_dump dumps it (`--snapshot`), so a restore of this dump has exactly the recorded counts
 * even while Mattermost writes. A Job that retries a backup that had finished reports it again.
 */
import { backupKeys, type BackupMetadata } from '../core/model/backup.ts';
import { InvalidMetadata, objectSize, putJson, readMetadata } from './backup-objects.ts';
import { databaseSize, rowCounts, serverVersion } from './database-facts.ts';
import { dumpToStore } from './dump-to-store.ts';
import { partSizeFor } from './upload-dump.ts';
import { libpqConnection } from './libpq-environment.ts';
import { PsqlSession } from './psql-session.ts';
import type { RunnerConfig } from './runner-config.ts';
import type { RunnerDeps, RunnerSuccess } from './runner-deps.ts';
import { atStage, RunnerFailure } from './runner-failure.ts';

function success(metadata: BackupMetadata, bucket: string): RunnerSuccess {
  return {
    ok: true,
    operation: 'backup',
    backupId: metadata.id,
    sizeBytes: metadata.sizeBytes,
    sha256: metadata.sha256,
    durationMs: Math.max(0, Date.parse(metadata.finishedAt) - Date.parse(metadata.startedAt)),
    location: `s3://${bucket}/${metadata.dumpKey}`,
    rowCounts: metadata.rowCounts,
  };
}

export async function runBackup(config: RunnerConfig, deps: RunnerDeps): Promise<RunnerSuccess> {
  const startedAt = deps.now();
  const { bucket } = config.s3;
  const keys = backupKeys(config.s3.prefix, config.installation, config.backupId);
  // Invalid metadata under this id is overwritten: it never described a good backup.
  const earlier = await atStage(
    'upload',
    () =>
      readMetadata(deps.s3, bucket, keys.metadata).catch((error: unknown) => {
        if (error instanceof InvalidMetadata) return undefined;
        throw error;
      }),
    `could not read s3://${bucket}/${keys.metadata}: `,
  );
  if (earlier) return (deps.log(`backup ${config.backupId} had already finished; reporting it`), success(earlier, bucket));

  const connection = libpqConnection(config.database.params, 'matterops-backup');
  if (connection.dropped.length) deps.log(`left out DSN parameters that pg_dump does not take: ${connection.dropped.join(', ')}`);
  const session = await atStage('connect', () => PsqlSession.open(connection));
  try {
    const snapshot = await atStage('dump', async () => {
      await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return (await session.query('SELECT pg_export_snapshot()'))[0] ?? '';
    });
    const pgVersion = await atStage('dump', () => serverVersion(session));
    const counts = await atStage('dump', () => rowCounts(session));
    const partSize = partSizeFor(await atStage('dump', () => databaseSize(session)));
    deps.log(`dumping ${config.installation.namespace}/${config.installation.name} (PostgreSQL ${pgVersion}) to s3://${bucket}/${keys.dump}`);
    const digest = await dumpToStore(connection, snapshot, deps.s3, { bucket, key: keys.dump, partSize });
    // The dump is complete: the transaction that exported its snapshot can end.
    await session.close().catch(() => undefined);
    const stored = await atStage('upload', () => objectSize(deps.s3, bucket, keys.dump));
    if (stored !== digest.sizeBytes)
      throw new RunnerFailure('upload', `the store holds ${stored ?? 'no'} bytes at s3://${bucket}/${keys.dump}; the dump has ${digest.sizeBytes}`);
    const metadata: BackupMetadata = {
      format: 'matterops-backup/v1',
      id: config.backupId,
      installation: config.installation,
      dumpKey: keys.dump,
      startedAt: startedAt.toISOString(),
      finishedAt: deps.now().toISOString(),
      sizeBytes: digest.sizeBytes,
      sha256: digest.sha256,
      pgVersion,
      rowCounts: counts,
      requestedBy: config.requestedBy,
      ...(config.note ? { note: config.note } : {}),
    };
    await atStage('upload', () => putJson(deps.s3, bucket, keys.metadata, metadata), 'could not write the backup metadata: ');
    return success(metadata, bucket);
  } finally {
    session.stop(); // a failure left it open; after close, nothing to do
  }
}
