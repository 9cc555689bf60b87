/**
 * How a post mentions the bot by name: `@matterops status`, `hi @matterops, scale ...`.
 * The username is escaped before it becomes a regular expression (issue 9, item 8): Mattermost
 * usernames may hold `.`, `-` and `_`, and `@mat.ops` must not match `@matXops`.
 */

export interface MentionPattern {
  /** Whether the message mentions the bot. */
  test(message: string): boolean;
  /** The message without its mentions of the bot: the command text. */
  strip(message: string): string;
}

/** Escapes every character that means something in a regular expression. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export function mentionPattern(username: string): MentionPattern {
  // The name ends where no username character follows: `@mat.ops.` ends a sentence, while
  // `@mat.ops.backup` and `@mat.ops-two` are other users.
  const name = `(^|\\s)@${escapeRegExp(username)}(?![\\w-]|\\.[\\w-])`;
  const strip = new RegExp(`${name}[:,]?`, 'gi');
  const test = new RegExp(name, 'i');
  return {
    test: (message) => test.test(message),
    strip: (message) => message.replace(strip, ' ').trim(),
  };
}
