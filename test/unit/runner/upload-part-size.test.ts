/** Parts as small as S3 allows (the runner's memory is a few of them), and never more than S3's 10,000 for a dump of the database. */
import { describe, expect, it } from 'vitest';
import { minPartSize, partSizeFor } from '../../../src/runner/upload-dump.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('partSizeFor', () => {
  it('is 5 MiB, S3 smallest, for every database up to about 40 GiB', () => {
    for (const bytes of [8 * MiB, 100 * MiB, GiB, 39 * GiB]) expect(partSizeFor(bytes)).toBe(5 * MiB);
  });

  it('grows with a bigger database, in whole MiB, so a dump a quarter bigger than it fits 10,000 parts', () => {
    for (const bytes of [40 * GiB, 100 * GiB, 1024 * GiB, 10 * 1024 * GiB + 12_345]) {
      const size = partSizeFor(bytes);
      expect(size % MiB).toBe(0);
      expect(size).toBeGreaterThanOrEqual(minPartSize);
      expect(Math.ceil((1.25 * bytes) / size)).toBeLessThanOrEqual(10_000);
    }
    expect(partSizeFor(1024 * GiB)).toBe(132 * MiB);
  });

  it('is the smallest part when the size is not known', () => {
    expect(partSizeFor(Number.NaN)).toBe(minPartSize);
    expect(partSizeFor(0)).toBe(minPartSize);
  });
});
