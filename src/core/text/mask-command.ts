/**
 * Masks the values of `KEY=VALUE` words in a command line (`env mattermost set K=***`), reading
 * words as the tokenizer does (quotes, backslashes) but never failing: an unclosed quote runs to
 * the end of the line, so a half-typed secret is masked too.
 */

interface Word { start: number; end: number; value: string }

/** Reads a quoted part from `start` (just after the quote); returns [index after it, its text]. */
function readQuoted(line: string, start: number, quote: string): [number, string] {
  let i = start;
  let text = '';
  while (i < line.length && line[i] !== quote) {
    if (quote === '"' && line[i] === '\\' && i + 1 < line.length) i++;
    text += line[i];
    i++;
  }
  return [Math.min(i + 1, line.length), text];
}

/** One word starting at `start` (not whitespace): its end and its unquoted value. */
function readWord(line: string, start: number): Word {
  let i = start;
  let value = '';
  while (i < line.length && !/\s/.test(line[i] ?? '')) {
    const ch = line[i] ?? '';
    if (ch === '"' || ch === "'") {
      const [next, text] = readQuoted(line, i + 1, ch);
      value += text;
      i = next;
    } else {
      if (ch === '\\' && i + 1 < line.length) i++;
      value += line[i];
      i++;
    }
  }
  return { start, end: i, value };
}

function words(line: string): Word[] {
  const found: Word[] = [];
  for (let i = 0; i < line.length;) {
    if (/\s/.test(line[i] ?? '')) {
      i++;
    } else {
      const word = readWord(line, i);
      found.push(word);
      i = word.end;
    }
  }
  return found;
}

const keyValue = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Every word `KEY=VALUE` (not a `--flag=value`) becomes `KEY=<mask>`; the rest is kept as typed. */
export function maskAssignments(line: string, mask: string): string {
  let out = '';
  let last = 0;
  for (const word of words(line)) {
    const key = keyValue.exec(word.value)?.[1];
    if (key !== undefined) {
      out += `${line.slice(last, word.start)}${key}=${mask}`;
      last = word.end;
    }
  }
  return out + line.slice(last);
}
