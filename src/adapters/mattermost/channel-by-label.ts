/**
 * The channel an Alertmanager routing label names (`mattermost_channel="incidents"`): a channel id
 * as it is, else a channel of the bot's team by name, looked up once per name (a miss is looked up
 * again next time, so a channel made later is found). Undefined: no such channel, said in the log.
 */
import type { Logger } from '../../core/ports/logger.ts';
import type { MattermostApi } from './mattermost-api.ts';
import { isMattermostId } from './mattermost-id.ts';

export function channelByLabel(
  api: Pick<MattermostApi, 'channelByName'>,
  team: string | undefined,
  logger: Logger,
): (value: string) => Promise<string | undefined> {
  const found = new Map<string, string>();
  return async (value) => {
    if (isMattermostId(value)) return value;
    const known = found.get(value);
    if (known) return known;
    if (!team) {
      logger.warn({ channel: value }, 'an alert names a channel by name, but no team is configured (MM_TEAM) to look it up in');
      return undefined;
    }
    try {
      const { id } = await api.channelByName(team, value);
      found.set(value, id);
      return id;
    } catch (e) {
      logger.warn({ channel: value, team, err: (e as Error).message }, 'the channel an alert names was not found');
      return undefined;
    }
  };
}
