/**
 * A pass-through stream that hashes (sha256) and counts what flows through it, so a dump is
 * checked on its way to or from the store without being held anywhere: memory stays at the
 * streams' buffers whatever the size.
 *
 * `beforeEnd` gates the end of the stream: the upload of a dump must not complete before pg_dump
 * has said it succeeded (its stdout ends as well when it fails half-way), so a rejection there
 * fails the stream instead of ending it, and the multipart upload is aborted rather than completed.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface Digest {
  sha256: string;
  sizeBytes: number;
}

export class HashCounter extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private digestValue: Digest | undefined;
  private readonly beforeEnd: () => Promise<void>;

  constructor(options: { beforeEnd?: () => Promise<void> } = {}) {
    super();
    this.beforeEnd = options.beforeEnd ?? (() => Promise.resolve());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.beforeEnd().then(
      () => {
        this.digestValue = { sha256: this.hash.digest('hex'), sizeBytes: this.bytes };
        callback();
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Bytes seen so far. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** The sha256 and size of everything that passed; only once the stream has ended. */
  digest(): Digest {
    if (!this.digestValue) throw new Error('the stream has not ended yet');
    return this.digestValue;
  }
}
