/** A scheduled drill's owner as Mattermost tells them now: unknown and deactivated users are none. */
import { describe, expect, it } from 'vitest';
import { activeUserFinder } from '../../../src/adapters/mattermost/active-user.ts';
import type { ChatIdentity } from '../../../src/adapters/mattermost/chat-identity.ts';
import { MattermostApiError, type MattermostApi } from '../../../src/adapters/mattermost/mattermost-api.ts';

/** Answers GET /users/<id> from `users`; 404 for any other id, `down` fails every call. */
const apiWith = (users: Record<string, { username: string; delete_at: number }>, down = false): MattermostApi =>
  ({
    call: (_method: string, path: string) => {
      if (down) return Promise.reject(new MattermostApiError(503, 'Mattermost is restarting'));
      const user = users[path.replace('/users/', '')];
      return user ? Promise.resolve(user) : Promise.reject(new MattermostApiError(404, 'not found'));
    },
  }) as unknown as MattermostApi;
const identity: ChatIdentity = {
  callerFor: (id, channelId, known) => Promise.resolve({ id, name: `@${known?.username}`, via: 'mattermost', channel: channelId, groups: ['sre'] }),
};

describe('activeUserFinder', () => {
  const users = { 'u-alice': { username: 'alice', delete_at: 0 }, 'u-bob': { username: 'bob', delete_at: 1764633600000 } };

  it('names an active user as the chat identity does, in the channel given', async () => {
    expect(await activeUserFinder(apiWith(users), identity)('u-alice', 'ch-ops')).toEqual({
      id: 'u-alice',
      name: '@alice',
      via: 'mattermost',
      channel: 'ch-ops',
      groups: ['sre'],
    });
  });

  it('finds no deactivated user (delete_at set) and no unknown one', async () => {
    const find = activeUserFinder(apiWith(users), identity);
    expect(await find('u-bob', 'ch-ops')).toBeUndefined();
    expect(await find('u-carol', 'ch-ops')).toBeUndefined();
  });

  it('lets other failures through: Mattermost down is not "the user is gone"', async () => {
    await expect(activeUserFinder(apiWith(users, true), identity)('u-alice', 'ch-ops')).rejects.toThrow('Mattermost is restarting');
  });
});
