/**
 * The one reader of command-line words: single and double quotes, backslash escapes outside single
 * quotes, words split on whitespace. Lenient: it never throws, an unclosed quote runs to the end of
 * the line and is flagged. The tokenizer refuses what it flags; masking (`maskAssignments`) masks
 * it; both read the same words, so what is masked is exactly what the parser takes as a value.
 * Here in `text`, not in `grammar`, because the grammar imports `text` (no cycle).
 */

export interface Word {
  /** Index of the word's first character in the line. */
  start: number;
  /** Index just after the word's last character (a whitespace or the line's end). */
  end: number;
  /** The word without its quotes and escapes. */
  value: string;
  /** Whether any part of it was quoted (a quoted word is never a flag). */
  quoted: boolean;
  /** The quote that was opened and never closed (it runs to the end of the line). */
  unclosed?: '"' | "'";
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/**
 * A quoted part from `start` (just after the quote): its text and the index after the closing
 * quote, or `closed: false` at the line's end. Backslashes escape only inside double quotes.
 */
function readQuoted(line: string, start: number, quote: '"' | "'"): { text: string; next: number; closed: boolean } {
  let i = start;
  let text = '';
  while (i < line.length && line[i] !== quote) {
    if (quote === '"' && line[i] === '\\' && i + 1 < line.length) i++;
    text += line[i] ?? '';
    i++;
  }
  return i < line.length ? { text, next: i + 1, closed: true } : { text, next: line.length, closed: false };
}

/** One word starting at `start` (not whitespace). */
function readWord(line: string, start: number): Word {
  let i = start;
  let value = '';
  let quoted = false;
  while (i < line.length && !isSpace(line[i])) {
    const ch = line[i] ?? '';
    if (ch === '"' || ch === "'") {
      quoted = true;
      const part = readQuoted(line, i + 1, ch);
      value += part.text;
      if (!part.closed) return { start, end: line.length, value, quoted, unclosed: ch };
      i = part.next;
    } else {
      if (ch === '\\' && i + 1 < line.length) i++;
      value += line[i] ?? '';
      i++;
    }
  }
  return { start, end: i, value, quoted };
}

/** Every word of the line, in order. Linear in the line's length. */
export function readWords(line: string): Word[] {
  const found: Word[] = [];
  for (let i = 0; i < line.length; ) {
    if (isSpace(line[i])) {
      i++;
    } else {
      const word = readWord(line, i);
      found.push(word);
      i = word.end;
    }
  }
  return found;
}
