/**
 * The id of a channel of the bot's team named from the terminal (`schedule add ... --channel ops`),
 * looked up when a schedule posts (kept a minute: a schedule firing every 15 minutes looks it up
 * each time, a burst of tests does not).
 */
import type { ScheduleChannel } from '../../core/model/schedule.ts';
import type { MattermostApi } from './mattermost-api.ts';

export function channelIdFinder(
  api: Pick<MattermostApi, 'call'>,
  team: string | undefined,
  now: () => number = Date.now,
): (channel: ScheduleChannel) => Promise<string> {
  const known = new Map<string, { id: string; at: number }>();
  return async (channel) => {
    if (channel.id) return channel.id;
    if (!channel.name) throw new Error('the schedule names no channel');
    if (!team) throw new Error(`the schedule posts in ~${channel.name}, but no team is configured to find it in: set MM_TEAM`);
    const hit = known.get(channel.name);
    if (hit && now() - hit.at < 60_000) return hit.id;
    const found = await api.call<{ id: string }>('GET', `/teams/name/${encodeURIComponent(team)}/channels/name/${encodeURIComponent(channel.name)}`);
    known.set(channel.name, { id: found.id, at: now() });
    return found.id;
  };
}
