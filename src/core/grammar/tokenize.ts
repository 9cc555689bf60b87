/**
 * Splits a command line like a shell would, without the shell: single and double quotes, backslash
 * escapes, and `--` after which nothing is a flag. Quoted words are never taken as flags. Words are
 * read by `readWords`, the reader masking uses too, so the two never disagree on a word.
 */
import { usageError } from '../errors.ts';
import { readWords } from '../text/words.ts';

export interface Token {
  value: string;
  /** Quoted, or after `--`: always a positional value, even if it starts with `-`. */
  literal: boolean;
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let afterDashes = false;
  for (const word of readWords(input)) {
    if (word.unclosed)
      throw usageError(`a ${word.unclosed === '"' ? 'double' : 'single'} quote is not closed`, `close it: ${word.unclosed}...${word.unclosed}`);
    if (word.value === '--' && !word.quoted && !afterDashes) afterDashes = true;
    else tokens.push({ value: word.value, literal: word.quoted || afterDashes });
  }
  return tokens;
}
