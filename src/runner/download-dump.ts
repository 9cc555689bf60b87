/**
 * A dump brought from the store to a local file, hashed on the way, so its sha256 is known before
 * anything touches a database (a restore reads the file only once it matched). The file is private
 * to the runner (mode 0600) in a directory of its own under the temp dir; `remove` deletes both.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashCounter, type Digest } from './hash-counter.ts';

export interface DownloadedDump extends Digest {
  path: string;
  remove(): Promise<void>;
}

export async function downloadDump(client: S3Client, source: { bucket: string; key: string }): Promise<DownloadedDump> {
  const dir = await mkdtemp(join(tmpdir(), 'matterops-restore-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key }));
    if (!(object.Body instanceof Readable)) throw new Error(`${source.key} has no body`);
    const path = join(dir, 'dump.pgcustom');
    const counter = new HashCounter();
    await pipeline(object.Body, counter, createWriteStream(path, { mode: 0o600 }));
    return { path, ...counter.digest(), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
