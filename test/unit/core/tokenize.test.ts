import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/core/grammar/tokenize.ts';

const values = (input: string): string[] => tokenize(input).map((t) => t.value);

describe('tokenize', () => {
  it('splits on whitespace and keeps quoted words whole', () => {
    expect(values(`env mattermost set  GREETING="hello world" 'A B'`)).toEqual(['env', 'mattermost', 'set', 'GREETING=hello world', 'A B']);
  });

  it('keeps --flag=value as one token for the parser', () => {
    expect(values('logs mattermost --tail=50')).toEqual(['logs', 'mattermost', '--tail=50']);
  });

  it('treats quoted words and everything after -- as literal, never as flags', () => {
    const tokens = tokenize(`logs "-n" -- --tail`);
    expect(tokens).toEqual([
      { value: 'logs', literal: false },
      { value: '-n', literal: true },
      { value: '--tail', literal: true },
    ]);
  });

  it('honours backslash escapes outside single quotes', () => {
    expect(values(String.raw`a\ b "c\"d" 'e\f'`)).toEqual(['a b', 'c"d', String.raw`e\f`]);
  });

  it('refuses an unclosed quote and says how to close it', () => {
    expect(() => tokenize('status "mattermost')).toThrowError(/double quote is not closed/);
  });

  it('gives nothing for blank input', () => {
    expect(tokenize('   ')).toEqual([]);
  });
});
