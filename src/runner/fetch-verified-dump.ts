/**
 * The first half of a restore or a drill, before any database is touched: the backup's metadata
 * (there must be one: a dump without it never finished), the dump downloaded and hashed, and its
 * sha256 and size compared with the metadata. A mismatch stops here, at `checksum`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { backupKeys, type BackupMetadata } from '../core/model/backup.ts';
import { readMetadata } from './backup-objects.ts';
import { downloadDump, type DownloadedDump } from './download-dump.ts';
import type { RunnerConfig } from './runner-config.ts';
import { atStage, RunnerFailure } from './runner-failure.ts';

export interface VerifiedDump {
  metadata: BackupMetadata;
  dump: DownloadedDump;
  /** `s3://bucket/key` of the dump. */
  location: string;
}

export async function fetchVerifiedDump(config: RunnerConfig, client: S3Client): Promise<VerifiedDump> {
  const { bucket } = config.s3;
  const keys = backupKeys(config.s3.prefix, config.installation, config.backupId);
  const metadata = await atStage('download', () => readMetadata(client, bucket, keys.metadata), `could not read s3://${bucket}/${keys.metadata}: `);
  if (!metadata)
    throw new RunnerFailure(
      'download',
      `backup ${config.backupId} has no metadata at s3://${bucket}/${keys.metadata}: it never finished, so it cannot be restored`,
    );
  // The dump beside the metadata, whatever key the metadata names: a bucket moved under another prefix keeps its backups.
  const dump = await atStage('download', () => downloadDump(client, { bucket, key: keys.dump }), `could not download s3://${bucket}/${keys.dump}: `);
  if (dump.sha256 !== metadata.sha256 || dump.sizeBytes !== metadata.sizeBytes) {
    await dump.remove();
    throw new RunnerFailure(
      'checksum',
      `the dump at s3://${bucket}/${keys.dump} does not match its metadata (sha256 ${dump.sha256.slice(0, 12)}…, ${dump.sizeBytes} bytes; expected ${metadata.sha256.slice(0, 12)}…, ${metadata.sizeBytes} bytes): nothing was restored`,
    );
  }
  return { metadata, dump, location: `s3://${bucket}/${keys.dump}` };
}
