/** keepTail (core/text/log-tail.ts): the newest whole lines that fit, and never nothing when the last line alone is too long. */
import { describe, expect, it } from 'vitest';
import { keepTail, redactedTail } from '../../../../src/core/text/log-tail.ts';

describe('keepTail', () => {
  it('keeps the newest whole lines that fit and counts the cut ones', () => {
    expect(keepTail('one\ntwo\nthree\n', 10)).toEqual({ text: 'three\n', cutLines: 2 });
    expect(keepTail('short\n', 10)).toEqual({ text: 'short\n', cutLines: 0 });
  });

  it('keeps the end of a last line longer than the window, not nothing (review)', () => {
    const long = `${'x'.repeat(50)}END\n`;
    expect(keepTail(`first\n${long}`, 20)).toEqual({ text: long.slice(-20), cutLines: 1 });
    expect(redactedTail(`first\n${long}`, 20).text).toBe(long.slice(-20));
  });
});
