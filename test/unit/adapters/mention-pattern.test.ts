/** Issue 9, item 8: the bot's username is escaped before it goes into a regular expression. */
import { describe, expect, it } from 'vitest';
import { mentionPattern } from '../../../src/adapters/mattermost/mention-pattern.ts';

describe('the mention pattern', () => {
  it('does not take @matXops for a mention of a bot named mat.ops', () => {
    const pattern = mentionPattern('mat.ops');
    expect(pattern.test('@matXops scale mattermost 0')).toBe(false);
    expect(pattern.test('@mat.ops status mattermost')).toBe(true);
    expect(pattern.strip('@mat.ops: status mattermost')).toBe('status mattermost');
    expect(pattern.strip('@matXops status mattermost')).toBe('@matXops status mattermost');
  });

  it('does not take a longer username that starts with the bot name for a mention', () => {
    const pattern = mentionPattern('mat.ops');
    expect(pattern.test('@mat.ops.backup status mattermost')).toBe(false);
    expect(pattern.test('@mat.ops-two status mattermost')).toBe(false);
    expect(pattern.test('ping @mat.ops. status')).toBe(true);
  });

  it('survives a username with characters that mean something in a regular expression', () => {
    expect(() => mentionPattern('a(b')).not.toThrow();
    expect(mentionPattern('a+b').test('@aab status')).toBe(false);
  });

  it('finds the mention anywhere after a space, in any case, and strips it', () => {
    const pattern = mentionPattern('matterops');
    expect(pattern.test('hey @MatterOps, status mattermost')).toBe(true);
    expect(pattern.test('mail@matterops status')).toBe(false);
    expect(pattern.strip('@matterops, status mattermost')).toBe('status mattermost');
  });
});
