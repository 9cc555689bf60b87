/**
 * Plain text from the reply model made safe as Mattermost markdown (issue 9, item 8). The core's
 * blocks are plain text and may hold what users typed, so nothing in them may format the post,
 * notify a channel or make a link come from the bot:
 * - markdown punctuation is backslash-escaped (`*`, `` ` ``, `[`, `]`, `|`, `\`, `_` at a word's
 *   edge, `#` and `>` at a line's start);
 * - `@all`, `@channel`, `@here` and `a@b` get an invisible U+200B after the `@`, `scheme://` and
 *   `www.` one inside, so Mattermost neither notifies nor autolinks; the words read the same.
 * Mentions of users the bot names itself (`@alice`) stay mentions.
 */

const zeroWidthSpace = '\u200B';

/** Special mentions and what would autolink: an invisible separator breaks each. */
export function neutralise(text: string): string {
  return text
    .replace(/@(all|channel|here)\b/gi, `@${zeroWidthSpace}$1`)
    .replace(/([A-Za-z0-9._%+-])@(?=[A-Za-z0-9])/g, `$1@${zeroWidthSpace}`)
    .replace(/:\/\//g, `:${zeroWidthSpace}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${zeroWidthSpace}.`);
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9]/.test(ch);

function escapePunctuation(text: string): string {
  return text
    .replace(/[\\`*[\]|]/g, (ch) => `\\${ch}`)
    // An underscore inside a word (MM_SQLSETTINGS) never makes emphasis; at a word's edge it may.
    .replace(/_/g, (ch, at: number) => (isWordChar(text[at - 1]) && isWordChar(text[at + 1]) ? ch : `\\${ch}`))
    .replace(/^(\s*)([#>])/gm, '$1\\$2');
}

/** Plain text as markdown that shows exactly that text. */
export function escapeText(text: string): string {
  return neutralise(escapePunctuation(text));
}

/** A table cell: escaped, on one line. */
export function tableCell(text: string): string {
  return escapeText(text.replace(/\r?\n/g, ' '));
}

/** A fence longer than any run of backticks in the text, so nothing inside can close it. */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A fenced code block; inside it, markdown and links are inert already, special mentions are neutralised. */
export function codeBlock(text: string): string {
  const fence = fenceFor(text);
  return `${fence}\n${text.replace(/@(all|channel|here)\b/gi, `@${zeroWidthSpace}$1`)}\n${fence}`;
}
