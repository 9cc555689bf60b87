/**
 * Ephemeral posts: a reply only one user sees, for errors that arrive after the slash command or
 * button was already answered. Not through the post queue: they are rare, never edited, and an
 * ephemeral post that fails is reported as such so the caller can fall back to a thread post.
 */
import type { Logger } from '../../core/ports/logger.ts';
import type { TellPrivately } from './chat-responder.ts';
import type { MattermostApi } from './mattermost-api.ts';
import { renderPost } from './render-post.ts';

export function createTellPrivately(api: MattermostApi, logger: Logger): TellPrivately {
  return async (userId, target, reply) => {
    const rendered = renderPost(reply);
    try {
      await api.call('POST', '/posts/ephemeral', { user_id: userId, post: {
        channel_id: target.channelId, message: rendered.message, props: rendered.props, ...(target.rootId ? { root_id: target.rootId } : {}) } });
      return true;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not send an ephemeral reply; posting it instead');
      return false;
    }
  };
}
