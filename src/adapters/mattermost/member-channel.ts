/**
 * The channel of the bot's team with a name, when a user is a member of it (RunOptions.memberChannel:
 * `schedule add ... --channel ops` from chat may aim only at the caller's own channels). A channel
 * that does not exist, that the user is not in, or that the bot is not in (Mattermost answers the
 * bot's membership question only there: 403, and the bot could not post there anyway) is the same
 * undefined, so the answer tells no one of channels they cannot see. Mattermost not answering is an error.
 */
import { MattermostApiError, type MattermostApi } from './mattermost-api.ts';
import { isMattermostId } from './mattermost-id.ts';

/** 403 and 404: not there, not visible to the bot, or not a member. */
const isMiss = (e: unknown): boolean => e instanceof MattermostApiError && (e.status === 403 || e.status === 404);

export function memberChannelFinder(
  api: Pick<MattermostApi, 'call' | 'channelByName'>,
  team: string | undefined,
): (userId: string, name: string) => Promise<{ id: string; name: string } | undefined> {
  return async (userId, name) => {
    if (!team || !isMattermostId(userId)) return undefined;
    try {
      const channel = await api.channelByName(team, name);
      await api.call('GET', `/channels/${encodeURIComponent(channel.id)}/members/${encodeURIComponent(userId)}`);
      return { id: channel.id, name: channel.name };
    } catch (e) {
      if (isMiss(e)) return undefined;
      throw e;
    }
  };
}
