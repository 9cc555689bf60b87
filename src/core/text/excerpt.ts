/**
 * User input quoted back in a message is cut to a short excerpt (issue 9, item 7): a 4 KB word in
 * an error would flood the channel, and whatever it holds is echoed by the bot.
 */

/** How many characters of a user's word an error may quote. */
export const excerptLength = 40;

/** At most `max` characters of `value`, then `…`; line breaks become spaces. */
export function excerpt(value: unknown, max = excerptLength): string {
  const flat = String(value).replace(/[\r\n]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** `"value"`, cut to an excerpt: the form every error uses to quote what was typed. */
export const quoted = (value: unknown): string => `"${excerpt(value)}"`;
