/**
 * An S3 client from explicit settings, never from the SDK's ambient chain (environment, profiles,
 * instance metadata): the bot and the runner say exactly which store and credentials they use.
 * Path-style addressing, because S3-compatible stores (SeaweedFS, MinIO) rarely serve
 * `bucket.host` names.
 */
import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  /** `https://s3.example.com`; absent for AWS itself (the region picks the endpoint). */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  /** Every key starts with it (may be empty). */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // Checksums only where S3 demands them: S3-compatible stores differ in which of the newer
    // flexible-checksum headers they accept; the runner keeps its own sha256 of every dump.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A store that went away must fail the call, not hang it.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
}

/** `s3://bucket/prefix`, for messages. */
export function s3Location(settings: Pick<S3Settings, 'bucket' | 'prefix'>, key = settings.prefix): string {
  return `s3://${settings.bucket}/${key}`;
}
