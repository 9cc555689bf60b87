/** The stream a dump passes through: its sha256 and size, and an end that waits for pg_dump's verdict. */
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { HashCounter } from '../../../src/runner/hash-counter.ts';

function chunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, () => randomBytes(size));
}

/** A sink that keeps only how many bytes reached it. */
function counting(): { sink: Writable; received: () => number } {
  let received = 0;
  return {
    sink: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback();
      },
    }),
    received: () => received,
  };
}

describe('HashCounter', () => {
  it('passes every byte through and reports their sha256 and count', async () => {
    const data = chunks(40, 64 * 1024);
    const { sink, received } = counting();
    const counter = new HashCounter();
    await pipeline(Readable.from(data), counter, sink);
    const whole = Buffer.concat(data);
    expect(counter.digest()).toEqual({ sha256: createHash('sha256').update(whole).digest('hex'), sizeBytes: whole.length });
    expect(received()).toBe(whole.length);
  });

  it('hashes an empty stream as the empty string', async () => {
    const counter = new HashCounter();
    await pipeline(Readable.from([]), counter, counting().sink);
    expect(counter.digest()).toEqual({ sha256: createHash('sha256').digest('hex'), sizeBytes: 0 });
  });

  it('has no digest before the end', () => {
    expect(() => new HashCounter().digest()).toThrow('not ended');
  });

  it('ends only after beforeEnd resolves', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const counter = new HashCounter({ beforeEnd: () => gate });
    let ended = false;
    const done = pipeline(Readable.from(chunks(2, 10)), counter, counting().sink).then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ended).toBe(false);
    release();
    await done;
    expect(counter.digest().sizeBytes).toBe(20);
  });

  it('fails instead of ending when beforeEnd rejects (pg_dump failed), so no consumer sees a complete stream', async () => {
    const counter = new HashCounter({ beforeEnd: () => Promise.reject(new Error('pg_dump: connection lost')) });
    let finished = false;
    const sink = counting().sink.on('finish', () => {
      finished = true;
    });
    await expect(pipeline(Readable.from(chunks(3, 100)), counter, sink)).rejects.toThrow('pg_dump: connection lost');
    expect(finished).toBe(false);
    expect(() => counter.digest()).toThrow();
  });

  it('holds no more than its buffers when the consumer is slow (back-pressure, not buffering)', async () => {
    const counter = new HashCounter();
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 400; i++) yield Buffer.alloc(64 * 1024, i);
      })(),
    );
    let most = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(_chunk, _encoding, callback) {
        most = Math.max(most, counter.readableLength + counter.writableLength);
        setImmediate(callback);
      },
    });
    await pipeline(source, counter, slow);
    expect(counter.digest().sizeBytes).toBe(400 * 64 * 1024);
    expect(most).toBeLessThanOrEqual(4 * 64 * 1024);
  });
});
