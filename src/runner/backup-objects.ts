/** The small JSON objects beside a dump (metadata.json, verified.json), as the runner reads and writes them. */
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BackupMetadataSchema, type BackupMetadata } from '../core/model/backup.ts';

/** A metadata object that is there but cannot be read as one. */
export class InvalidMetadata extends Error {}

export async function putJson(client: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${JSON.stringify(value, null, 2)}\n`, ContentType: 'application/json' }));
}

/** The backup's metadata; undefined when there is none (the backup never finished). Throws when it is not valid. */
export async function readMetadata(client: S3Client, bucket: string, key: string): Promise<BackupMetadata | undefined> {
  let text: string;
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidMetadata(`${key} is not JSON`);
  }
  const parsed = BackupMetadataSchema.safeParse(json);
  if (!parsed.success) throw new InvalidMetadata(`${key} is not valid backup metadata`);
  return parsed.data;
}

/** The stored object's size, or undefined when it is not there. */
export async function objectSize(client: S3Client, bucket: string, key: string): Promise<number | undefined> {
  try {
    return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? 0;
  } catch (error) {
    if (error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}
