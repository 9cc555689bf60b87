/**
 * Splits a command line like a shell would, without the shell: single and double quotes, backslash
 * escapes, and `--` after which nothing is a flag. Quoted words are never taken as flags.
 */
import { usageError } from '../errors.ts';

export interface Token {
  value: string;
  /** Quoted, or after `--`: always a positional value, even if it starts with `-`. */
  literal: boolean;
}

interface State { tokens: Token[]; current: string; inWord: boolean; quoted: boolean; afterDashes: boolean }

function endWord(state: State): void {
  if (!state.inWord) return;
  if (state.current === '--' && !state.quoted && !state.afterDashes) {
    state.afterDashes = true;
  } else {
    state.tokens.push({ value: state.current, literal: state.quoted || state.afterDashes });
  }
  state.current = '';
  state.inWord = false;
  state.quoted = false;
}

/** Reads a quoted section starting after the opening quote; returns the index after the closing one. */
function readQuoted(input: string, start: number, quote: string, state: State): number {
  let i = start;
  while (i < input.length && input[i] !== quote) {
    if (quote === '"' && input[i] === '\\' && i + 1 < input.length) i++;
    state.current += input[i];
    i++;
  }
  if (i >= input.length) throw usageError(`a ${quote === '"' ? 'double' : 'single'} quote is not closed`, `close it: ${quote}...${quote}`);
  return i + 1;
}

export function tokenize(input: string): Token[] {
  const state: State = { tokens: [], current: '', inWord: false, quoted: false, afterDashes: false };
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (/\s/.test(ch)) {
      endWord(state);
      i++;
    } else if (ch === '"' || ch === "'") {
      state.inWord = true;
      state.quoted = true;
      i = readQuoted(input, i + 1, ch, state);
    } else {
      state.inWord = true;
      if (ch === '\\' && i + 1 < input.length) i++;
      state.current += input[i];
      i++;
    }
  }
  endWord(state);
  return state.tokens;
}
