/**
 * Plain text from the reply model made safe as Mattermost markdown (issue 9, item 8). The core's
 * blocks are plain text and may hold what users typed, so nothing in them may format the post,
 * notify anyone or make a link come from the bot:
 * - markdown punctuation is backslash-escaped (`*`, `` ` ``, `[`, `]`, `|`, `\`, `_` at a word's
 *   edge, `#` and `>` at a line's start);
 * - every `@` before a name (`@all`, `@here`, a user, a custom group like `@sre-team` on a licensed
 *   server, `a@b`) gets an invisible U+200B after it, `scheme://` and `www.` one inside, so
 *   Mattermost neither notifies nor autolinks; the words read the same. The bot's own mentions of
 *   users (`by @alice`) no longer ping either: the adapter cannot tell them from typed text.
 * In code blocks nothing is a link or formats; a mention there is broken the same way, except after
 * a letter or digit (`alice@example.com` in a log stays as it was: it mentions nobody).
 */

const zeroWidthSpace = '\u200B';

/**
 * What Mattermost could read as a name after `@`: its name characters, or a backslash (it reads
 * `@\_ops`, an escaped `@_ops`, as a mention too).
 */
const beforeName = /@(?=[A-Za-z0-9._\\-])/g;
/**
 * The same in a code block, unless a letter or digit comes before the `@`: Mattermost splits a
 * word at `.`, `-` and `:` and trims a leading `_`, so `x.@here` mentions, `alice@example.com` does not.
 */
const mentionInCode = /(?<![\p{L}\p{N}])@(?=[A-Za-z0-9._-])/gu;

/** Mentions and what would autolink: an invisible separator breaks each. */
export function neutralise(text: string): string {
  return text
    .replace(beforeName, `@${zeroWidthSpace}`)
    .replace(/:\/\//g, `:${zeroWidthSpace}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${zeroWidthSpace}.`);
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9]/.test(ch);

function escapePunctuation(text: string): string {
  return (
    text
      .replace(/[\\`*[\]|]/g, (ch) => `\\${ch}`)
      // An underscore inside a word (MM_SQLSETTINGS) never makes emphasis; at a word's edge it may.
      // Judged in the string being replaced (its own argument): `at` indexes it, not `text`.
      .replace(/_/g, (ch, at: number, escaped: string) => (isWordChar(escaped[at - 1]) && isWordChar(escaped[at + 1]) ? ch : `\\${ch}`))
      .replace(/^(\s*)([#>])/gm, '$1\\$2')
  );
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

/** A fenced code block; inside it, markdown and links are inert already, mentions are neutralised. */
export function codeBlock(text: string): string {
  const fence = fenceFor(text);
  return `${fence}\n${text.replace(mentionInCode, `@${zeroWidthSpace}`)}\n${fence}`;
}
