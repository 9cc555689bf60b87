/**
 * Masks the values of `KEY=VALUE` words in a command line (`env mattermost set K=***`). Words are
 * read by `readWords`, the tokenizer's own reader, which never fails: an unclosed quote runs to the
 * end of the line, so a half-typed secret is masked too.
 */
import { readWords } from './words.ts';

const keyValue = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Every word `KEY=VALUE` (not a `--flag=value`) becomes `KEY=<mask>`; the rest is kept as typed. */
export function maskAssignments(line: string, mask: string): string {
  let out = '';
  let last = 0;
  for (const word of readWords(line)) {
    const key = keyValue.exec(word.value)?.[1];
    if (key !== undefined) {
      out += `${line.slice(last, word.start)}${key}=${mask}`;
      last = word.end;
    }
  }
  return out + line.slice(last);
}
