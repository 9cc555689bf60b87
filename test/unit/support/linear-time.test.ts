/** The growth check itself: linear work passes it, quadratic work does not, with the same thresholds the tests use. */
import { describe, expect, it } from 'vitest';
import { growthOver4x, growthTimeoutMs, repeated } from '../../support/linear-time.ts';

/** Compares every pair of characters: quadratic in the input. */
function quadratic(input: string): number {
  let same = 0;
  for (let i = 0; i < input.length; i += 4) for (let j = i; j < input.length; j += 4) if (input.charCodeAt(i) === input.charCodeAt(j)) same++;
  return same;
}

describe('growthOver4x', () => {
  it(
    'calls a linear scan linear and a quadratic one not',
    () => {
      expect(growthOver4x(repeated('ab'), (s) => s.split('').reverse().join(''))).toBeLessThan(10);
      expect(growthOver4x(repeated('ab'), quadratic, 2_048)).toBeGreaterThanOrEqual(10);
    },
    growthTimeoutMs,
  );
});
