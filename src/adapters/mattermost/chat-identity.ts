/**
 * Who a Mattermost request comes from, as the policy sees it: user name, team and channel names,
 * and group names when the policy binds groups. Requests carry ids; names are looked up here and
 * kept for a minute, so a burst of commands costs one lookup and renames show up soon. A slash
 * request also carries names (trusted once its token is checked): they stand in where the bot may
 * not read the channel. A button click's names are not used at all (Mattermost does not sign
 * those requests).
 *
 * Direct and group messages have no team and no channel name: a `{ channel: "*" }` binding means
 * "in any channel", not "in private with the bot". A channel the bot may not read, named by
 * nothing else, gives no names either, so only user and group bindings can match there.
 *
 * Mattermost serves group memberships only with a license (9.9 answers 501 without one); then no
 * group binding can match, which is said once in the log rather than on every command.
 */
import type { Logger } from '../../core/ports/logger.ts';
import type { Caller } from '../../core/model/caller.ts';
import { MattermostApiError, type MattermostApi } from './mattermost-api.ts';

export interface ChatIdentityOptions {
  /** Look up group memberships (only when the policy has group subjects: each costs a call). */
  groups: boolean;
  logger: Logger;
  ttlMs?: number;
}

/** Names a slash request carries, trusted after its token check. */
export interface KnownNames {
  username?: string;
  team?: string;
  channel?: string;
}

export interface ChatIdentity {
  /** The caller for a user acting in a channel; `known` names stand in for what cannot be looked up. */
  callerFor(userId: string, channelId: string, known?: KnownNames): Promise<Caller>;
}

/** Mattermost names direct messages `<user id>__<user id>` and group messages with 40 hex characters. */
const isPrivateChatName = (name: string): boolean => /^[a-z0-9]{26}__[a-z0-9]{26}$/.test(name) || /^[0-9a-f]{40}$/.test(name);

interface Channel {
  name: string;
  type: string;
  team_id: string;
}

/** A lookup remembered for `ttlMs`; a failed lookup is forgotten at once. */
function remembered<T>(ttlMs: number, load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  return (key) => {
    const hit = entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = load(key);
    entries.set(key, { value, until: Date.now() + ttlMs });
    value.catch(() => entries.delete(key));
    return value;
  };
}

export function createChatIdentity(api: MattermostApi, options: ChatIdentityOptions): ChatIdentity {
  const ttl = options.ttlMs ?? 60_000;
  let groupsUnavailable = false;
  const username = remembered(ttl, async (id) => (await api.call<{ username: string }>('GET', `/users/${id}`)).username);
  const channel = remembered(ttl, (id) => api.call<Channel>('GET', `/channels/${id}`));
  const team = remembered(ttl, async (id) => (await api.call<{ name: string }>('GET', `/teams/${id}`)).name);
  const groups = remembered(ttl, async (userId): Promise<string[]> => {
    if (groupsUnavailable) return [];
    try {
      return (await api.call<{ name?: string | null }[]>('GET', `/users/${userId}/groups`)).flatMap((g) => (g.name ? [g.name] : []));
    } catch (error) {
      if (!(error instanceof MattermostApiError) || (error.status !== 501 && error.status !== 403)) throw error;
      groupsUnavailable = true;
      options.logger.warn(
        { status: error.status },
        'the policy binds groups, but this Mattermost does not tell group memberships (it needs a license, and the bot the manage_system permission): group bindings will not match',
      );
      return [];
    }
  });

  /** Team and channel names of a channel; none for direct and group messages. */
  async function placeOf(channelId: string, known: KnownNames): Promise<{ team?: string; channel?: string }> {
    const where = await channel(channelId).catch((error: unknown) => {
      if (error instanceof MattermostApiError && (error.status === 403 || error.status === 404)) return undefined;
      throw error;
    });
    if (where) {
      if (where.type === 'D' || where.type === 'G') return {};
      return { channel: where.name, ...(where.team_id ? { team: await team(where.team_id) } : {}) };
    }
    // Not readable by the bot: what the slash request said, unless it names a private chat.
    if (!known.channel || isPrivateChatName(known.channel)) return {};
    return { channel: known.channel, ...(known.team ? { team: known.team } : {}) };
  }

  return {
    async callerFor(userId, channelId, known = {}) {
      const [name, place, memberOf] = await Promise.all([
        known.username || username(userId),
        placeOf(channelId, known),
        options.groups ? groups(userId) : undefined,
      ]);
      return { id: userId, name: `@${name}`, via: 'mattermost', ...place, ...(memberOf ? { groups: memberOf } : {}) };
    },
  };
}

/** Whether a policy's bindings name any group (then memberships are worth looking up). */
export const bindsGroups = (bindings: { subjects: object[] }[]): boolean => bindings.some((b) => b.subjects.some((s) => 'group' in s));
