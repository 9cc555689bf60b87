/**
 * The catch-up through REST (issue 9, item 14): every channel, private channel, DM and group
 * message the bot is a member of (`GET /users/me/channels`, all teams at once, verified on 9.9 in
 * test/chat/catch-up.test.ts), read since shortly before a leader last listened. Channels without a
 * post since then are skipped by their `last_post_at`, so a quiet server costs one call. Every post
 * found is offered to the listener, which dedupes by post id (chat-state.ts). A pass stops between
 * channels and posts once its signal is aborted (leadership ended: the next leader owns the rest).
 */
import type { Logger } from '../../core/ports/logger.ts';
import type { ChatState } from './chat-state.ts';
import type { MattermostApi, Post } from './mattermost-api.ts';

export interface CatchUpDeps {
  api: MattermostApi;
  state: ChatState;
  logger: Logger;
  /** The listener's judgement of a post: answered if it is new, direct or a mention. */
  consider(post: Post, isDirect: boolean, message: string): void;
  /** Aborted when the listener closes: the pass stops where it is (and is not complete). */
  signal: AbortSignal;
}

interface Channel {
  id: string;
  type: string;
  last_post_at: number;
}

/** Reads back what was posted while no leader listened; true when every channel was read. */
export async function catchUpChannels(d: CatchUpDeps): Promise<boolean> {
  const from = d.state.catchUpFrom();
  if (from === undefined) return true; // no leader ever listened: nothing was missed
  let channels: Channel[];
  try {
    channels = await d.api.call<Channel[]>('GET', '/users/me/channels');
  } catch (error) {
    d.logger.warn({ err: (error as Error).message }, 'could not list the channels to catch up');
    return false;
  }
  let complete = true;
  for (const channel of channels.filter((c) => c.last_post_at >= from)) {
    if (d.signal.aborted) return false;
    try {
      for (const post of await d.api.postsSince(channel.id, from)) {
        if (d.signal.aborted) return false;
        // `since` also returns older posts edited since; only posts made in the gap count.
        if (post.create_at >= from) d.consider(post, channel.type === 'D', post.message);
      }
    } catch (error) {
      complete = false;
      d.logger.warn({ channelId: channel.id, err: (error as Error).message }, 'could not catch up a channel');
    }
  }
  return complete;
}
