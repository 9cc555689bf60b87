/**
 * What leader runnables may use that only `serve` builds: the Mattermost side (the REST client,
 * the bot's identity, the notifier, where mentions go) and the election's step-down.
 */
import type { MattermostApi } from '../adapters/mattermost/mattermost-api.ts';
import type { Mention } from '../adapters/mattermost/mention-listener.ts';
import type { Caller } from '../core/model/caller.ts';
import type { Notifier, PostRef } from '../core/ports/notifier.ts';
import type { Reply } from '../core/reply.ts';

export interface LeaderContext {
  api: MattermostApi;
  botToken: string;
  bot: { id: string; username: string };
  notifier: Notifier;
  /**
   * What incident posts go through: `notifier` behind the per-channel cap (core/incidents/channel-rate.ts)
   * when one is set, built with it so serve hands what waits to the outbox at shutdown.
   */
  incidentNotifier: Notifier;
  onMention: (m: Mention) => void;
  /**
   * Runs a command as `caller` in the thread of `root`, answered as a command typed there is (the
   * chat responder: progress in one post edited in place, then the outcome); resolves with the
   * last reply (undefined when it crashed). Scheduled drills run through it.
   */
  runInChannel: (root: PostRef, command: string, caller: Caller) => Promise<Reply | undefined>;
  /**
   * A Mattermost user as they are now acting in a channel (undefined: unknown or deactivated), so
   * a scheduled drill runs as its owner's current groups, not the ones kept when it was added.
   */
  activeUser: (userId: string, channelId: string) => Promise<Caller | undefined>;
  /** Gives leadership up for a while (leader-election's stepDown): for a leader that cannot do its job. */
  stepDown: () => Promise<void>;
}
