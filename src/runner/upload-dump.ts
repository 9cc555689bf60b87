/**
 * A dump streamed to the store with a multipart upload: memory is the parts in flight
 * (partSize × queueSize), whatever the size of the dump. S3 allows 10,000 parts, so 16 MiB parts
 * hold dumps up to 156 GiB. On any failure the upload is aborted, so the store keeps no object
 * (and, once the abort reaches it, no parts) of a dump that did not finish.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';

export const partSize = 16 * 1024 * 1024;
/** Parts uploaded at once: enough to keep the link busy while pg_dump fills the next. */
export const queueSize = 2;

export async function uploadDump(client: S3Client, target: { bucket: string; key: string }, body: Readable): Promise<void> {
  const upload = new Upload({
    client,
    params: { Bucket: target.bucket, Key: target.key, Body: body, ContentType: 'application/octet-stream' },
    partSize,
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
