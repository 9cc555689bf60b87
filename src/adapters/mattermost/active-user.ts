/**
 * A Mattermost user as they are now, for work that runs with no request from them (a scheduled
 * drill runs as its owner): the user is read afresh, uncached, so one deactivated a moment ago
 * is not taken for active; their groups and the channel's names then come from the chat identity
 * as for a typed command. Mattermost keeps deactivated users, with `delete_at` set.
 */
import type { Caller } from '../../core/model/caller.ts';
import type { ChatIdentity } from './chat-identity.ts';
import { MattermostApiError, type MattermostApi } from './mattermost-api.ts';

interface User {
  username: string;
  delete_at?: number;
}

/** Undefined when the user is unknown or deactivated; other failures (Mattermost down) throw. */
export function activeUserFinder(api: MattermostApi, identity: ChatIdentity): (userId: string, channelId: string) => Promise<Caller | undefined> {
  return async (userId, channelId) => {
    const user = await api.call<User>('GET', `/users/${encodeURIComponent(userId)}`).catch((error: unknown) => {
      if (error instanceof MattermostApiError && error.status === 404) return undefined;
      throw error;
    });
    if (!user || (user.delete_at ?? 0) > 0) return undefined;
    return identity.callerFor(userId, channelId, { username: user.username });
  };
}
