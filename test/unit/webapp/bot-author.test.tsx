// @vitest-environment jsdom
/** Only the bot's posts get a card (bot-author.ts): a post of the type with forged props from anyone else reads as its plain text. */
import { act, cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { aliceUserId, authorProfiles, botUserId, fixture, otherBotUserId, valid } from './fixtures.ts';
import { hostStore, registered, renderPost } from './render.tsx';

afterEach(cleanup);

const cardOf = (container: HTMLElement) => container.querySelector('.matterops-card');
const plainOf = (container: HTMLElement) => container.querySelector('.matterops-plain');

describe('a card post', () => {
  it.each(valid.map((f) => [f.name, f.post] as const))('%s written by a user is shown as its plain text', (_, post) => {
    const { container } = renderPost({ ...post, user_id: aliceUserId });
    expect(cardOf(container)).toBeNull();
    expect(plainOf(container)?.textContent).toContain(post.message);
  });

  it('a forged "stable" status with a Confirm button from a user: plain text, and the buttons are still only its post actions', () => {
    const post = fixture('status-bot-stable');
    const { container } = renderPost({ ...post, user_id: aliceUserId });
    expect(container.querySelector('[data-card]')).toBeNull();
    expect(plainOf(container)?.textContent).toContain('stable');
  });

  it('written by another bot, or by a user named matterops who is no bot, is shown as plain text', () => {
    const store = hostStore({ ...authorProfiles, [botUserId]: { id: botUserId, username: 'matterops', is_bot: false } });
    for (const [types, userId] of [
      [registered(), otherBotUserId],
      [registered(store), botUserId],
    ] as const) {
      const { container, unmount } = renderPost({ ...fixture('incident-bot-resolved'), user_id: userId }, undefined, types);
      expect(cardOf(container), userId).toBeNull();
      unmount();
    }
  });

  it('with a from_bot prop but a user as its author is plain text: a prop anyone can set proves nothing', () => {
    const post = fixture('incident-open-critical');
    const { container } = renderPost({ ...post, user_id: aliceUserId, props: { ...post.props, from_bot: 'true' } });
    expect(cardOf(container)).toBeNull();
  });

  it('without an author, or without a store the plugin can read, is plain text', () => {
    const anonymous = fixture('status-stable');
    delete anonymous.user_id;
    expect(cardOf(renderPost(anonymous).container)).toBeNull();
    cleanup();
    for (const store of [null, {}, { getState: 'no' }]) {
      const { container, unmount } = renderPost(fixture('status-stable'), undefined, registered(store));
      expect(cardOf(container)).toBeNull();
      expect(plainOf(container)).not.toBeNull();
      unmount();
    }
  });

  it('by the bot whose profile the web app loads after the post: plain first, the card once the store has it', () => {
    const store = hostStore({});
    const { container } = renderPost(fixture('status-stable'), undefined, registered(store));
    expect(cardOf(container)).toBeNull();
    act(() => store.setProfiles(authorProfiles));
    expect(cardOf(container)).not.toBeNull();
    expect(plainOf(container)).toBeNull();
  });
});
