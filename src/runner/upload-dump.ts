/**
 * A dump streamed to the store with a multipart upload. Memory is a few parts, whatever the size of
 * the dump: lib-storage gathers a part from the stream's chunks, copies them into one buffer, and
 * keeps up to `queueSize` parts in flight (and the garbage collector frees each a little later), so
 * a part costs about four times its size. Parts are therefore as small as S3 allows, 5 MiB, and
 * grow only when the database is too big for 10,000 of them (S3's limit). On any failure the upload
 * is aborted, so the store keeps no object (and, once the abort reaches it, no parts) of a dump
 * that did not finish.
 *
 * With 16 MiB parts, as before, the runner's peak memory grew with the dump (BENCHMARKS.md,
 * backup): a 30 MB dump is two such parts, a 360 MB one held up to four at once (64 MB of buffers).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';

const MiB = 1024 * 1024;
/** S3's smallest part (all but the last). */
export const minPartSize = 5 * MiB;
/** S3 takes at most 10,000 parts: sized for 8,000, a dump a quarter bigger than its database still fits. */
const plannedParts = 8000;

/** The part size for a database of `databaseBytes` (pg_database_size: a custom-format dump is smaller). */
export function partSizeFor(databaseBytes: number): number {
  if (!(databaseBytes > 0)) return minPartSize;
  return Math.max(minPartSize, Math.ceil(databaseBytes / plannedParts / MiB) * MiB);
}

/** Parts uploaded at once: enough to keep the link busy while pg_dump fills the next. */
export const queueSize = 2;

export interface UploadTarget {
  bucket: string;
  key: string;
  partSize: number;
}

export async function uploadDump(client: S3Client, target: UploadTarget, body: Readable): Promise<void> {
  const upload = new Upload({
    client,
    params: { Bucket: target.bucket, Key: target.key, Body: body, ContentType: 'application/octet-stream' },
    partSize: target.partSize,
    queueSize,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
  } catch (error) {
    // done() has already tried AbortMultipartUpload when a part failed; abort() also stops any
    // part still being sent. Neither may hide the error that failed the upload.
    await upload.abort().catch(() => undefined);
    body.destroy();
    throw error;
  }
}
