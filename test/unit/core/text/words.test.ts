/**
 * One word reader for the command line (review R1): the tokenizer and the masking of `KEY=VALUE`
 * words read quotes and backslashes with the same code, so what is masked is exactly what the
 * parser will take as a value. The reader is lenient (an unclosed quote runs to the end and says
 * so); the tokenizer refuses what it flags.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../../src/core/grammar/tokenize.ts';
import { maskAssignments } from '../../../../src/core/text/mask-command.ts';
import { readWords } from '../../../../src/core/text/words.ts';

describe('the lenient word reader', () => {
  it('gives each word its span in the line and its value without quotes or escapes', () => {
    const line = String.raw` env  "a b"c 'd\e' f\ g "h\"i" `;
    expect(readWords(line)).toEqual([
      { start: 1, end: 4, value: 'env', quoted: false },
      { start: 6, end: 12, value: 'a bc', quoted: true },
      { start: 13, end: 18, value: String.raw`d\e`, quoted: true },
      { start: 19, end: 23, value: 'f g', quoted: false },
      { start: 24, end: 30, value: 'h"i', quoted: true },
    ]);
  });

  it('never throws: an unclosed quote runs to the end of the line and is flagged', () => {
    expect(readWords(`set K="never closed`)).toEqual([
      { start: 0, end: 3, value: 'set', quoted: false },
      { start: 4, end: 19, value: 'K=never closed', quoted: true, unclosed: '"' },
    ]);
    expect(readWords(`a\\`)).toEqual([{ start: 0, end: 2, value: 'a\\', quoted: false }]);
    expect(readWords('   ')).toEqual([]);
  });
});

const wordParts = fc.constantFrom('a', 'K', '=', '_', '-', '--', ' ', '  ', '\t', '"', "'", '\\', 'x y', '$', '=v', 'MM_X=');

describe('masking and parsing read the same words', () => {
  it('every token the parser would take as KEY=VALUE is masked, and nothing else changes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(wordParts, { maxLength: 16 }).map((parts) => parts.join('')),
        (line) => {
          let tokens: ReturnType<typeof tokenize>;
          try {
            tokens = tokenize(line);
          } catch {
            return;
          }
          const expected = tokens.map((t) => t.value.replace(/^([A-Za-z_][A-Za-z0-9_]*)=[\s\S]*$/, '$1=***'));
          const maskedTokens = tokenize(maskAssignments(line, '***')).map((t) => t.value);
          // `--` is no token; a masked word never becomes one.
          expect(maskedTokens, line).toEqual(expected);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('a line the parser refuses for an unclosed quote is masked from that word to its end', () => {
    expect(maskAssignments(`env m set A=1 B="x y`, '***')).toBe('env m set A=*** B=***');
    expect(() => tokenize(`env m set A=1 B="x y`)).toThrowError(/double quote is not closed/);
  });
});
