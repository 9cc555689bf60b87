/**
 * pg_dump's output streamed into the store: `pg_dump --format=custom` in the given snapshot, through
 * the hash counter, into a multipart upload. The upload may complete only once pg_dump has exited 0
 * (the counter's gate), so a dump that failed half-way is aborted, never stored; a store that fails
 * stops pg_dump. Which side failed decides the stage: `dump` (or `connect`) for pg_dump, `upload`
 * for the store.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Digest } from './hash-counter.ts';
import { HashCounter } from './hash-counter.ts';
import { dbnameArgument, type LibpqConnection } from './libpq-environment.ts';
import { startPgTool } from './pg-process.ts';
import { atStage, errorText, RunnerFailure } from './runner-failure.ts';
import { uploadDump, type UploadTarget } from './upload-dump.ts';

export async function dumpToStore(connection: LibpqConnection, snapshot: string, client: S3Client, target: UploadTarget): Promise<Digest> {
  const args = ['--format=custom', `--snapshot=${snapshot}`, '--no-password', ...dbnameArgument(connection)];
  const dump = startPgTool('pg_dump', args, connection, { stdin: 'ignore', stdout: 'pipe' });
  const counter = new HashCounter({ beforeEnd: () => dump.exited });
  dump.child.stdout?.pipe(counter);
  try {
    await uploadDump(client, target, counter);
  } catch (error) {
    dump.stop();
    if (dump.failedOnItsOwn) await atStage('dump', () => dump.exited);
    throw new RunnerFailure('upload', `could not store the dump at s3://${target.bucket}/${target.key}: ${errorText(error)}`);
  }
  await atStage('dump', () => dump.exited);
  return counter.digest();
}
